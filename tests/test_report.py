"""The HTML report: built from the tables only, offline, and checked in a real headless Chromium."""
from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import evaluate
import pipeline
from pipeline.report import (
    PARAGRAPH,
    ReportData,
    ReportError,
    article_spans,
    continuous_windows,
    cue_tags,
    find_chromium,
    open_in_browser,
    statements,
    token_range,
    whitespace_tokens,
    write_report,
)
from pipeline.schema import TABLE_NAMES, empty_table, to_table

RAW = Path(__file__).resolve().parents[1] / "raw"

ARTICLES = {
    "a1": ("Zelensky open to talks", "2023-05-09",
           "Zelensky open to talks\n\nKYIV, May 9 (Test Wire) - Ukrainian President Volodymyr Zelensky said on "
           "Tuesday that Kyiv was ready for peace talks with Russia.\n\n\"We are ready to negotiate if Russian troops "
           "leave our land,\" Zelensky told reporters in Kyiv.\n\nSecretary of State Antony Blinken said Washington "
           "supports a negotiated settlement that Ukraine accepts.\n"),
    "a2": ("Kremlin rejects ceasefire plan", "2023-06-14",
           "Kremlin rejects ceasefire plan\n\nMOSCOW, June 14 (Test Wire) - Kremlin spokesman Dmitry Peskov said on "
           "Wednesday that Moscow rejected the ceasefire plan.\n\n\"There is no basis for negotiations now,\" Peskov "
           "told reporters.\n\nA senior Western official said the talks could resume next month.\n"),
    "a3": ("Turkey offers to host negotiations", "2023-08-20",
           "Turkey offers to host negotiations\n\nANKARA, Aug 20 (Test Wire) - Turkish President Tayyip Erdogan said "
           "on Tuesday that Turkey was ready to host peace talks between Russia and Ukraine.\n\n\"We support every "
           "effort to end this war through dialogue,\" Erdogan said in Ankara.\n"),
}
GOLD = """documents:
- doc_id: a1
  entities:
  - {name: Volodymyr Zelensky, label: PERSON, aliases: [Zelensky]}
  - {name: Antony Blinken, label: PERSON}
  stances:
  - {actor: Volodymyr Zelensky, stance: conditional}
  - {actor: Antony Blinken, stance: support}
- doc_id: a2
  stances:
  - {actor: Dmitry Peskov, stance: oppose}
- doc_id: a3
  stances:
  - {actor: Tayyip Erdogan, stance: support}
"""


def _actor_names(out_dir: Path) -> set[str]:
    stances = pd.read_csv(out_dir / "stances.csv", dtype=str, keep_default_na=False)
    names = set(stances["actor_id"].where(stances["actor_id"] != "", stances["actor"]))
    if (out_dir / "actors.csv").is_file():
        names |= set(pd.read_csv(out_dir / "actors.csv", dtype=str, keep_default_na=False)["actor"])
    return {n for n in names if n}


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def chromium() -> str:
    """A headless Chromium; `make test` installs Debian's package when it is missing."""
    found = find_chromium()
    if not found:
        pytest.skip("Chromium is not installed: `make test` installs Debian's `chromium` package "
                    "(as root), or set PARLEY_CHROMIUM")
    return found


