"""Running the pipeline over a corpus: batches, workers, cache, atomic table files.

``process_articles`` is the core: a partition of articles in, table rows out. It
knows nothing about engines or files. ``process_partition`` wraps it for one group
of manifest rows (read the files, reuse cached rows, compute the rest, cache them),
and is what every engine calls: in this process, in a local process pool, or on a
Dask worker (``pipeline.engines``). ``run`` drives it over a corpus folder and
streams the rows into the table files, so memory does not grow with the corpus.

Output files are written into ``OUT/.staging/`` and moved into ``OUT/`` only once
all of them are complete (a ``COMMITTED`` marker is written first, and a run that
finds one finishes the move), so a killed run leaves the previous tables or the new
ones, never a truncated file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.actors_table import WINDOWS, build_actors_table
from pipeline.corpus import Article, CorpusProblem, ManifestRow, load_article, load_settings, read_manifest
from pipeline.nlp import DEFAULT_CONFIG, ConfigError, check_config, load_config
from pipeline.schema import TABLE_NAMES, to_table

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.tables import TableRows

log = logging.getLogger(__name__)

BATCH_SIZE = 32
# Rows are buffered in the driver until this many articles, then written as one
# Parquet row group: big enough for efficient files, small enough to bound memory.
FLUSH_ARTICLES = 256
CACHE_DIR = ".cache"
STAGING_DIR = ".staging"
COMMITTED = "COMMITTED"
SIGNATURE = ".run-signature"
ENGINES = ("local", "dask")
CACHE_FORMAT = "1"


@dataclass
class RunResult:
    """What a run did: tables written, articles that failed, corpus problems."""

    out_dir: Path
    n_articles: int = 0
    n_failed: int = 0
    n_cached: int = 0
    problems: list[CorpusProblem] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        """0 all ok; 1 some articles failed or a manifest row was wrong (tables still written)."""
        return 1 if self.n_failed or any(p.severity == "error" for p in self.problems) else 0


# --- the core ---------------------------------------------------------------------


def make_doc(nlp: Language, article: Article) -> Doc:
    """A Doc of the article's body (boilerplate blanked) carrying its identity and anchor."""
    doc = nlp.make_doc(article.body)
    doc._.doc_id = article.doc_id
    doc._.published = article.published
    doc._.anchor = article.anchor
    doc._.anchor_source = article.anchor_source
    return doc


def process_articles(nlp: Language, articles: Iterable[Article], batch_size: int = BATCH_SIZE) -> TableRows:
    """Run the pipeline over a partition of articles and return their table rows.

    An article that fails to read or to process gets a ``documents`` row with its
    error and no other rows; the others are unaffected.

    Args:
        nlp: the parley pipeline (``pipeline.nlp.build_nlp``).
        articles: articles as read by ``pipeline.corpus.load_article`` (failed ones included).
        batch_size: Docs per ``nlp.pipe`` batch.

    Returns:
        Rows per table name, articles in the order given.
    """
    from pipeline.tables import doc_to_rows, document_row

    articles = list(articles)
    rows: TableRows = {name: [] for name in TABLE_NAMES}
    failures: dict[str, str] = {}

    def record_failure(proc_name: str, proc, docs: list[Doc], error: Exception) -> None:
        for doc in docs:
            failures[doc._.doc_id] = f"processing failed in {proc_name}: {type(error).__name__}: {error}"

    # parley's own components run doc by doc: a failure drops that doc from the stream
    # and is recorded. The model's batched components raise for the whole batch, so
    # then the batch is redone one article at a time to find the culprit.
    nlp.default_error_handler = record_failure
    readable = [a for a in articles if a.status == "ok"]
    processed: dict[str, Doc] = {}
    if readable:
        try:
            processed = {doc._.doc_id: doc for doc in nlp.pipe((make_doc(nlp, a) for a in readable), batch_size=batch_size)}
        except Exception:  # noqa: BLE001  (isolated below, article by article)
            processed = {}
            for article in readable:
                try:
                    doc = nlp(make_doc(nlp, article))
                except Exception as error:  # noqa: BLE001  (recorded on the article)
                    failures[article.doc_id] = f"processing failed: {type(error).__name__}: {error}"
                    continue
                if article.doc_id not in failures:
                    processed[article.doc_id] = doc
    for article in articles:
        doc = processed.get(article.doc_id)
        if article.status == "ok" and doc is None:
            article.status, article.error = "error", f"{article.file}: {failures.get(article.doc_id, 'processing failed')}"
        if doc is None or article.status != "ok":
            rows["documents"].append(document_row(article))
            continue
        for name, table_rows in doc_to_rows(doc, article).items():
            rows[name].extend(table_rows)
    return rows


