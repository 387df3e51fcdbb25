"""``run``: a corpus folder in, the tables in an output folder out.

The orchestration only: check the config once (``nlp.check_config``: every file it
names, before any article is read), list the articles, key them for the cache,
skip the run when the outputs are current, cut the work into partitions, hand
them to an engine and stream what comes back into the table sink.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from pipeline.actors_table import GROUP_BY, WINDOWS
from pipeline.corpus import CorpusProblem, read_manifest
from pipeline.errors import ConfigError
from pipeline.nlp import DEFAULT_CONFIG, check_config
from pipeline.progress import progress as show_progress
from pipeline.runner.cache import CACHE_DIR, RowCache, article_key, config_fingerprint, run_signature
from pipeline.runner.engines import ENGINES, default_workers
from pipeline.runner.partition import BATCH_SIZE, Batch, Job
from pipeline.runner.sink import TableSink, outputs_current


@dataclass
class RunResult:
    """What a run did: tables written, articles that failed, corpus problems."""

    out_dir: Path
    n_articles: int = 0
    n_failed: int = 0
    n_cached: int = 0
    problems: list[CorpusProblem] = field(default_factory=list)

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables written, typed (``pipeline.read_tables``), read on first use."""
        from pipeline.schema import read_tables

        return read_tables(self.out_dir)

    @property
    def exit_status(self) -> int:
        """0 all ok; 1 some articles failed or a manifest row was wrong (tables still written)."""
        return 1 if self.n_failed or any(problem.severity == "error" for problem in self.problems) else 0


def run(
    corpus_dir: Path,
    out_dir: Path,
    config_path: Path = DEFAULT_CONFIG,
    quiet: bool = False,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    batch_size: int = BATCH_SIZE,
    use_cache: bool = True,
    window: str = "month",
    group_by: str = "person",
) -> RunResult:
    """Process every article the corpus lists and write the tables into ``out_dir``.

    Args:
        corpus_dir: articles and ``manifest.csv``.
        out_dir: output folder; its ``.cache/`` holds each article's rows.
        config_path: the parley config (parsed and checked once, here).
        quiet: no progress bar.
        workers: worker processes (default: the machine's cores).
        engine: ``local`` or ``dask``.
        scheduler: a dask.distributed scheduler address; a LocalCluster when None.
        batch_size: articles per partition.
        use_cache: reuse and store per-article rows in ``out_dir/.cache``.
        window: the ``actors`` table's time window (month, year, week, quarter, article).
        group_by: what a row of the ``actors`` table is: person, affiliation or country.

    Returns:
        The counts and problems of the run.

    Raises:
        CorpusError, ConfigError: the corpus or configuration cannot be used (nothing written).
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if window not in WINDOWS:
        raise ConfigError(f"unknown window {window!r} (choose from {', '.join(WINDOWS)})")
    if group_by not in GROUP_BY:
        raise ConfigError(f"unknown --group-by {group_by!r} (choose from {', '.join(GROUP_BY)})")
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    config = check_config(config_path)
    if "corpus" not in config:
        raise ConfigError(f"{config_path}: no [corpus] section")
    manifest_rows, problems = read_manifest(corpus_dir)
    fingerprint = config_fingerprint(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir = out_dir / CACHE_DIR if use_cache else None
    job = Job(str(corpus_dir), config, fingerprint, str(cache_dir) if cache_dir else None, batch_size)
    cache = RowCache(cache_dir)

    keys = [article_key(corpus_dir, row, fingerprint) for row in manifest_rows]
    signature = run_signature(keys, problems, window, group_by)
    if use_cache and outputs_current(out_dir, signature):
        # Same corpus, manifest and config as the tables in out_dir: nothing to do.
        documents = pd.read_parquet(out_dir / "documents.parquet", columns=["status"])
        return RunResult(out_dir=out_dir, n_articles=len(manifest_rows),
                         n_failed=int((documents["status"] != "ok").sum()), n_cached=len(keys), problems=problems)
    n_cached = sum(1 for key in keys if cache.has(key))
    n_todo = len(keys) - n_cached
    workers = max(1, min(workers or default_workers(), n_todo))
    if workers > 1:  # at least ~4 partitions per worker, so none sits idle at the end
        batch_size = max(1, min(batch_size, -(-n_todo // (4 * workers))))
    batches: list[Batch] = [(manifest_rows[start:start + batch_size], keys[start:start + batch_size])
                            for start in range(0, len(manifest_rows), batch_size)]

    sink = TableSink(out_dir, document_extras=tuple(manifest_rows[0].extra) if manifest_rows else ())
    progress = show_progress(len(manifest_rows), quiet)
    try:
        outputs = ENGINES[engine](job, batches, workers=workers, scheduler=scheduler, parts_dir=sink.staging / "parts")
        for output in outputs:
            if output.part_files is not None:
                sink.append_parquet(output.part_files)
            else:
                sink.append(output.rows)
            progress(output.n_articles)
        sink.commit(problems, signature, window, group_by)
    except BaseException:
        sink.abort()
        raise
    finally:
        progress(None)
    return RunResult(out_dir=out_dir, n_articles=len(manifest_rows), n_failed=sink.n_failed, n_cached=n_cached,
                     problems=problems)

