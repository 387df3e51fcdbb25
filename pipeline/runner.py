"""Running the pipeline over a corpus: batches, failures kept per article, table files.

``process_articles`` is the core: a partition of articles in, table rows out. It
knows nothing about engines or files, so a process pool or a Dask worker can call
it as it is. ``run`` drives it over a corpus folder and writes the tables.
"""
from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc
from tqdm import tqdm

from pipeline.corpus import Article, CorpusProblem, iter_articles, load_settings, read_manifest, load_article
from pipeline.nlp import DEFAULT_CONFIG, build_nlp, load_config
from pipeline.schema import TABLE_NAMES, to_table
from pipeline.tables import TableRows, doc_to_rows, document_row

log = logging.getLogger(__name__)

BATCH_SIZE = 32


@dataclass
class RunResult:
    """What a run did: tables written, articles that failed, corpus problems."""

    out_dir: Path
    n_articles: int = 0
    n_failed: int = 0
    problems: list[CorpusProblem] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        """0 all ok, 1 some articles failed (tables still written)."""
        return 1 if self.n_failed else 0


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
    """
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


def write_table(frame: pd.DataFrame, out_dir: Path, name: str) -> None:
    """Write ``name``.parquet and ``name``.csv atomically (temporary file, then rename)."""
    for suffix, writer in ((".parquet", lambda f, p: f.to_parquet(p, index=False)), (".csv", lambda f, p: f.to_csv(p, index=False))):
        target = out_dir / f"{name}{suffix}"
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=f".{name}.", suffix=suffix)
        os.close(fd)
        try:
            writer(frame, tmp)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def run(corpus_dir: Path, out_dir: Path, config_path: Path = DEFAULT_CONFIG, quiet: bool = False) -> RunResult:
    """Process every article the corpus lists and write the tables into ``out_dir``."""
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    config = load_config(config_path)
    settings = load_settings(config["corpus"]["settings_path"], int(config["corpus"]["max_bytes"]))
    rows_listed, problems = read_manifest(corpus_dir)
    nlp = build_nlp(config_path)
    out_dir.mkdir(parents=True, exist_ok=True)

    rows: TableRows = {name: [] for name in TABLE_NAMES}
    progress = tqdm(total=len(rows_listed), unit="article", disable=quiet, desc="parley")
    for start in range(0, len(rows_listed), BATCH_SIZE):
        batch = [load_article(corpus_dir, row, settings) for row in rows_listed[start:start + BATCH_SIZE]]
        for name, table_rows in process_articles(nlp, batch).items():
            rows[name].extend(table_rows)
        progress.update(len(batch))
    progress.close()

    tables = {name: to_table(name, rows[name]) for name in TABLE_NAMES}
    for name, frame in tables.items():
        write_table(frame, out_dir, name)
    from pipeline.actors_table import build_actors_table

    write_table(build_actors_table(tables["stances"], tables["documents"]), out_dir, "actors")
    n_failed = int((tables["documents"]["status"] != "ok").sum())
    return RunResult(out_dir=out_dir, n_articles=len(rows_listed), n_failed=n_failed, problems=problems)