# --- cache keys ---------------------------------------------------------------------


def config_fingerprint(config_path: Path | str = DEFAULT_CONFIG) -> str:
    """Hash of what decides an article's rows besides its file.

    The interpolated config, the content of every file it points to (registries,
    lexicons, corpus settings), and the versions of parley, spaCy and the model.
    """
    config = load_config(config_path)
    digest = hashlib.sha256()
    digest.update(config.to_str().encode("utf-8"))
    for value in sorted(set(_config_strings(config))):
        path = Path(value)
        if len(value) < 4096 and path.is_file():
            digest.update(value.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    model = config["parley"]["model"]
    for package in ("parley", "spacy", model):
        digest.update(f"{package}={_version(package)}\0".encode("utf-8"))
    # The code that makes rows too: an edited stage invalidates the cache even
    # before the package version is bumped (cheap: a few hundred kB).
    for path in _row_making_sources():
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    digest.update(CACHE_FORMAT.encode("ascii"))
    return digest.hexdigest()


def _row_making_sources() -> list[Path]:
    package = Path(__file__).resolve().parent
    names = ("corpus.py", "nlp.py", "tables.py", "schema.py", "runner.py")
    return sorted(package.glob("components/*.py")) + [package / n for n in names if (package / n).is_file()]


def _config_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _config_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _config_strings(item)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def article_key(corpus_dir: Path, row: ManifestRow, fingerprint: str) -> str:
    """The cache key of one manifest row: its file's content, its manifest fields, the config."""
    digest = hashlib.sha256()
    for value in (fingerprint, row.doc_id, row.file, row.title, row.published, row.error):
        digest.update(value.encode("utf-8") + b"\0")
    if not row.error:
        try:
            with open(Path(corpus_dir) / row.file, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as err:  # read again (and reported) when processed
            digest.update(f"unreadable:{err}".encode("utf-8"))
    return digest.hexdigest()


class RowCache:
    """Each article's table rows, one JSON file per key under ``OUT/.cache/``, written atomically."""

    def __init__(self, cache_dir: Path | str | None):
        self.dir = Path(cache_dir) if cache_dir else None

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        return self.dir is not None and self._path(key).is_file()

    def get(self, key: str) -> TableRows | None:
        if self.dir is None:
            return None
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):  # absent, or damaged: computed again
            return None

    def put(self, key: str, rows: TableRows) -> None:
        if self.dir is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write_text(path, json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=str))


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# --- one partition: what every engine runs ------------------------------------------


@dataclass(frozen=True)
class Job:
    """What a worker needs besides the rows of its partition (small, picklable)."""

    corpus_dir: str
    config_path: str
    fingerprint: str
    cache_dir: str | None = None
    batch_size: int = BATCH_SIZE


# One pipeline per worker thread (a Language is not safe to share between threads);
# process-pool and Dask workers run one thread each, so it is built once per worker.
_NLP = threading.local()


def get_nlp(config_path: str, fingerprint: str) -> Language:
    """The pipeline for this config, built once per worker and kept between tasks."""
    key = (str(Path(config_path).resolve()), fingerprint)
    if getattr(_NLP, "key", None) != key:
        from pipeline.nlp import build_nlp

        _NLP.nlp, _NLP.key = build_nlp(config_path), key
    return _NLP.nlp


