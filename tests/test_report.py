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
from pipeline.report import (
    PARAGRAPH,
    ReportError,
    article_spans,
    find_chromium,
    open_in_browser,
    token_range,
    whitespace_tokens,
    write_report,
)
from pipeline.runner import run
from pipeline.schema import TABLE_NAMES, empty_table

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
    "a3": ("Turkey offers to host negotiations", "2023-06-20",
           "Turkey offers to host negotiations\n\nANKARA, June 20 (Test Wire) - Turkish President Tayyip Erdogan said "
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
    run(corpus, out, quiet=True)
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


# ----------------------------------------------------------------------------- the page


def test_report_survives_empty_tables_and_no_eval(tmp_path):
    for name in TABLE_NAMES:
        empty_table(name).to_parquet(tmp_path / f"{name}.parquet", index=False)
    page = write_report(tmp_path, corpus_dir=tmp_path / "no-corpus")
    text = page.read_text(encoding="utf-8")
    assert page == tmp_path / "report.html"
    assert 'id="stance-map"' in text and "No statements with a resolved speaker" in text
    assert "No evaluation yet" in text and "article texts unavailable" in text


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
    assert json.loads((out / "eval.json").read_text())["n_documents"] == 3

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000  # a rendered page, not a blank one
