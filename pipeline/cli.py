"""The ``parley`` command line: a thin Typer layer over plain functions.

Exit statuses: 0 all ok; 1 some articles failed (tables still written);
2 unusable input or configuration, or another run is writing the output
folder (nothing written).
"""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pipeline.corpus import CorpusError
from pipeline.nlp import DEFAULT_CONFIG, ConfigError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Who said what about peace talks, and when.")

CorpusArg = Annotated[Path, typer.Option("--corpus", help="Corpus folder: articles, manifest.csv, gold.yaml.")]
OutArg = Annotated[Path, typer.Option("--out", help="Output folder for the tables.")]


def _fail(message: str) -> None:
    typer.echo(f"parley: error: {message}", err=True)
    raise typer.Exit(2)


def _print_version(value: bool) -> None:
    if value:
        from pipeline.runlog import version

        typer.echo(f"parley {version()}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print parley's version and exit.")] = False,
) -> None:
    """Who said what about peace talks, and when."""


@app.command()
def run(
    corpus: CorpusArg,
    out: OutArg = Path("outputs"),
    config: Annotated[Path, typer.Option("--config", help="Pipeline configuration (.cfg).")] = DEFAULT_CONFIG,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (default: the machine's cores).")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or dask (dask.distributed).")] = "local",
    scheduler: Annotated[str, typer.Option("--scheduler", help="Dask scheduler address (default: a LocalCluster).")] = None,
    window: Annotated[str, typer.Option("--window", help="Time window of the actors table: month, year, week, quarter or article.")] = "month",
    group_by: Annotated[str, typer.Option("--group-by", help="What a row of the actors table is: person, affiliation or country.")] = "person",
    log_file: Annotated[Path, typer.Option("--log-file", help="Append what ran, the config fingerprint, every problem and the timings to this file.")] = None,
) -> None:
    """Extract entities, quotes, dates and stances; write the tables into --out."""
    from pipeline import run as run_corpus
    from pipeline.lock import OutputLocked

    try:
        result = run_corpus(corpus, out, config=config, quiet=quiet, log_file=log_file, workers=workers,
                            engine=engine, scheduler=scheduler, window=window, group_by=group_by)
    except (CorpusError, ConfigError, OutputLocked) as err:
        _fail(str(err))
    for problem in result.problems:
        typer.echo(f"parley: {problem}", err=True)
    typer.echo(f"{result.n_articles} articles ({result.n_cached} unchanged, from the cache), "
               f"{result.n_failed} failed; tables in {result.out_dir}")
    raise typer.Exit(result.exit_status)


@app.command()
def evaluate(corpus: CorpusArg, out: OutArg = Path("outputs")) -> None:
    """Score the tables in --out against --corpus/gold.yaml: precision, recall and F1 of entities, quotes,
    dates and stances (overlap matching, micro-averaged), speaker and date-value accuracy, the end-to-end
    stance F1; writes eval.json and eval_errors.csv into --out."""
    from pipeline.evaluate import GoldError, OutputsError, evaluate as evaluate_outputs, format_report

    try:
        figures = evaluate_outputs(corpus, out)
    except (GoldError, OutputsError, CorpusError) as err:
        _fail(str(err))
    typer.echo(format_report(figures))


@app.command()
def report(
    out: OutArg = Path("outputs"),
    corpus: Annotated[Path, typer.Option("--corpus", help="Corpus folder, for article texts the output folder lacks (default: the one `run` recorded in --out).")] = None,
    screenshot: Annotated[bool, typer.Option("--screenshot", help="Also save --out/report.png (needs Chromium).")] = False,
) -> None:
    """Write --out/report.html: stance map, actors, evaluation, annotated articles, table downloads.

    Exits 1 (the page is still written) when some analysed article's text cannot be found.
    """
    from pipeline.report import (SCREENSHOT_FILE, BrowserError, ReportError, load_report_data,
                                 screenshot as take_screenshot, write_report)

    try:
        data = load_report_data(out, corpus)
        path = write_report(out, data=data)
    except ReportError as err:
        _fail(str(err))
    typer.echo(f"report in {path}")
    if screenshot:
        try:
            png = take_screenshot(path, Path(out) / SCREENSHOT_FILE)
        except BrowserError as err:
            _fail(str(err))
        typer.echo(f"screenshot in {png}")
    if data.missing_texts:
        typer.echo(f"parley: warning: the texts of {len(data.missing_texts)} analysed article(s) were not found "
                   f"(first: {data.missing_texts[0]}); give --corpus DIR to show them", err=True)
        raise typer.Exit(1)


@app.command()
def train(
    corpus: Annotated[list[Path], typer.Option("--corpus", help="Labelled corpus folder (manifest.csv, gold.yaml with a stance on each quote); repeat for several.")],
    out: Annotated[Path, typer.Option("--out", help="Model folder to write (model.json, metrics.json).")] = Path("models/stance"),
    config: Annotated[Path, typer.Option("--config", help="Pipeline configuration whose model and lexicons read the articles.")] = DEFAULT_CONFIG,
    cv: Annotated[int, typer.Option("--cv", min=0, help="Also run article-grouped K-fold cross-validation over all the corpora (0: none).")] = 0,
    test_corpus: Annotated[list[Path], typer.Option("--test-corpus", help="Labelled corpus to score with the model trained without it; repeatable.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random state: the same data and seed give the same model.")] = 0,
) -> None:
    """Train the statement stance model from labelled corpora; print honest figures."""
    from pipeline.evaluate import GoldError
    from pipeline.train import train as train_model

    try:
        train_model(corpus, out, config=config, cv=cv, test_corpora=test_corpus or (), seed=seed, log=typer.echo)
    except (GoldError, CorpusError, ConfigError) as err:
        _fail(str(err))


def main() -> None:
    app()