def process_partition(job: Job, rows: list[ManifestRow], keys: list[str]) -> TableRows:
    """Table rows of a group of whole articles: cached ones reused, the others computed and cached.

    The model is loaded (once per process) only when some article is not cached.
    """
    cache = RowCache(job.cache_dir)
    per_article: list[TableRows | None] = [cache.get(key) for key in keys]
    todo = [i for i, cached in enumerate(per_article) if cached is None]
    if todo:
        settings = _corpus_settings(job.config_path, job.fingerprint)
        articles = [load_article(Path(job.corpus_dir), rows[i], settings) for i in todo]
        if any(a.status == "ok" for a in articles):
            nlp = get_nlp(job.config_path, job.fingerprint)
            computed = split_by_doc(process_articles(nlp, articles, job.batch_size), [a.doc_id for a in articles])
        else:  # nothing readable: no need for the model
            from pipeline.tables import document_row

            computed = [_only_documents(document_row(a)) for a in articles]
        for i, article_rows in zip(todo, computed):
            cache.put(keys[i], article_rows)
            per_article[i] = article_rows
    return merge_rows(per_article)


@lru_cache(maxsize=4)
def _corpus_settings(config_path: str, fingerprint: str):
    """The corpus settings of a config, read once per process and config version
    (``fingerprint``), not once per partition."""
    config = load_config(config_path)
    return load_settings(config["corpus"]["settings_path"], int(config["corpus"]["max_bytes"]))


def _only_documents(document: dict) -> TableRows:
    rows: TableRows = {name: [] for name in TABLE_NAMES}
    rows["documents"].append(document)
    return rows


def split_by_doc(rows: TableRows, doc_ids: list[str]) -> list[TableRows]:
    """Rows of several articles → one TableRows per article, in ``doc_ids`` order."""
    index = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    out: list[TableRows] = [{name: [] for name in TABLE_NAMES} for _ in doc_ids]
    for name, table_rows in rows.items():
        for row in table_rows:
            out[index[row["doc_id"]]][name].append(row)
    return out


def merge_rows(parts: Iterable[TableRows | None]) -> TableRows:
    """Concatenate per-article (or per-batch) rows, in order."""
    merged: TableRows = {name: [] for name in TABLE_NAMES}
    for part in parts:
        for name in TABLE_NAMES:
            merged[name].extend((part or {}).get(name, []))
    return merged


def failed_rows(rows: list[ManifestRow], error: str) -> TableRows:
    """``documents`` rows for a partition whose worker died or raised."""
    from pipeline.tables import document_row

    docs = [document_row(Article(doc_id=r.doc_id, file=r.file, title=r.title, published=r.published,
                                 status="error", error=f"{r.file}: {error}")) for r in rows]
    return merge_rows(_only_documents(d) for d in docs)


# --- table files --------------------------------------------------------------------


def arrow_schema(name: str) -> pa.Schema:
    """The Parquet schema of a table (from ``pipeline.schema``)."""
    return pa.Schema.from_pandas(to_table(name, []), preserve_index=False)


def rows_to_arrow(name: str, rows: list[dict]) -> pa.Table:
    return pa.Table.from_pandas(to_table(name, rows), schema=arrow_schema(name), preserve_index=False)


