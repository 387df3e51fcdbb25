"""One partition of articles in, table rows out: the core every engine runs.

``process_articles`` runs the pipeline over articles already read and knows
nothing about files or engines. ``process_partition`` wraps it for a group of
whole manifest rows: cached rows are reused, the other articles are read,
processed and cached. The pipeline is built once per worker (process or thread)
from the ``Job``'s already-checked config, never shipped between processes, and
shared by configs that differ only in where their files are (``pipeline_for``).
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from confection import Config

from pipeline.corpus import Article, ManifestRow, load_article, load_settings
from pipeline.runner.cache import RowCache
from pipeline.schema import TABLE_NAMES

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from pipeline.tables import TableRows

BATCH_SIZE = 32

# A partition: manifest rows of whole articles and their cache keys.
Batch = tuple[list[ManifestRow], list[str]]


@dataclass(frozen=True, eq=False)
class Job:
    """What a worker needs besides the rows of its partition (small, picklable).

    ``config`` is the config as checked once by the run (``nlp.check_config``);
    ``fingerprint`` identifies it (and every file it names) for the cache.
    """

    corpus_dir: str
    config: Config
    fingerprint: str
    cache_dir: str | None = None
    batch_size: int = BATCH_SIZE


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
    readable = [article for article in articles if article.status == "ok"]
    processed: dict[str, Doc] = {}
    if readable:
        try:
            processed = {doc._.doc_id: doc
                         for doc in nlp.pipe((make_doc(nlp, article) for article in readable), batch_size=batch_size)}
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
            article.status = "error"
            article.error = f"{article.file}: {failures.get(article.doc_id, 'processing failed')}"
        if doc is None or article.status != "ok":
            rows["documents"].append(document_row(article))
            continue
        for name, table_rows in doc_to_rows(doc, article).items():
            rows[name].extend(table_rows)
    return rows


# Pipelines per worker thread (a Language is not safe to share between threads);
# process-pool and Dask workers run one thread each, so each is built once per worker.
_WORKER_STATE = threading.local()
MAX_PIPELINES = 2  # per thread: a long-lived process switching configs keeps the last two


def get_nlp(job: Job) -> Language:
    """The pipeline of the job's config, built once per worker and kept between tasks."""
    return pipeline_for(job.config)


def pipeline_for(config: Config) -> Language:
    """The pipeline of a checked config, built once per thread.

    Configs that differ only in where their files are (a copy of ``configs/``) share
    one pipeline: the key is the ``[parley]`` and ``[components]`` settings with every
    file or folder they name replaced by a hash of its content.
    """
    from pipeline.nlp import build_nlp

    pipelines: dict[str, Language] = getattr(_WORKER_STATE, "pipelines", None) or {}
    _WORKER_STATE.pipelines = pipelines
    key = pipeline_key(config)
    if key not in pipelines:
        while len(pipelines) >= MAX_PIPELINES:
            pipelines.pop(next(iter(pipelines)))
        pipelines[key] = build_nlp(config)
    return pipelines[key]


def pipeline_key(config: Config) -> str:
    """Hash of what builds the pipeline: its settings, with named files read in, not their paths."""
    settings = {section: config.get(section, {}) for section in ("parley", "components")}
    return hashlib.sha256(json.dumps(_with_contents(settings), sort_keys=True, default=str).encode("utf-8")).hexdigest()


def _with_contents(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _with_contents(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_with_contents(item) for item in value]
    if isinstance(value, str) and 0 < len(value) < 4096:
        path = Path(value)
        if path.is_file():
            return "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_dir():
            digest = hashlib.sha256()
            for file in sorted(item for item in path.rglob("*") if item.is_file()):
                digest.update(str(file.relative_to(path)).encode("utf-8") + b"\0" + file.read_bytes())
            return "folder:" + digest.hexdigest()
    return value


def process_partition(job: Job, rows: list[ManifestRow], keys: list[str]) -> TableRows:
    """Table rows of a group of whole articles: cached ones reused, the others computed and cached.

    The model is loaded (once per process) only when some article is not cached.
    """
    cache = RowCache(job.cache_dir)
    per_article: list[TableRows | None] = [cache.get(key) for key in keys]
    todo = [index for index, cached in enumerate(per_article) if cached is None]
    if todo:
        corpus = job.config["corpus"]
        settings = load_settings(corpus["settings_path"], int(corpus["max_bytes"]))  # cached per process
        articles = [load_article(Path(job.corpus_dir), rows[index], settings) for index in todo]
        if any(article.status == "ok" for article in articles):
            computed = split_by_doc(process_articles(get_nlp(job), articles, job.batch_size),
                                    [article.doc_id for article in articles])
        else:  # nothing readable: no need for the model
            from pipeline.tables import document_row

            computed = [_only_documents(document_row(article)) for article in articles]
        for index, article_rows in zip(todo, computed):
            cache.put(keys[index], article_rows)
            per_article[index] = article_rows
    return merge_rows(per_article)


def _only_documents(document: dict) -> TableRows:
    rows: TableRows = {name: [] for name in TABLE_NAMES}
    rows["documents"].append(document)
    return rows


def split_by_doc(rows: TableRows, doc_ids: list[str]) -> list[TableRows]:
    """Rows of several articles → one TableRows per article, in ``doc_ids`` order."""
    position = {doc_id: index for index, doc_id in enumerate(doc_ids)}
    per_article: list[TableRows] = [{name: [] for name in TABLE_NAMES} for _ in doc_ids]
    for name, table_rows in rows.items():
        for row in table_rows:
            per_article[position[row["doc_id"]]][name].append(row)
    return per_article


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

    documents = [document_row(Article.from_row(row, status="error", error=f"{row.file}: {error}")) for row in rows]
    return merge_rows(_only_documents(document) for document in documents)
