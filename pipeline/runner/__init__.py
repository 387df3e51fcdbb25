"""Running the pipeline over a corpus, in parts with one-way imports::

    run.py        the orchestration: check the config once, key, partition, engine → sink
      ├─ engines.py    where partitions run: local (process pool) or Dask, one signature
      │    └─ partition.py   articles → table rows (the core; no engine, no files)
      ├─ cache.py      config fingerprint, article keys, the per-article row cache
      └─ sink.py       staging, Parquet/CSV tables, atomic writes and commit

Callers use ``from pipeline.runner import run``; the names below are the public ones.
"""
from pipeline.runner.cache import RowCache, article_key, config_fingerprint
from pipeline.runner.engines import ENGINES, PartitionOutput, default_workers
from pipeline.runner.partition import (
    BATCH_SIZE,
    Batch,
    Job,
    make_doc,
    pipeline_for,
    process_articles,
    process_partition,
)
from pipeline.runner.run import RunResult, run
from pipeline.atomic import atomic_write
from pipeline.runner.sink import TableSink, recover_staging

__all__ = [
    "BATCH_SIZE", "ENGINES", "Batch", "Job", "PartitionOutput", "RowCache", "RunResult", "TableSink",
    "article_key", "atomic_write", "config_fingerprint", "default_workers", "make_doc", "pipeline_for",
    "process_articles", "process_partition", "recover_staging", "run",
]