class TableSink:
    """Streams rows into one Parquet file per table in the staging folder, then commits.

    Rows are buffered up to ``FLUSH_ARTICLES`` articles and written as a row group;
    ``commit`` writes the CSV files and the actors table from the Parquet files (in
    chunks) and moves everything into the output folder.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = Path(out_dir)
        self.staging = self.out_dir / STAGING_DIR
        recover_staging(self.out_dir)
        if self.staging.exists():
            shutil.rmtree(self.staging)
        self.staging.mkdir(parents=True)
        self.writers = {name: pq.ParquetWriter(self.staging / f"{name}.parquet", arrow_schema(name)) for name in TABLE_NAMES}
        self.buffer: TableRows = {name: [] for name in TABLE_NAMES}
        self.n_failed = 0

    def append(self, rows: TableRows) -> None:
        for name in TABLE_NAMES:
            self.buffer[name].extend(rows.get(name, []))
        self.n_failed += sum(1 for d in rows.get("documents", []) if d.get("status") != "ok")
        if len(self.buffer["documents"]) >= FLUSH_ARTICLES:
            self.flush()

    def append_parquet(self, paths: dict[str, str]) -> None:
        """Append part files (one per table, e.g. written by Dask workers) in order."""
        self.flush()
        for name, path in paths.items():
            table = pq.read_table(path, schema=arrow_schema(name))
            if name == "documents":
                self.n_failed += sum(1 for s in table.column("status").to_pylist() if s != "ok")
            if table.num_rows:
                self.writers[name].write_table(table)

    def flush(self) -> None:
        for name in TABLE_NAMES:
            if self.buffer[name]:
                self.writers[name].write_table(rows_to_arrow(name, self.buffer[name]))
                self.buffer[name] = []

    def commit(self, problems: list[CorpusProblem], signature: str = "", window: str = "month") -> None:
        """Finish every file in the staging folder, then move them all into the output folder."""
        self.flush()
        for writer in self.writers.values():
            writer.close()
        for name in TABLE_NAMES:
            _parquet_to_csv(self.staging / f"{name}.parquet", self.staging / f"{name}.csv")
        stances = pd.read_parquet(self.staging / "stances.parquet")
        documents = pd.read_parquet(self.staging / "documents.parquet", columns=["doc_id", "published", "status"])
        actors = build_actors_table(stances, documents, window)
        actors.to_parquet(self.staging / "actors.parquet", index=False)
        actors.to_csv(self.staging / "actors.csv", index=False)
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
        for writer in self.writers.values():
            try:
                writer.close()
            except Exception:  # noqa: BLE001  (cleaning up after another error)
                pass
        shutil.rmtree(self.staging, ignore_errors=True)


def run_signature(keys: list[str], problems: list[CorpusProblem], window: str) -> str:
    """Hash of everything a run's tables depend on: every article's key, in order, the
    problems, and the actors table's time window."""
    digest = hashlib.sha256(window.encode("utf-8") + b"\0")
    for key in keys:
        digest.update(key.encode("ascii"))
    for problem in problems:
        digest.update(str(problem).encode("utf-8") + b"\0")
    return digest.hexdigest()


def _outputs_current(out_dir: Path, signature: str) -> bool:
    recover_staging(out_dir)
    marker = out_dir / SIGNATURE
    names = [*TABLE_NAMES, "actors"]
    return (marker.is_file() and marker.read_text() == signature
            and all((out_dir / f"{n}{s}").is_file() for n in names for s in (".parquet", ".csv")))


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
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- engines ------------------------------------------------------------------------

Batch = tuple[list[ManifestRow], list[str]]


def local_batches(job: Job, batches: list[Batch], workers: int) -> Iterator[TableRows]:
    """Rows of each batch, in order: in this process (``workers == 1``) or in a process pool.

    Batches whose articles are all cached are read here, so an unchanged rerun
    starts no worker and loads no model.
    """
    if workers <= 1:
        for rows, keys in batches:
            yield process_partition(job, rows, keys)
        return
    import multiprocessing

    cache = RowCache(job.cache_dir)
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads or a model
    pool: ProcessPoolExecutor | None = None

    def submit(batch: Batch) -> Future | None:
        nonlocal pool
        if all(cache.has(key) for key in batch[1]):
            return None
        if pool is None:
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                                       initargs=(job.config_path, job.fingerprint))
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
                yield process_partition(job, rows, keys)
                continue
            try:
                result = future.result()
            except BrokenProcessPool as err:
                log.error("a worker process died; its batch is marked failed: %s", err)
                result = failed_rows(rows, f"worker process died: {err}")
                pool.shutdown(wait=False, cancel_futures=True)
                pool = None
                pending = deque((b, submit(b) if f is not None else None) for b, f in pending)
            except Exception as err:  # noqa: BLE001  (one batch's failure never stops the run)
                result = failed_rows(rows, f"worker failed: {type(err).__name__}: {err}")
            yield result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(config_path: str, fingerprint: str) -> None:
    get_nlp(config_path, fingerprint)


