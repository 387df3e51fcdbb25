"""Bad input (pipeline/corpus.py and the runner): every listed file gets a row, one bad
article never stops the batch, encodings are detected, manifest problems name their row."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pipeline.runner.cache as runner_cache
from pipeline.corpus import decode_bytes, html_to_text, read_manifest
from pipeline.runner import run
from batch_helpers import ARTICLES, frozen_config, only_docs, read_tables, write_corpus, write_manifest

LATIN = (
    "Café diplomacy in Genève\n"
    "Swiss officials said on Tuesday that the café talks in Genève had produced no agreement, "
    "and that Ukraine's délégation would return next month. “Nothing is settled,” one official said.\n"
)
GOOD = {"talks": ARTICLES["talks"], "summit": ARTICLES["summit"], "latin": LATIN, "utf16": ARTICLES["envoy"]}


def _write_good(folder: Path) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "talks.txt").write_text(GOOD["talks"], encoding="utf-8")
    (folder / "summit.txt").write_bytes(b"\xef\xbb\xbf" + GOOD["summit"].encode("utf-8"))  # UTF-8 with BOM
    (folder / "latin.txt").write_bytes(GOOD["latin"].replace("“", '"').replace("”", '"').encode("latin-1"))
    (folder / "utf16.txt").write_text(GOOD["utf16"], encoding="utf-16")
    return [{"doc_id": d, "file": f"{d}.txt", "title": t.splitlines()[0], "published": "2024-03-15"} for d, t in GOOD.items()]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A clean corpus of the good articles and the same plus every kind of bad input."""
    base = tmp_path_factory.mktemp("faults")
    config = frozen_config(base, max_bytes=1_000_000)
    clean = base / "clean"
    write_manifest(clean, _write_good(clean)) if clean.mkdir() is None else None

    bad = base / "bad"
    rows = _write_good(bad)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (bad / "huge.txt").write_text("Huge\n" + "Peace talks were discussed at length. " * 140_000, encoding="utf-8")
    (bad / "page.html").write_text("<html><head><script>var x = 1;</script></head><body></body></html>", encoding="utf-8")
    (bad / "badbom.txt").write_bytes(b"\xff\xfe" + "Talks".encode("utf-16-le") + b"\x00")  # odd length after a UTF-16 BOM
    (bad / "baddate.txt").write_text(ARTICLES["grain"], encoding="utf-8")
    (bad / "stray.txt").write_text("Not listed\nThis file is not in the manifest.\n", encoding="utf-8")
    rows += [
        {"doc_id": "empty", "file": "empty.txt"},
        {"doc_id": "binary", "file": "binary.txt"},
        {"doc_id": "huge", "file": "huge.txt"},
        {"doc_id": "page", "file": "page.html"},
        {"doc_id": "badbom", "file": "badbom.txt"},
        {"doc_id": "missing", "file": "missing.txt"},
        {"doc_id": "talks", "file": "baddate.txt"},  # duplicate doc_id (row 12)
        {"doc_id": "baddate", "file": "baddate.txt", "published": "2024-13-45", "title": "UN proposes grain escort"},
    ]
    write_manifest(bad, rows, extra_columns=("section",))

    mp = pytest.MonkeyPatch()
    mp.setattr(runner_cache, "_row_making_sources", lambda: [])
    clean_result = run(clean, base / "out-clean", config, quiet=True, workers=1)
    bad_result = run(bad, base / "out-bad", config, quiet=True, workers=1)
    mp.undo()
    return clean_result, bad_result


def test_corpus_faults_every_listed_file_has_a_row_with_its_error(runs):
    _, result = runs
    assert result.exit_status == 1
    documents = pd.read_parquet(result.out_dir / "documents.parquet").set_index("doc_id")
    expected = {
        "empty": "empty file",
        "binary": "not text",
        "huge": "too large",
        "page": "unparseable HTML",
        "badbom": "undecodable",
        "missing": "missing file",
        "talks#row12": "duplicate doc_id 'talks'",
    }
    for doc_id, error in expected.items():
        assert documents.loc[doc_id, "status"] == "error", doc_id
        assert error in documents.loc[doc_id, "error"], (doc_id, documents.loc[doc_id, "error"])
    assert "manifest row 11" in documents.loc["missing", "error"]
    for doc_id in [*GOOD, "baddate"]:
        assert documents.loc[doc_id, "status"] == "ok", documents.loc[doc_id, "error"]
    assert len(documents) == 12  # every manifest row; the stray file is not read


