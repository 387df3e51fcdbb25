"""Corpus reading: manifest, boilerplate blanking with offsets kept, anchors."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.corpus import (
    ManifestRow,
    boilerplate_spans,
    find_anchor,
    iter_articles,
    load_article,
    load_settings,
    page_published_date,
    read_manifest,
)

SETTINGS = load_settings()

PAGE = """28.1 C
Lisbon
Tuesday, March 5, 2024

Envoys meet in Geneva

Diplomats from Norway and Brazil met in Geneva on Tuesday, officials said.
The talks will resume next week, a spokesperson told reporters.

Keep Reading
Fishermen Protest Over New Quotas
Elections Loom In Patagonia

The Norwegian envoy said the mood was constructive.

Leave a Reply
Your email address will not be published.
Similar
Chile hosts regional summit on water rights
"""


def write_corpus(folder: Path, files: dict[str, str], manifest: str) -> Path:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(manifest, encoding="utf-8")
    return folder


def test_corpus_boilerplate_blanked_offsets_kept(tmp_path):
    write_corpus(tmp_path, {"a.txt": PAGE}, "doc_id,file,title,outlet,url,published\na,a.txt,Envoys meet in Geneva,,,2024-03-05\n")
    (article,) = iter_articles(tmp_path)
    assert article.status == "ok"
    assert article.text == PAGE
    assert len(article.body) == len(article.text)
    for dropped in ("Lisbon", "Tuesday, March 5, 2024", "Fishermen Protest", "Patagonia", "Leave a Reply", "Chile hosts"):
        assert dropped in article.text and dropped not in article.body
    for kept in ("Envoys meet in Geneva", "Diplomats from Norway", "The Norwegian envoy said"):
        start = article.text.index(kept)
        # same characters at the same offsets: offsets into the body index the file
        assert article.body[start:start + len(kept)] == kept


def test_corpus_repeated_outlet_line_dropped_but_headline_kept():
    text = "Headline of the day\n\nDaily Planet - News You Trust\n\nBody sentence one.\n\nDaily Planet - News You Trust\n"
    spans = boilerplate_spans(text, SETTINGS)
    dropped = [text[s:e] for s, e in spans]
    assert dropped.count("Daily Planet - News You Trust") == 2
    assert not any("Headline" in d for d in dropped)


def test_corpus_manifest_problems_named_with_rows(tmp_path):
    write_corpus(
        tmp_path,
        {"a.txt": "Title\n\nText.\n", "stray.txt": "Not listed.\n"},
        "doc_id,file,title,outlet,url,published,extra\n"
        "a,a.txt,Title,,,2024-01-02,x\n"
        "a,a.txt,Title,,,2024-01-02,x\n"
        "b,missing.txt,,,,,x\n"
        "c,a.txt,,,,02/01/2024,x\n",
    )
    rows, problems = read_manifest(tmp_path)
    messages = [str(p) for p in problems]
    assert any("row 3" in m and "duplicate doc_id" in m for m in messages)
    assert any("row 4" in m and "missing file" in m for m in messages)
    assert any("row 5" in m and "not a YYYY-MM-DD" in m for m in messages)
    assert all("extra" not in m for m in messages)  # an analyst's own column is carried, not a problem
    assert [r.extra for r in rows] == [{"extra": "x"}] * 4
    assert any("stray.txt" in m and "not in the manifest" in m for m in messages)
    # the duplicate row is kept as an error row under its own id, so it gets a documents row
    assert [r.doc_id for r in rows] == ["a", "a#row3", "b", "c"]
    assert "duplicate doc_id" in load_article(tmp_path, rows[1], SETTINGS).error
    missing = load_article(tmp_path, rows[2], SETTINGS)
    assert missing.status == "error" and "missing file" in missing.error


def test_corpus_extra_column_clashing_with_documents_column_is_renamed(tmp_path):
    write_corpus(tmp_path, {"a.txt": "Title\n\nText.\n"},
                 "doc_id,file,title,outlet,url,published,status,language\na,a.txt,Title,Wire,http://x,2024-01-02,draft,en\n")
    (row,), problems = read_manifest(tmp_path)
    assert row.extra == {"manifest_status": "draft", "language": "en"}
    assert [p.severity for p in problems] == ["warning"] and "'status'" in problems[0].message
    article = load_article(tmp_path, row, SETTINGS)
    assert (article.title, article.outlet, article.url, article.extra) == ("Title", "Wire", "http://x", row.extra)


@pytest.mark.parametrize(
    "published, body, expected",
    [
        ("2023-04-01", "KYIV, March 3, 2023 (Reuters) - Text.", ("2023-04-01", "manifest")),
        ("", "KYIV, March 3, 2023 (Reuters) - Text.", ("2023-03-03", "dateline")),
        ("", "GENEVA, 14 July 2021 - Text.", ("2021-07-14", "dateline")),
        ("", "Envoys met. Nothing dates this text.", ("", "none")),
    ],
)
def test_corpus_anchor_manifest_then_dateline_never_today(published, body, expected):
    assert find_anchor(published, body, SETTINGS) == expected


def test_corpus_site_header_date_is_not_an_anchor(tmp_path):
    write_corpus(tmp_path, {"a.txt": PAGE}, "doc_id,file,title,outlet,url,published\na,a.txt,Envoys meet in Geneva,,,\n")
    (article,) = iter_articles(tmp_path)
    assert (article.anchor, article.anchor_source) == ("", "none")


def test_corpus_without_manifest_reads_every_article(tmp_path):
    (tmp_path / "one.txt").write_text("One\n\nText one.\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text("Two\n\nText two.\n", encoding="utf-8")
    rows, problems = read_manifest(tmp_path)
    assert [r.doc_id for r in rows] == ["one", "two"]
    assert all(r.published == "" for r in rows)
    assert problems and problems[0].severity == "warning"


PAGE_WITH_METADATA = """<html><head><title>Envoys meet</title>
<meta property="og:type" content="article">
{meta}
</head><body><header>Saturday, 9 March 2024 · Weather 12 C</header>
<article><h1>Envoys meet in Oslo</h1>
<p>Diplomats from Chile and Kenya met in Oslo on Tuesday, officials said, and the talks will resume next week,
a spokesperson told reporters after the meeting ended late in the evening.</p>
<p>The Chilean envoy said the mood was constructive and that more meetings would follow soon in the city.</p>
</article></body></html>
"""


@pytest.mark.parametrize("meta, expected", [
    ('<meta property="article:published_time" content="2023-04-05T10:00:00+02:00">', "2023-04-05"),
    ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
     '{"@type": "NewsArticle", "dateModified": "2023-04-09", "datePublished": "2023-04-06"}]}</script>', "2023-04-06"),
    ('<meta name="dc.date" content="2023-04-07">', "2023-04-07"),
    ('<meta property="article:modified_time" content="2023-04-08">', ""),
    ("", ""),
])
def test_corpus_page_publication_metadata(meta, expected):
    assert page_published_date(PAGE_WITH_METADATA.format(meta=meta)) == expected


def test_corpus_html_anchor_from_page_metadata_then_manifest_wins(tmp_path):
    page = PAGE_WITH_METADATA.format(meta='<meta property="article:published_time" content="2023-04-05T10:00:00Z">')
    write_corpus(tmp_path, {"a.html": page, "b.html": page},
                 "doc_id,file,title,outlet,url,published\na,a.html,,,,\nb,b.html,,,,2023-05-01\n")
    a, b = iter_articles(tmp_path)
    assert (a.anchor, a.anchor_source, a.text_source) == ("2023-04-05", "page-metadata", "html-extracted")
    assert (b.anchor, b.anchor_source) == ("2023-05-01", "manifest")
    assert "Diplomats from Chile" in a.text and "Saturday, 9 March 2024" not in a.text


def test_corpus_txt_offsets_index_the_file(tmp_path):
    write_corpus(tmp_path, {"a.txt": PAGE}, "doc_id,file,title,outlet,url,published\na,a.txt,,,,\n")
    (article,) = iter_articles(tmp_path)
    assert article.text_source == "file" and article.text == (tmp_path / "a.txt").read_text(encoding="utf-8")
