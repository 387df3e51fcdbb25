"""The Python API (analyze, run, read_tables), the documented columns, and the command
line's --version, --log-file and progress lines."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.progress import lines_every, progress
from pipeline.schema import ALL_TABLE_COLUMNS, TABLE_NAMES, OutputsError

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "tables.md"

# New sentences, written for these tests.
ENVOY = ("Envoys weigh a truce\n\n"
         "Norwegian Foreign Minister Ingrid Dahl said on Monday that talks on a ceasefire should begin next month. "
         "\"We cannot wait until the spring,\" Dahl told reporters in Oslo last week.\n")
HARBOUR = ("Harbour talks stall\n\n"
           "Chilean diplomat Mateo Ruiz said the negotiations could resume only after both sides withdraw their ships. "
           "The talks began in 2021.\n")


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "envoy.txt").write_text(ENVOY, encoding="utf-8")
    (folder / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "doc_id,file,title,outlet,url,published,language\n"
        "envoy,envoy.txt,Envoys weigh a truce,Nordic Wire,https://example.org/envoy,2024-03-11,en\n"
        "harbour,harbour.txt,Harbour talks stall,Andes Daily,https://example.org/harbour,,es\n",
        encoding="utf-8")
    return folder


def documented_columns() -> dict[str, dict[str, str]]:
    """Each table's columns and types as docs/tables.md lists them."""
    tables: dict[str, dict[str, str]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### (\w+)$", line)
        if heading:
            current = heading.group(1)
            continue
        row = re.match(r"\| `(\w+)` \| (\w+) \|", line)
        if row and current:
            tables.setdefault(current, {})[row.group(1)] = row.group(2)
    return tables


# ----------------------------------------------------------------------------- fast


def test_api_import_is_light():
    code = "import sys, pipeline; print(sorted(m for m in ('spacy', 'pandas', 'torch') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert done.stdout.strip() == "[]"
    assert set(pipeline.__all__) == {"analyze", "run", "read_tables", "__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", pipeline.__version__)


def test_api_docs_list_every_column_with_its_type():
    assert documented_columns() == ALL_TABLE_COLUMNS


def test_api_read_tables_keeps_years_as_text_from_csv(tmp_path):
    (tmp_path / "documents.csv").write_text("doc_id,file,status,n_chars,region\nd,d.txt,ok,120,Andes\n", encoding="utf-8")
    (tmp_path / "dates.csv").write_text(
        "doc_id,start_char,end_char,text,value,granularity,mod\nd,3,7,2022,2022,year,\nd,9,13,2014,2014,year,START\n"
        "d,20,24,then,,,\n", encoding="utf-8")
    tables = pipeline.read_tables(tmp_path)
    assert set(tables) == {"documents", "dates"}
    assert tables["dates"]["value"].tolist()[:2] == ["2022", "2014"]  # never 2022.0
    assert tables["dates"]["value"].dtype == "string" and tables["dates"]["start_char"].dtype == "Int64"
    assert tables["documents"]["region"].dtype == "string" and tables["documents"]["n_chars"].tolist() == [120]
    # a plain pandas read of the same file shows why read_tables exists
    assert pd.read_csv(tmp_path / "dates.csv")["value"].dtype == "float64"


def test_api_read_tables_needs_an_output_folder(tmp_path):
    with pytest.raises(OutputsError):
        pipeline.read_tables(tmp_path)


def test_api_analyze_rejects_a_bad_date():
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        pipeline.analyze("Text.", published="10/05/2025")


def test_progress_prints_a_line_per_n_articles_off_a_terminal():
    stream = io.StringIO()  # not a terminal
    update = progress(total=45, stream=stream)
    for _ in range(9):
        update(5)
    update(None)
    lines = stream.getvalue().splitlines()
    assert lines_every(45) == 5 and len(lines) == 9
    assert lines[0].startswith("parley: 5/45 articles (11%), ") and lines[-1].startswith("parley: 45/45 articles (100%)")
    assert "\r" not in stream.getvalue()
    quiet = io.StringIO()
    progress(total=45, quiet=True, stream=quiet)(45)
    assert quiet.getvalue() == ""


def test_cli_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"parley {pipeline.__version__}"


@pytest.mark.parametrize("command", [[], ["run"], ["evaluate"], ["report"]])
def test_cli_help_is_self_contained(command):
    result = CliRunner().invoke(app, [*command, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "SPEC" not in result.output and "shared" not in result.output


# ----------------------------------------------------------------------------- with the model


def test_api_analyze_one_text_with_anchored_dates(nlp):
    tables = pipeline.analyze(ENVOY, published="2024-03-11", nlp=nlp)
    assert set(tables) == set(TABLE_NAMES)
    document = tables["documents"].iloc[0]
    assert (document["doc_id"], document["anchor"], document["anchor_source"]) == ("text", "2024-03-11", "manifest")
    dates = dict(zip(tables["dates"]["text"], tables["dates"]["value"]))
    assert dates.get("next month") == "2024-04" and dates.get("last week") == "2024-W10"
    assert "Ingrid Dahl" in set(tables["quotes"]["speaker"])
    for name, frame in tables.items():
        assert dict(frame.dtypes.astype(str)) == ALL_TABLE_COLUMNS[name], name
    quote = tables["quotes"].iloc[0]
    assert ENVOY[quote["start_char"]:quote["end_char"]] == quote["text"]  # offsets index the text given
    assert tables["texts"]["text"].tolist() == [ENVOY]


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    """The two-article corpus run by the command line, with a log file, output not a terminal."""
    folder = tmp_path_factory.mktemp("api")
    corpus, out, log = write_corpus(folder / "corpus"), folder / "out", folder / "logs" / "run.log"
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(out), "--workers", "1",
                                      "--log-file", str(log)])
    return corpus, out, log, result


def test_cli_run_log_file_and_progress_lines(cli_run):
    corpus, out, log, result = cli_run
    assert result.exit_code == 0, result.output
    assert re.search(r"^parley: 2/2 articles \(100%\), [\d.]+ s$", result.output, re.M)
    assert "\r" not in result.output
    written = log.read_text(encoding="utf-8")
    assert f"corpus {corpus.resolve()}, output {out.resolve()}" in written
    assert re.search(r"config fingerprint [0-9a-f]{64}", written)
    assert re.search(r"done in [\d.]+ s: 2 articles", written)


def test_api_run_returns_the_tables_with_metadata(cli_run):
    corpus, out, _, _ = cli_run
    result = pipeline.run(corpus, out)  # unchanged: from the cache
    assert (result.exit_status, result.n_articles, result.n_cached) == (0, 2, 2)
    documents = result.tables["documents"].set_index("doc_id")
    assert documents.loc["envoy", ["title", "outlet", "url", "language"]].tolist() == \
        ["Envoys weigh a truce", "Nordic Wire", "https://example.org/envoy", "en"]
    assert documents.loc["harbour", "anchor_source"] == "none" and documents.loc["envoy", "text_source"] == "file"
    statements = result.tables["statements"]
    assert set(statements["outlet"]) <= {"Nordic Wire", "Andes Daily"} and "language" in statements.columns
    assert (out / "network.graphml").is_file()
    assert pipeline.read_tables(out)["dates"]["value"].dtype == "string"
    assert '"corpus": ' in (out / "run.json").read_text(encoding="utf-8")


# A script, unlike a notebook, must guard its top level: run's worker processes import it.
NOTEBOOK = """
import pipeline

if __name__ == "__main__":
    # one article, as in a notebook cell
    tables = pipeline.analyze(open(ARTICLE).read(), published="2024-03-11", title="Envoys weigh a truce")
    quotes = tables["quotes"][["speaker", "stance", "stance_confidence", "text"]]
    assert len(quotes) >= 1

    # a corpus folder, then its tables read back
    result = pipeline.run(CORPUS, OUT, workers=2)
    assert result.exit_status == 0, result.problems
    tables = pipeline.read_tables(OUT)
    for name, columns in DOCUMENTED.items():
        frame = tables[name]
        assert list(frame.columns)[:len(columns)] == list(columns), name
        assert {c: str(t) for c, t in frame.dtypes.items() if c in columns} == columns, name
    print("notebook ok", sorted(tables))
"""


@pytest.mark.slow
def test_api_notebook_style_script(tmp_path):
    corpus = write_corpus(tmp_path / "corpus")
    documented = {name: columns for name, columns in documented_columns().items() if name != "problems"}
    script = tmp_path / "notebook.py"
    script.write_text(f"ARTICLE = {str(corpus / 'envoy.txt')!r}\nCORPUS = {str(corpus)!r}\n"
                      f"OUT = {str(tmp_path / 'out')!r}\nDOCUMENTED = {documented!r}\n" + textwrap.dedent(NOTEBOOK),
                      encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "notebook ok" in done.stdout and "statements" in done.stdout