@pytest.fixture(scope="module")
def mini_outputs(tmp_path_factory) -> tuple[Path, Path]:
    """A three-article corpus with gold, run through the real pipeline and evaluated."""
    corpus = tmp_path_factory.mktemp("mini_corpus")
    lines = ["doc_id,file,title,outlet,url,published"]
    for doc_id, (title, published, text) in ARTICLES.items():
        (corpus / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        lines.append(f"{doc_id},{doc_id}.txt,{title},Test Wire,,{published}")
    (corpus / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "gold.yaml").write_text(GOLD, encoding="utf-8")
    out = tmp_path_factory.mktemp("mini_outputs")
    pipeline.run(corpus, out)  # records the corpus folder in out/run.json
    evaluate(corpus, out)
    return corpus, out


# ----------------------------------------------------------------------------- pure helpers


def test_report_whitespace_tokens_mark_line_breaks():
    tokens, starts, ends = whitespace_tokens("Kyiv said:\n\n\"Talks  now.\"")
    assert tokens == ["Kyiv", "said:", PARAGRAPH, "\"Talks", "now.\""]
    assert (starts[3], ends[3]) == (12, 18)


@pytest.mark.parametrize("span, expected", [
    ((0, 4), (0, 1)),       # "Kyiv"
    ((13, 18), (3, 4)),     # "Talks" inside the token "\"Talks"
    ((5, 27), (1, 5)),      # across the line break
    ((4, 5), None),         # only whitespace
])
def test_report_token_range_covers_overlapping_tokens(span, expected):
    _, starts, ends = whitespace_tokens("Kyiv said:\n\n\"Talks  now.\"")
    assert token_range(starts, ends, *span) == expected


def test_report_article_spans_label_quotes_speakers_dates():
    text = "Peskov said \"no <talks>\" on May 9."
    entities = pd.DataFrame([{"doc_id": "d", "start_char": 0, "end_char": 6, "text": "Peskov", "label": "PERSON"}])
    quotes = pd.DataFrame([{"doc_id": "d", "quote_id": "q1", "start_char": 12, "end_char": 24, "speaker": "Peskov",
                            "speaker_start_char": 0, "speaker_end_char": 6, "stance": "oppose"}])
    dates = pd.DataFrame([{"doc_id": "d", "start_char": 28, "end_char": 33, "value": "2023-05-09", "mod": None}])
    parsed, colors = article_spans(text, entities, quotes, dates, {"Peskov": "actor-0"})
    labels = {s["label"]: (s["start_token"], s["end_token"]) for s in parsed["spans"]}
    assert labels == {"PERSON": (0, 1), "QUOTE · oppose": (2, 4), "SPEAKER q1": (0, 1), "DATE = 2023-05-09": (5, 7)}
    quote = next(s for s in parsed["spans"] if s["label"].startswith("QUOTE"))
    assert quote["kb_url"] == "#actor-0" and "Peskov" in quote["kb_id"]
    assert colors["QUOTE · oppose"] == "#D55E00"


@pytest.mark.parametrize("evidence, tags", [
    ("only after; withdrawal", ["only after", "withdrawal"]),
    ("talks | ceasefire;hedged: could", ["talks", "ceasefire", "hedged: could"]),
    ("", []),
])
def test_report_cue_tags_split_on_every_separator(evidence, tags):
    assert cue_tags(evidence) == tags


@pytest.mark.parametrize("labels, kind, expected", [
    ({"2023-05", "2023-08"}, "month", ["2023-05", "2023-06", "2023-07", "2023-08"]),
    ({"2022-11", "2023-02", "unknown"}, "month", ["2022-11", "2022-12", "2023-01", "2023-02", "unknown"]),
    ({"2023-Q4", "2024-Q2"}, "quarter", ["2023-Q4", "2024-Q1", "2024-Q2"]),
    ({"2020", "2022"}, "year", ["2020", "2021", "2022"]),
    ({"2020-W52", "2021-W02"}, "week", ["2020-W52", "2020-W53", "2021-W01", "2021-W02"]),
    ({"b-doc", "a-doc"}, "article", ["a-doc", "b-doc"]),
])
def test_report_time_axis_is_continuous(labels, kind, expected):
    assert continuous_windows(labels, kind) == expected


def test_report_statement_rows_carry_only_their_own_cues():
    quotes = to_table("quotes", [
        {"doc_id": "d", "quote_id": "q1", "start_char": 0, "end_char": 9, "text": "talks now", "speaker": "Ana Ruiz",
         "speaker_kind": "named", "stance": "support", "stance_evidence": "talks now | should"},
        {"doc_id": "d", "quote_id": "q2", "start_char": 20, "end_char": 30, "text": "it rained", "speaker": "Ana Ruiz",
         "speaker_kind": "named", "stance": "neutral", "stance_evidence": ""},
    ])
    stances = to_table("stances", [{"doc_id": "d", "actor": "Ana Ruiz", "actor_id": "Ana Ruiz", "actor_kind": "named",
                                     "stance": "support", "n_quotes": 2, "quote_ids": "q1;q2",
                                     "evidence": "talks now | should"}])
    tables = {name: empty_table(name) for name in TABLE_NAMES}
    tables.update(quotes=quotes, stances=stances)
    rows = statements(ReportData(tables=tables, actors=pd.DataFrame())).set_index("quote_id")
    assert rows.loc["q1", "evidence"] == "talks now | should"
    assert (rows.loc["q2", "stance"], rows.loc["q2", "evidence"]) == ("neutral", "")


# ----------------------------------------------------------------------------- the page


def test_report_survives_empty_tables_and_no_eval(tmp_path):
    for name in TABLE_NAMES:
        empty_table(name).to_parquet(tmp_path / f"{name}.parquet", index=False)
    page = write_report(tmp_path, corpus_dir=tmp_path / "no-corpus")
    text = page.read_text(encoding="utf-8")
    assert page == tmp_path / "report.html"
    assert 'id="stance-map"' in text and "No statements with a resolved speaker" in text
    assert "No evaluation yet" in text


def test_report_survives_missing_tables(tmp_path):
    text = write_report(tmp_path).read_text(encoding="utf-8")
    assert "no stances table" in text and "No articles in the documents table" in text


def test_report_needs_an_output_folder(tmp_path):
    with pytest.raises(ReportError):
        write_report(tmp_path / "missing")
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "missing")])
    assert result.exit_code == 2