# --- the driver ---------------------------------------------------------------------


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_run_config(config_path: Path | str) -> Any:
    """The config, checked without loading the model (``nlp.check_config``) and with
    its corpus settings readable; ConfigError if not."""
    config = check_config(config_path)
    try:
        corpus = config["corpus"]
        settings_path, max_bytes = corpus["settings_path"], int(corpus["max_bytes"])
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(f"{config_path}: missing or invalid setting: {err}") from err
    if max_bytes <= 0:
        raise ConfigError(f"{config_path}: [corpus] max_bytes must be positive")
    try:
        load_settings(settings_path, max_bytes)
    except (OSError, ValueError) as err:
        raise ConfigError(f"{config_path}: cannot read corpus settings {settings_path}: {err}") from err
    return config


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
) -> RunResult:
    """Process every article the corpus lists and write the tables into ``out_dir``.

    Args:
        corpus_dir: articles and ``manifest.csv``.
        out_dir: output folder; its ``.cache/`` holds each article's rows.
        config_path: the parley config.
        quiet: no progress bar.
        workers: processes for the local engine (default: the machine's cores).
        engine: ``local`` or ``dask``.
        scheduler: a dask.distributed scheduler address; a LocalCluster when None.
        batch_size: articles per partition.
        use_cache: reuse and store per-article rows in ``out_dir/.cache``.
        window: the ``actors`` table's time window (month, year, week, quarter, article).

    Returns:
        The counts and problems of the run.

    Raises:
        CorpusError, ConfigError: the corpus or configuration cannot be used (nothing written).
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if window not in WINDOWS:
        raise ConfigError(f"unknown window {window!r} (choose from {', '.join(WINDOWS)})")
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    check_run_config(config_path)
    manifest_rows, problems = read_manifest(corpus_dir)
    fingerprint = config_fingerprint(config_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    cache_dir = out_dir / CACHE_DIR if use_cache else None
    job = Job(str(corpus_dir), str(Path(config_path).resolve()), fingerprint, str(cache_dir) if cache_dir else None, batch_size)
    cache = RowCache(cache_dir)

    keys = [article_key(corpus_dir, row, fingerprint) for row in manifest_rows]
    signature = run_signature(keys, problems, window)
    if use_cache and _outputs_current(out_dir, signature):
        # Same corpus, manifest and config as the tables in out_dir: nothing to do.
        documents = pd.read_parquet(out_dir / "documents.parquet", columns=["status"])
        return RunResult(out_dir=out_dir, n_articles=len(manifest_rows), n_failed=int((documents["status"] != "ok").sum()),
                         n_cached=len(keys), problems=problems)
    n_cached = sum(1 for k in keys if cache.has(k))
    n_todo = len(keys) - n_cached
    workers = max(1, min(workers or default_workers(), n_todo))
    if workers > 1:  # at least ~4 partitions per worker, so none sits idle at the end
        batch_size = max(1, min(batch_size, -(-n_todo // (4 * workers))))
    batches: list[Batch] = [(manifest_rows[i:i + batch_size], keys[i:i + batch_size])
                            for i in range(0, len(manifest_rows), batch_size)]
    todo = [b for b in batches if not all(cache.has(k) for k in b[1])]

    sink = TableSink(out_dir)
    progress = _progress(len(manifest_rows), quiet)
    try:
        if engine == "dask" and todo:
            from pipeline.engines import dask_partitions

            for kind, payload, size in dask_partitions(job, batches, cache, scheduler, sink.staging / "parts", workers):
                (sink.append_parquet if kind == "parts" else sink.append)(payload)
                progress(size)
        else:
            for (rows, _), table_rows in zip(batches, local_batches(job, batches, workers)):
                sink.append(table_rows)
                progress(len(rows))
        sink.commit(problems, signature, window)
    except BaseException:
        sink.abort()
        raise
    finally:
        progress(None)
    return RunResult(out_dir=out_dir, n_articles=len(manifest_rows), n_failed=sink.n_failed, n_cached=n_cached,
                     problems=problems)


def _progress(total: int, quiet: bool) -> Callable[[int | None], None]:
    if quiet:
        return lambda n: None
    from tqdm import tqdm

    bar = tqdm(total=total, unit="article", desc="parley")

    def update(n: int | None) -> None:
        if n is None:
            bar.close()
        else:
            bar.update(n)

    return update
