"""Engine adapters: running ``runner.process_partition`` on a dask.distributed cluster.

The core (``runner.process_articles`` / ``process_partition``) knows nothing about
Dask. Here a partition is a group of whole articles (one runner batch); each task
runs the partition function on a worker, which loads the model once (the runner's
per-process cache, never shipped in the task graph), writes the partition's rows as
Parquet part files next to the outputs, and returns only their paths. The driver
then appends the part files, in partition order, into the final tables.
"""
from __future__ import annotations

import logging
import os
import uuid
from pathlib import Path
from typing import Iterator

import pyarrow.parquet as pq

from pipeline.runner import Batch, Job, RowCache, failed_rows, process_partition, rows_to_arrow, default_workers
from pipeline.schema import TABLE_NAMES

log = logging.getLogger(__name__)


def write_partition(job: Job, rows: list, keys: list[str], parts_dir: str, index: int) -> dict[str, str]:
    """Run one partition on a worker and write its rows as Parquet part files.

    Args:
        job: corpus, config and cache of the run.
        rows, keys: the partition's manifest rows and their cache keys.
        parts_dir: folder for part files (on a file system the driver can read).
        index: the partition's number (names its files).

    Returns:
        The part file of each table.
    """
    table_rows = process_partition(job, rows, keys)
    paths = {}
    for name in TABLE_NAMES:
        folder = Path(parts_dir) / name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"part-{index:06d}.parquet"
        tmp = folder / f".part-{index:06d}.{os.getpid()}.tmp"
        pq.write_table(rows_to_arrow(name, table_rows[name]), tmp)
        os.replace(tmp, path)  # a retried task never leaves a half-written part
        paths[name] = str(path)
    return paths


def make_client(scheduler: str | None, workers: int | None = None):
    """A client of the cluster at ``scheduler``, or of a new LocalCluster (one thread per worker process)."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.WARNING)
    return Client(cluster), cluster


def dask_partitions(job: Job, batches: list[Batch], cache: RowCache, scheduler: str | None, parts_dir: Path,
                    workers: int | None = None) -> Iterator[tuple[str, object, int]]:
    """Yield, in partition order, ``("rows", TableRows, n)`` or ``("parts", {table: path}, n)``.

    Fully cached partitions are read in the driver; the others run on the cluster.
    """
    client, cluster = make_client(scheduler, workers)
    try:
        futures = {}
        run_id = uuid.uuid4().hex  # task keys never collide with another run's on a shared scheduler
        for index, (rows, keys) in enumerate(batches):
            if not all(cache.has(key) for key in keys):
                futures[index] = client.submit(write_partition, job, rows, keys, str(parts_dir), index,
                                               pure=False, key=f"parley-partition-{index}-{run_id}")
        for index, (rows, keys) in enumerate(batches):
            future = futures.get(index)
            if future is None:
                yield "rows", process_partition(job, rows, keys), len(rows)
                continue
            try:
                yield "parts", future.result(), len(rows)
            except Exception as err:  # noqa: BLE001  (one partition's failure never stops the run)
                log.error("partition %d failed on the cluster: %s", index, err)
                yield "rows", failed_rows(rows, f"worker failed: {type(err).__name__}: {err}"), len(rows)
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
