"""parley: who said what about peace talks, and when.

The Python API, for notebooks and scripts (the command line calls the same functions)::

    import pipeline

    tables = pipeline.analyze(text, published="2025-05-10")   # one article
    tables["quotes"][["speaker", "stance", "text"]]

    result = pipeline.run("raw", "outputs")                    # a corpus folder
    result.exit_status, result.tables["stances"]

    tables = pipeline.read_tables("outputs")                   # a finished run

Each function returns tables as pandas DataFrames, keyed by table name, with the
dtypes of ``pipeline.schema``. Importing ``pipeline`` is light: spaCy, pandas and
the model load only when a function needs them.
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.runner import RunResult

__all__ = ["analyze", "run", "read_tables", "__version__"]

# Per config file, for ``analyze``: the checked config and its corpus settings, and the
# pipeline (built on the first call that needs it), so later calls cost only the text.
_CONFIGS: dict[str, tuple[Any, Any]] = {}
_NLP_BY_CONFIG: dict[str, Any] = {}


def __getattr__(name: str) -> str:
    if name == "__version__":  # read from the installed metadata only when asked
        from pipeline.runlog import version

        return version()
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def analyze(text: str, published: str | _dt.date | None = None, title: str | None = None, *,
            doc_id: str = "text", config: Path | str | None = None, nlp: Any = None) -> dict[str, "pd.DataFrame"]:
    """Analyse one article held in memory and return its tables.

    The text is treated as a ``.txt`` article of a corpus: boilerplate lines are
    blanked, relative dates are resolved against ``published`` (else a dateline in
    the text), and every offset indexes ``text``.

    Args:
        text: the article, headline first.
        published: its publication date (``YYYY-MM-DD`` or a ``date``); the anchor of
            relative dates ("last week"). None: a dateline in the text, else no anchor.
        title: the headline, when the text carries a site header above it.
        doc_id: the ``doc_id`` in the tables.
        config: a parley ``.cfg`` (default ``configs/default.cfg``).
        nlp: a pipeline built from that config (``pipeline.nlp.build_nlp``); by default
            one is built on the first call and kept for the next ones.

    Returns:
        ``documents``, ``entities``, ``quotes``, ``dates``, ``stances`` and ``texts``
        (one article's rows each), as typed DataFrames.

    Raises:
        ValueError: ``published`` is not a date.
    """
    from pipeline.corpus import load_settings, text_article
    from pipeline.nlp import DEFAULT_CONFIG, build_nlp, check_config
    from pipeline.runner import process_articles
    from pipeline.schema import TABLE_NAMES, to_table

    published = _iso_date(published)
    config_path = str(Path(config or DEFAULT_CONFIG).resolve())
    if config_path not in _CONFIGS:
        checked = check_config(config_path)
        _CONFIGS[config_path] = checked, load_settings(checked["corpus"]["settings_path"],
                                                       int(checked["corpus"]["max_bytes"]))
    checked, settings = _CONFIGS[config_path]
    if nlp is None:
        if config_path not in _NLP_BY_CONFIG:
            _NLP_BY_CONFIG[config_path] = build_nlp(checked)
        nlp = _NLP_BY_CONFIG[config_path]
    article = text_article(text, settings, doc_id=doc_id, title=title or "", published=published)
    rows = process_articles(nlp, [article])
    return {name: to_table(name, rows[name]) for name in TABLE_NAMES}


def _iso_date(value: str | _dt.date | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"published {value!r} is not a YYYY-MM-DD date") from None


def run(corpus: Path | str, out: Path | str, *, config: Path | str | None = None, quiet: bool = True,
        log_file: Path | str | None = None, **options) -> "RunResult":
    """Run the pipeline over a corpus folder, as ``parley run`` does, and return the result.

    Takes the output folder's lock (a second run into the same folder raises
    ``OutputLocked``), writes the tables, the exports and ``run.json`` (which records
    the corpus folder for ``report``), and appends to ``log_file`` when given.

    Args:
        corpus: the corpus folder (articles and ``manifest.csv``).
        out: the output folder.
        config: a parley ``.cfg`` (default ``configs/default.cfg``).
        quiet: no progress output (the default here; the command line shows it).
        log_file: a file to append the run's log to.
        **options: ``workers``, ``engine``, ``scheduler``, ``window``, ``group_by``, ``batch_size``,
            ``use_cache`` as for ``pipeline.runner.run``.

    Returns:
        The run's ``RunResult``: counts, problems, ``exit_status`` (0 all ok, 1 some
        articles failed or a manifest row was wrong) and ``tables`` (``read_tables(out)``).

    Raises:
        CorpusError, ConfigError: the corpus or configuration cannot be used (nothing written).
        OutputLocked: another run is writing ``out``.
    """
    from pipeline.lock import OutputLock
    from pipeline.nlp import DEFAULT_CONFIG
    from pipeline.runlog import RunLog, write_run_record
    from pipeline.runner import run as run_corpus

    corpus, out = Path(corpus), Path(out)
    config_path = Path(config or DEFAULT_CONFIG)
    created = not out.exists()
    with RunLog(log_file) as log:
        log.started(corpus, out, config_path, options)
        try:
            with OutputLock(out):
                result = run_corpus(corpus, out, config_path=config_path, quiet=quiet, **options)
                write_run_record(out, corpus, config_path, log.elapsed, result)
        except BaseException:
            if created and out.is_dir() and not any(out.iterdir()):
                out.rmdir()  # a run refused before writing anything leaves no folder behind
            raise
        log.finished(result, result.tables["documents"])
    return result


def read_tables(out: Path | str) -> dict[str, "pd.DataFrame"]:
    """Load the tables of an output folder with their documented dtypes.

    Parquet files are read first; a table with only a CSV file is read as text and
    then typed (so ``dates.value`` "2022" stays the string "2022").

    Args:
        out: an output folder written by ``run``.

    Returns:
        Every table present: ``documents``, ``entities``, ``quotes``, ``dates``,
        ``stances``, ``texts``, ``actors``, ``statements``, ``problems``.

    Raises:
        OutputsError: ``out`` holds no ``documents`` table.
    """
    from pipeline.schema import read_tables as read_output_tables

    return read_output_tables(out)
