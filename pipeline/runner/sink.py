"""Writing the tables: one Parquet writer per table in ``OUT/.staging/``, then an atomic commit.

Output files are written into the staging folder and moved into ``OUT/`` only once
all of them are complete (a ``COMMITTED`` marker is written first, and a run that
finds one finishes the move), so a killed run leaves the previous tables or the new
ones, never a truncated file. Cache entries and Dask part files are written with
``pipeline.atomic.atomic_write``, the project's one atomic-write helper.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.actors_table import build_actors_table
from pipeline.atomic import atomic_write
from pipeline.corpus import CorpusProblem
from pipeline.exports import write_exports
from pipeline.schema import TABLE_NAMES, extra_columns, to_table

if TYPE_CHECKING:
    from pipeline.tables import TableRows

# Rows are buffered in the driver until this many articles, then written as one
# Parquet row group: big enough for efficient files, small enough to bound memory.
FLUSH_ARTICLES = 256
STAGING_DIR = ".staging"
COMMITTED = "COMMITTED"
SIGNATURE = ".run-signature"


def arrow_schema(name: str, extra: tuple[str, ...] = ()) -> pa.Schema:
    """The Parquet schema of a table (from ``pipeline.schema``); ``extra``: the manifest's own columns."""
    return pa.Schema.from_pandas(to_table(name, [], extra), preserve_index=False)


def rows_to_arrow(name: str, rows: list[dict], extra: tuple[str, ...] = ()) -> pa.Table:
    """A table's rows (dicts) as an Arrow table with the table's schema."""
    return pa.Table.from_pandas(to_table(name, rows, extra), schema=arrow_schema(name, extra), preserve_index=False)


def write_parquet_part(path: Path, name: str, rows: list[dict]) -> None:
    """One table's rows as a Parquet file, written atomically (a retried task never leaves half a file)."""
    table = rows_to_arrow(name, rows, extra_columns(name, rows))
    atomic_write(path, lambda temporary: pq.write_table(table, temporary))


class TableSink:
    """Streams rows into one Parquet file per table in the staging folder, then commits.

    Rows are buffered up to ``FLUSH_ARTICLES`` articles and written as a row group;
    ``commit`` writes the CSV files and the actors table from the Parquet files (in
    chunks) and moves everything into the output folder.
    """

    def __init__(self, out_dir: Path, document_extras: tuple[str, ...] = ()):
        self.out_dir = Path(out_dir)
        self.extra = {"documents": tuple(document_extras)}  # the manifest's own columns
        self.staging = self.out_dir / STAGING_DIR
        recover_staging(self.out_dir)
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.writers = {name: pq.ParquetWriter(self.staging / f"{name}.parquet", arrow_schema(name, self.extra.get(name, ())))
                        for name in TABLE_NAMES}
        self.buffer: TableRows = {name: [] for name in TABLE_NAMES}
        self.n_failed = 0

    def append(self, rows: TableRows) -> None:
        """Buffer a partition's rows; write a row group once ``FLUSH_ARTICLES`` articles wait."""
        for name in TABLE_NAMES:
            self.buffer[name].extend(rows.get(name, []))
        self.n_failed += sum(1 for document in rows.get("documents", []) if document.get("status") != "ok")
        if len(self.buffer["documents"]) >= FLUSH_ARTICLES:
            self.flush()

    def append_parquet(self, paths: dict[str, str]) -> None:
        """Append part files (one per table, e.g. written by Dask workers) in order."""
        self.flush()
        for name, path in paths.items():
            table = pq.read_table(path, schema=arrow_schema(name, self.extra.get(name, ())))
            if name == "documents":
                self.n_failed += sum(1 for status in table.column("status").to_pylist() if status != "ok")
            if table.num_rows:
                self.writers[name].write_table(table)

    def flush(self) -> None:
        for name in TABLE_NAMES:
            if self.buffer[name]:
                self.writers[name].write_table(rows_to_arrow(name, self.buffer[name], self.extra.get(name, ())))
                self.buffer[name] = []

    def commit(self, problems: list[CorpusProblem], signature: str = "", window: str = "month",
               group_by: str = "person") -> None:
        """Finish every file in the staging folder, then move them all into the output folder."""
        self.flush()
        for writer in self.writers.values():
            writer.close()
        for name in TABLE_NAMES:
            _parquet_to_csv(self.staging / f"{name}.parquet", self.staging / f"{name}.csv")
        stances = pd.read_parquet(self.staging / "stances.parquet")
        documents = pd.read_parquet(self.staging / "documents.parquet", columns=["doc_id", "published", "status"])
        actors = build_actors_table(stances, documents, window, group_by)
        actors.to_parquet(self.staging / "actors.parquet", index=False)
        actors.to_csv(self.staging / "actors.csv", index=False)
        write_exports(self.staging)
        pd.DataFrame([{"where": p.where, "severity": p.severity, "message": p.message} for p in problems],
                     columns=["where", "severity", "message"]).to_csv(self.staging / "problems.csv", index=False)
        (self.staging / SIGNATURE).write_text(signature)
        for path in self.staging.iterdir():
            if path.is_file():
                _fsync(path)
        # From here on the new set is complete: a run killed while moving it is
        # finished by the next one (``recover_staging``).
        (self.staging / COMMITTED).write_text("")
        _fsync(self.staging)
        recover_staging(self.out_dir)

    def abort(self) -> None:
        """Close the writers and drop the staging folder (the previous tables stay)."""
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001  (cleaning up after another error)
                pass
        shutil.rmtree(self.staging, ignore_errors=True)


def outputs_current(out_dir: Path, signature: str) -> bool:
    """True when ``out_dir`` holds every table of a run with this signature."""
    recover_staging(out_dir)
    marker = out_dir / SIGNATURE
    names = [*TABLE_NAMES, "actors"]
    return (marker.is_file() and marker.read_text() == signature
            and all((out_dir / f"{name}{suffix}").is_file() for name in names for suffix in (".parquet", ".csv")))


def recover_staging(out_dir: Path) -> None:
    """Move a committed staging folder's files into ``out_dir``; drop an uncommitted one."""
    staging = Path(out_dir) / STAGING_DIR
    if not staging.is_dir():
        return
    if not (staging / COMMITTED).exists():
        shutil.rmtree(staging, ignore_errors=True)
        return
    for path in sorted(staging.iterdir()):
        if path.is_file() and path.name != COMMITTED:
            os.replace(path, Path(out_dir) / path.name)
    shutil.rmtree(staging, ignore_errors=True)


def _parquet_to_csv(parquet_path: Path, csv_path: Path, chunk_rows: int = 50_000) -> None:
    source = pq.ParquetFile(parquet_path)
    schema = source.schema_arrow
    first = True
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        for batch in source.iter_batches(batch_size=chunk_rows):
            pa.Table.from_batches([batch], schema=schema).to_pandas().to_csv(handle, index=False, header=first)
            first = False
        if first:  # no rows: header only
            schema.empty_table().to_pandas().to_csv(handle, index=False)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