def test_corpus_faults_encodings_detected_and_recorded(runs):
    _, result = runs
    documents = pd.read_parquet(result.out_dir / "documents.parquet").set_index("doc_id")
    assert documents.loc["talks", "encoding"] == "utf-8"
    assert documents.loc["summit", "encoding"] == "utf-8-sig"
    assert documents.loc["latin", "encoding"] == "cp1252"
    assert documents.loc["utf16", "encoding"] == "utf-16"
    entities = pd.read_parquet(result.out_dir / "entities.parquet")
    latin = LATIN.replace("“", '"').replace("”", '"')
    for row in entities[entities["doc_id"] == "latin"].itertuples():
        assert latin[row.start_char:row.end_char] == row.text  # offsets index the decoded text
    assert (entities["doc_id"] == "latin").any()


def test_corpus_faults_good_articles_unaffected_by_bad_ones(runs):
    clean, bad = runs
    clean_tables = read_tables(clean.out_dir, ("documents", "entities", "quotes", "dates", "stances"))
    bad_tables = read_tables(bad.out_dir, ("documents", "entities", "quotes", "dates", "stances"))
    for name in clean_tables:
        # the bad corpus's manifest has an extra column, which its documents table carries
        bad_table = only_docs(bad_tables[name], GOOD)[list(clean_tables[name].columns)]
        pd.testing.assert_frame_equal(bad_table, clean_tables[name], obj=name)


def test_corpus_faults_manifest_problems_name_their_row(runs):
    _, result = runs
    problems = [str(p) for p in result.problems]
    assert any("row 12" in p and "duplicate doc_id 'talks'" in p for p in problems)
    assert any("row 11" in p and "missing file" in p for p in problems)
    assert any("row 13" in p and "'2024-13-45' is not a YYYY-MM-DD date" in p for p in problems)
    assert not any("section" in p for p in problems)  # an extra manifest column is carried, not a problem
    assert any("stray.txt" in p and "not in the manifest" in p and p.startswith("warning") for p in problems)
    written = pd.read_csv(result.out_dir / "problems.csv")
    assert len(written) == len(problems)
    documents = pd.read_parquet(result.out_dir / "documents.parquet").set_index("doc_id")
    assert documents.loc["baddate", "anchor_source"] != "manifest"
    assert "section" in documents.columns and documents["section"].dtype == "string"


def test_corpus_faults_without_manifest_every_file_is_read(tmp_path):
    corpus = write_corpus(tmp_path, {"a": ARTICLES["talks"]}, manifest=False)
    (corpus / "b.html").write_text("<p>x</p>", encoding="utf-8")
    rows, problems = read_manifest(corpus)
    assert [r.doc_id for r in rows] == ["a", "b"] and all(r.published == "" for r in rows)
    assert problems[0].severity == "warning" and "no manifest" in problems[0].message


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Peace talks in Kyiv\n".encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + "Talks\n".encode("utf-8"), "utf-8-sig"),
        ("Talks — “soon”\n".encode("utf-16"), "utf-16"),
        ("Talks — “soon”\n".encode("utf-16-be"), None),  # no BOM: detected
        ("Négociations à Genève, café et résumé.\n".encode("cp1252"), "cp1252"),
        ("Переговоры о мире. Путин сказал, что переговоры невозможны.\n".encode("cp1251"), "cp1251"),
    ],
)
def test_corpus_decode_bytes_detects_encodings(data, encoding):
    text, found = decode_bytes(data)
    if encoding:
        assert found == encoding
    assert text.strip() and "\x00" not in text


@pytest.mark.parametrize(
    "data, error",
    [(b"", "empty file"), (b" \n\t", "empty file"), (b"\x00\x01\x02garbage\x00" * 50, "not text"),
     (bytes(range(256)) * 4, "not text"), (b"\xff\xfe" + b"a\x00b", "undecodable")],
)
def test_corpus_decode_bytes_names_the_problem(data, error):
    with pytest.raises(ValueError, match=error):
        decode_bytes(data)


def test_corpus_html_to_text_reports_unparseable_pages():
    with pytest.raises(ValueError, match="unparseable HTML"):
        html_to_text("<html><body><script>1</script></body></html>")
    with pytest.raises(ValueError, match="unparseable HTML"):
        html_to_text("\x00\x00")
