"""The output tables of SPEC section 7: their names and columns, defined once.

Every writer (runner) and reader (evaluate, report) takes its columns from here.
"""
from __future__ import annotations

import pandas as pd

TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "documents": {
        "doc_id": "string",
        "file": "string",
        "published": "string",
        "anchor": "string",
        "anchor_source": "string",
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
        "speaker": "string",
        "speaker_kind": "string",
        "speaker_start_char": "Int64",
        "speaker_end_char": "Int64",
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
        "stance": "string",
        "n_quotes": "Int64",
        "quote_ids": "string",
        "evidence": "string",
    },
}

TABLE_NAMES = tuple(TABLE_COLUMNS)


def empty_table(name: str) -> pd.DataFrame:
    """An empty DataFrame with the table's columns and dtypes."""
    return to_table(name, [])


def to_table(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows (dicts) → a DataFrame with exactly the table's columns, in order, typed."""
    columns = TABLE_COLUMNS[name]
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    return frame.astype(columns)
