"""The output tables of SPEC section 7: their names and columns, defined once.

Every writer (runner) and reader (evaluate, report) takes its columns from here.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

# The stances a statement or an actor can take (SPEC section 5), in display order.
STANCES = ("support", "oppose", "conditional", "neutral")
# The tables scored against gold (evaluate) and summarised per part (report).
PARTS = ("entities", "quotes", "dates", "stances")


class OutputsError(FileNotFoundError):
    """The output folder lacks a table that a reader (evaluate, report) needs."""


TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "string",
        "file": "string",
        "title": "string",
        "outlet": "string",
        "url": "string",
        "published": "string",
        "anchor": "string",
        "anchor_source": "string",
        "text_source": "string",
        "encoding": "string",
        "status": "string",
        "error": "string",
        "n_chars": "Int64",
        "n_entities": "Int64",
        "n_quotes": "Int64",
        "n_dates": "Int64",
    },
    "entities": {
        "doc_id": "string",
        "start_char": "Int64",
        "end_char": "Int64",
        "text": "string",
        "label": "string",
        "canonical": "string",
        "actor_id": "string",
    },
    "quotes": {
        "doc_id": "string",
        "quote_id": "string",
        "start_char": "Int64",
        "end_char": "Int64",
        "text": "string",
        "kind": "string",
        "cue": "string",
        "cue_rule": "string",
        "speaker": "string",
        "speaker_kind": "string",
        "speaker_start_char": "Int64",
        "speaker_end_char": "Int64",
        "speaker_rule": "string",
        # the speaker's institution and country (actors stage, doc._.actor_info)
        "affiliation": "string",
        "country": "string",
        "stance": "string",
        "stance_evidence": "string",
        "stance_confidence": "float64",
    },
    "dates": {
        "doc_id": "string",
        "start_char": "Int64",
        "end_char": "Int64",
        "text": "string",
        "value": "string",
        "granularity": "string",
        "mod": "string",
        "range_start": "string",
        "range_end": "string",
        "anchor": "string",
    },
    "stances": {
        "doc_id": "string",
        "actor": "string",
        "actor_id": "string",
        "actor_kind": "string",
        "affiliation": "string",
        "country": "string",
        "stance": "string",
        "confidence": "float64",
        "n_quotes": "Int64",
        "quote_ids": "string",
        "evidence": "string",
    },
    # The analysed text of each article: what the offsets index (for a saved web
    # page, the extracted text, which no file in the corpus holds).
    "texts": {
        "doc_id": "string",
        "text": "string",
    },
}

TABLE_NAMES = tuple(TABLE_COLUMNS)

# Tables made from the tables above at the end of a run (``pipeline.exports``).
EXPORT_COLUMNS: dict[str, dict[str, str]] = {
    "statements": {
        "doc_id": "string",
        "quote_id": "string",
        "date": "string",
        "outlet": "string",
        "title": "string",
        "url": "string",
        "speaker": "string",
        "actor_id": "string",
        "speaker_kind": "string",
        "affiliation": "string",
        "country": "string",
        "stance": "string",
        "confidence": "float64",
        "cue": "string",
        "evidence": "string",
        "text": "string",
        "start_char": "Int64",
        "end_char": "Int64",
    },
}


def table_columns(name: str, extra_columns: tuple[str, ...] = ()) -> dict[str, str]:
    """A table's columns and dtypes; ``extra_columns`` (the manifest's own columns, carried
    by ``documents``) follow the fixed ones, as text."""
    return {**TABLE_COLUMNS[name], **{column: "string" for column in extra_columns}}


def extra_columns(name: str, rows: list[dict]) -> tuple[str, ...]:
    """The keys of ``rows`` beyond the table's columns (the manifest's own, in ``documents``), in order."""
    return tuple(dict.fromkeys(key for row in rows for key in row if key not in TABLE_COLUMNS[name]))


def empty_table(name: str, extra_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """An empty DataFrame with the table's columns and dtypes."""
    return to_table(name, [], extra_columns)


def to_table(name: str, rows: list[dict], extra_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rows (dicts) → a DataFrame with exactly the table's columns, in order, typed."""
    columns = table_columns(name, extra_columns)
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    return frame.astype(columns)


# Tables a run makes besides the per-article ones: the corpus-level ``actors`` table
# (``pipeline.actors_table``) and the manifest problems.
RUN_TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "actors": {
        "actor": "string", "names": "string", "actor_kind": "string", "group_by": "string", "affiliation": "string",
        "country": "string", "window_kind": "string", "window": "string",
        "n_statements": "Int64", "n_quotes": "Int64", "n_articles": "Int64", "n_support": "Int64",
        "n_oppose": "Int64", "n_conditional": "Int64", "n_neutral": "Int64", "net_score": "float64",
        "dominant_stance": "string", "first_published": "string", "last_published": "string",
    },
    "problems": {"where": "string", "severity": "string", "message": "string"},
}
ALL_TABLE_COLUMNS = {**TABLE_COLUMNS, **RUN_TABLE_COLUMNS, **EXPORT_COLUMNS}
# The tables that carry the manifest's own columns (as text) after their fixed ones.
MANIFEST_CARRIERS = ("documents", "statements")


def read_table(out_dir: Path | str, name: str) -> pd.DataFrame:
    """An output table from Parquet, or CSV when there is no Parquet file; OutputsError if neither.

    A CSV file is read as text and then typed, so a column of years stays text
    ("2022", never 2022.0); columns beyond the schema's (the manifest's own) are text.
    """
    columns = ALL_TABLE_COLUMNS[name]
    parquet, csv_path = Path(out_dir) / f"{name}.parquet", Path(out_dir) / f"{name}.csv"
    if parquet.is_file():
        frame = pd.read_parquet(parquet)
    elif csv_path.is_file():
        frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_values=[""])
    else:
        raise OutputsError(f"no {name} table in {out_dir} (expected {parquet.name} or {csv_path.name})")
    for column, dtype in columns.items():
        if column not in frame.columns:
            frame[column] = pd.Series([None] * len(frame), dtype=object)
        try:
            frame[column] = frame[column].astype(dtype)
        except (TypeError, ValueError):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(dtype)
    extra = [column for column in frame.columns if column not in columns]
    frame = frame[[*columns, *extra]]
    if name in MANIFEST_CARRIERS:
        frame = frame.astype({column: "string" for column in extra})
    return frame


def read_tables(out_dir: Path | str) -> dict[str, pd.DataFrame]:
    """Every table in an output folder, typed (see ``read_table``); OutputsError without ``documents``."""
    tables = {"documents": read_table(out_dir, "documents")}
    for name in ALL_TABLE_COLUMNS:
        if name not in tables:
            try:
                tables[name] = read_table(out_dir, name)
            except OutputsError:
                continue
    return tables