@pytest.mark.slow
def test_report_raw_shows_every_actor_offline(raw_outputs, tmp_path):
    out = tmp_path / "raw"
    shutil.copytree(raw_outputs, out)
    evaluate(RAW, out)
    text = write_report(out, RAW).read_text(encoding="utf-8")
    names = _actor_names(out)
    assert names
    missing = [n for n in names if html.escape(n) not in text]
    assert not missing
    # self-contained: nothing is fetched from elsewhere
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*(src|href)=\"(https?:)?//", text)
    assert "@import" not in text and "url(http" not in text
    assert 'id="confusion"' in text
    assert text.count('class="spans"') == int((pd.read_csv(out / "documents.csv")["status"] == "ok").sum())


@pytest.mark.slow
def test_report_finds_texts_without_corpus_option_and_warns_when_it_cannot(mini_outputs, tmp_path):
    corpus, out = mini_outputs
    # the texts table holds the analysed texts: no --corpus needed
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Article text unavailable" not in (out / "report.html").read_text(encoding="utf-8")
    # without the texts table, the corpus folder recorded by the run is read
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    for suffix in (".parquet", ".csv"):
        (copy / f"texts{suffix}").unlink()
    result = CliRunner().invoke(app, ["report", "--out", str(copy)])
    assert result.exit_code == 0, result.output
    assert "ready to negotiate" in (copy / "report.html").read_text(encoding="utf-8")
    # and when neither is there, the page says so and the command exits 1
    (copy / "run.json").unlink()
    result = CliRunner().invoke(app, ["report", "--out", str(copy)])
    assert result.exit_code == 1
    assert "texts of 3 analysed article(s) were not found" in result.output
    assert "Article text unavailable" in (copy / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_links_every_table_for_download(mini_outputs):
    _, out = mini_outputs
    text = write_report(out).read_text(encoding="utf-8")
    downloads = text[text.index('id="download-list"'):]
    for name in (*TABLE_NAMES, "actors", "statements"):
        for suffix in (".csv", ".parquet"):
            assert f'href="{name}{suffix}" download' in downloads
    assert 'href="network.graphml" download' in downloads


# Measures, in the browser, every label of every annotated article (all opened) against
# every other label and every other token: a label must not overlap any of them.
OVERLAP_PROBE = """<script>
window.addEventListener('load', function () {
  document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  var overlaps = [], labels = Array.from(document.querySelectorAll('.spans .span-label'));
  var tokens = Array.from(document.querySelectorAll('.spans > span'));
  function box(el) { return el.getBoundingClientRect(); }
  function hit(a, b) { return a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5; }
  labels.forEach(function (label, i) {
    var a = box(label);
    labels.forEach(function (other, j) {
      if (j > i && hit(a, box(other))) { overlaps.push(label.textContent.trim() + ' / ' + other.textContent.trim()); }
    });
    tokens.forEach(function (token) {
      if (!token.contains(label) && hit(a, box(token))) { overlaps.push(label.textContent.trim() + ' over ' + token.textContent.trim().slice(0, 20)); }
    });
  });
  document.documentElement.setAttribute('data-labels', String(labels.length));
  document.documentElement.setAttribute('data-overlaps', JSON.stringify(overlaps));
});
</script>"""


@pytest.mark.slow
def test_report_labels_never_overlap_in_the_browser(mini_outputs, chromium, tmp_path):
    _, out = mini_outputs
    page = tmp_path / "probe.html"
    page.write_text(write_report(out, path=tmp_path / "report.html").read_text(encoding="utf-8")
                    .replace("</body>", OVERLAP_PROBE + "</body>"), encoding="utf-8")
    seen = open_in_browser(page, chromium=chromium)
    root = re.search(r"<html\b[^>]*>", seen.dom).group(0)
    assert int(re.search(r'data-labels="(\d+)"', root).group(1)) > 10
    assert json.loads(html.unescape(re.search(r'data-overlaps="([^"]*)"', root).group(1))) == []


@pytest.mark.slow
def test_report_opens_in_headless_chromium(mini_outputs, chromium, tmp_path):
    corpus, out = mini_outputs
    result = CliRunner().invoke(app, ["report", "--out", str(out), "--corpus", str(corpus), "--screenshot"])
    assert result.exit_code == 0, result.output
    page, png = out / "report.html", out / "report.png"

    seen = open_in_browser(page, chromium=chromium)
    assert seen.ready, "the page's load handler did not run"
    assert seen.console == [] and seen.page_errors == []
    dom = seen.dom
    stance_map = dom[dom.index('id="stance-map"'):dom.index("</table>", dom.index('id="stance-map"'))]
    assert re.search(r'class="chip s-(support|oppose|conditional|neutral|mixed)"', stance_map)
    for name in _actor_names(out):
        assert html.escape(name) in stance_map
    assert 'id="stance-legend"' in dom
    assert "Volodymyr Zelensky" in dom and "ready to negotiate" in dom
    first_article = dom[dom.index('id="doc-a1"'):dom.index('id="doc-a2"')]
    assert 'class="spans"' in first_article
    assert "QUOTE · conditional" in first_article and "DATE = 2023-05-09" in first_article
    assert "evaluation" in dom.lower() and 'id="confusion"' in dom
    # a continuous time axis: July has no article, yet has its column
    assert re.search(r'<th class="win quiet"[^>]*>2023-07</th>', stance_map)
    # each actor's statement rows show that statement's cues only
    quotes = pd.read_parquet(out / "quotes.parquet")
    cues_of = {t: set(cue_tags(e or "")) for t, e in zip(quotes["text"], quotes["stance_evidence"])}
    actors_part = dom[dom.index('id="actors"'):dom.index('id="evaluation"')]
    rows = re.findall(r'<td class="quote">“(.*?)”</td><td>(.*?)</td>', actors_part)
    assert rows
    for text, cells in rows:
        shown = {html.unescape(t) for t in re.findall(r'<span class="tag">(.*?)</span>', cells)}
        assert shown == cues_of[html.unescape(text)], text
    assert json.loads((out / "eval.json").read_text())["n_documents"] == 3

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one
