"""Engines: where partitions run. Each has the same signature and yields, in partition order,
one ``PartitionOutput`` per batch.

- ``local``: in this process (one worker) or in a process pool (spawned workers).
- ``dask``: on a dask.distributed cluster (a scheduler address, or a LocalCluster);
  each task writes its partition's rows as Parquet part files next to the outputs
  and returns only their paths.

Batches whose articles are all cached are read in the driver by every engine, so
an unchanged rerun starts no worker and loads no model.
"""
from __future__ import annotations

import logging
import os
import uuid
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from pipeline.runner.cache import RowCache
from pipeline.runner.partition import Batch, Job, failed_rows, get_nlp, process_partition
from pipeline.runner.sink import write_parquet_part
from pipeline.schema import TABLE_NAMES

if TYPE_CHECKING:
    from pipeline.tables import TableRows

log = logging.getLogger(__name__)


@dataclass
class PartitionOutput:
    """A partition's result: its rows in memory, or the Parquet part file of each table."""

    n_articles: int
    rows: TableRows | None = None
    part_files: dict[str, str] | None = None


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _all_cached(cache: RowCache, batch: Batch) -> bool:
    return all(cache.has(key) for key in batch[1])


# --- local: this process or a process pool ---------------------------------------------


def local_engine(job: Job, batches: list[Batch], *, workers: int, scheduler: str | None,
                 parts_dir: Path) -> Iterator[PartitionOutput]:
    """Rows of each batch, in order: in this process (``workers == 1``) or in a process pool.

    ``scheduler`` and ``parts_dir`` are not used (rows come back in memory).
    """
    if workers <= 1:
        for rows, keys in batches:
            yield PartitionOutput(len(rows), rows=process_partition(job, rows, keys))
        return
    import multiprocessing

    cache = RowCache(job.cache_dir)
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads or a model
    pool: ProcessPoolExecutor | None = None

    def submit(batch: Batch) -> Future | None:
        nonlocal pool
        if _all_cached(cache, batch):
            return None
        if pool is None:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_load_worker_model,
                                       initargs=(job,))
        return pool.submit(process_partition, job, *batch)

    pending: deque[tuple[Batch, Future | None]] = deque()
    queue = iter(batches)
    window = 2 * workers  # bounded: memory does not grow with the corpus
    try:
        while True:
            while len(pending) < window:
                batch = next(queue, None)
                if batch is None:
                    break
                pending.append((batch, submit(batch)))
            if not pending:
                return
            (rows, keys), future = pending.popleft()
            if future is None:
                yield PartitionOutput(len(rows), rows=process_partition(job, rows, keys))
                continue
            try:
                result = future.result()
            except BrokenProcessPool as err:
                log.error("a worker process died; its batch is marked failed: %s", err)
                result = failed_rows(rows, f"worker process died: {err}")
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                pending = deque((waiting, submit(waiting) if submitted is not None else None)
                                for waiting, submitted in pending)
            except Exception as err:  # noqa: BLE001  (one batch's failure never stops the run)
                result = failed_rows(rows, f"worker failed: {type(err).__name__}: {err}")
            yield PartitionOutput(len(rows), rows=result)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _load_worker_model(job: Job) -> None:
    get_nlp(job)


# --- dask: a dask.distributed cluster ---------------------------------------------------


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
        write_parquet_part(path, name, table_rows[name])
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


def dask_engine(job: Job, batches: list[Batch], *, workers: int, scheduler: str | None,
                parts_dir: Path) -> Iterator[PartitionOutput]:
    """Part files of each batch, in order, computed on the cluster; cached batches read here.

    ``workers`` sizes the LocalCluster started when no ``scheduler`` is given.
    """
    cache = RowCache(job.cache_dir)
    if all(_all_cached(cache, batch) for batch in batches):
        for rows, keys in batches:
            yield PartitionOutput(len(rows), rows=process_partition(job, rows, keys))
        return
    client, cluster = make_client(scheduler, workers)
    try:
        futures = {}
        run_id = uuid.uuid4().hex  # task keys never collide with another run's on a shared scheduler
        for index, batch in enumerate(batches):
            if not _all_cached(cache, batch):
                futures[index] = client.submit(write_partition, job, *batch, str(parts_dir), index,
                                               pure=False, key=f"parley-partition-{index}-{run_id}")
        for index, (rows, keys) in enumerate(batches):
            future = futures.get(index)
            if future is None:
                yield PartitionOutput(len(rows), rows=process_partition(job, rows, keys))
                continue
            try:
                yield PartitionOutput(len(rows), part_files=future.result())
            except Exception as err:  # noqa: BLE001  (one partition's failure never stops the run)
                log.error("partition %d failed on the cluster: %s", index, err)
                yield PartitionOutput(len(rows), rows=failed_rows(rows, f"worker failed: {type(err).__name__}: {err}"))
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


Engine = Callable[..., Iterator[PartitionOutput]]
ENGINES: dict[str, Engine] = {"local": local_engine, "dask": dask_engine}
