"""Tests for the corpus-level actors table, on a small hand-made corpus.

The figures in the asserts are worked out by hand from STANCES and DOCUMENTS.
"""
from __future__ import annotations

import pandas as pd
import pytest

from pipeline.actors_table import COLUMNS, build_actors_table, dominant_stance

STANCES = pd.DataFrame(
    [
        # doc_id, actor, actor_kind, stance, n_quotes
        ("a", "Alpha", "named", "support", 2),
        ("a", "Beta", "named", "oppose", 1),
        ("b", "Alpha", "named", "oppose", 1),
        ("b", "Beta", "named", "oppose", 2),
        ("c", "Alpha", "named", "support", 1),
        ("c", "some officials", "anonymous", "neutral", 1),
        ("d", "Alpha", "named", "conditional", 1),
    ],
    columns=["doc_id", "actor", "actor_kind", "stance", "n_quotes"],
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d"],
        "published": ["2023-01-10", "2023-01-20", "2023-02-05", ""],
    }
)


def row(table: pd.DataFrame, actor: str, window: str) -> pd.Series:
    found = table[(table["actor"] == actor) & (table["window"] == window)]
    assert len(found) == 1, (actor, window, table)
    return found.iloc[0]


@pytest.fixture(scope="module")
def monthly():
    return build_actors_table(STANCES, DOCUMENTS, window="month")


def test_actors_table_columns(monthly):
    assert list(monthly.columns) == COLUMNS
    assert set(monthly["window_kind"]) == {"all", "month"}


def test_actors_table_overall_row(monthly):
    alpha = row(monthly, "Alpha", "all")
    # Alpha: support in a and c, oppose in b, conditional in d
    assert alpha["n_statements"] == 4
    assert alpha["n_articles"] == 4
    assert alpha["n_quotes"] == 5
    assert (alpha["n_support"], alpha["n_oppose"], alpha["n_conditional"], alpha["n_neutral"]) == (2, 1, 1, 0)
    assert alpha["net_score"] == pytest.approx((2 - 1) / 4)
    assert alpha["dominant_stance"] == "support"
    # d has no publication date: it counts, but not for the dates
    assert alpha["first_published"] == "2023-01-10"
    assert alpha["last_published"] == "2023-02-05"
    assert alpha["actor_kind"] == "named"


@pytest.mark.parametrize(
    "actor,window,n,net,dominant,first,last",
    [
        ("Alpha", "2023-01", 2, 0.0, "mixed", "2023-01-10", "2023-01-20"),
        ("Alpha", "2023-02", 1, 1.0, "support", "2023-02-05", "2023-02-05"),
        ("Alpha", "unknown", 1, 0.0, "conditional", "", ""),
        ("Beta", "all", 2, -1.0, "oppose", "2023-01-10", "2023-01-20"),
        ("Beta", "2023-01", 2, -1.0, "oppose", "2023-01-10", "2023-01-20"),
        ("some officials", "all", 1, 0.0, "neutral", "2023-02-05", "2023-02-05"),
    ],
)
def test_actors_table_month_windows(monthly, actor, window, n, net, dominant, first, last):
    found = row(monthly, actor, window)
    assert found["n_statements"] == n
    assert found["net_score"] == pytest.approx(net)
    assert found["dominant_stance"] == dominant
    assert (found["first_published"], found["last_published"]) == (first, last)


def test_actors_table_beta_quotes(monthly):
    assert row(monthly, "Beta", "all")["n_quotes"] == 3


def test_actors_table_year_window():
    table = build_actors_table(STANCES, DOCUMENTS, window="year")
    alpha = row(table, "Alpha", "2023")
    # a, b, c are in 2023: support 2, oppose 1
    assert alpha["n_statements"] == 3
    assert alpha["net_score"] == pytest.approx(1 / 3)
    assert alpha["dominant_stance"] == "support"


def test_actors_table_article_window():
    table = build_actors_table(STANCES, DOCUMENTS, window="article")
    assert set(table.loc[table["actor"] == "Alpha", "window"]) == {"all", "a", "b", "c", "d"}
    assert row(table, "Alpha", "b")["dominant_stance"] == "oppose"


@pytest.mark.parametrize(
    "counts,expected",
    [
        ({}, "neutral"),
        ({"neutral": 3}, "neutral"),
        ({"neutral": 3, "oppose": 1}, "oppose"),
        ({"support": 2, "conditional": 2}, "mixed"),
        ({"support": 1, "conditional": 2, "oppose": 1}, "conditional"),
    ],
)
def test_actors_table_dominant_stance(counts, expected):
    assert dominant_stance(counts) == expected


def test_actors_table_empty():
    empty = build_actors_table(STANCES.iloc[0:0], DOCUMENTS)
    assert empty.empty
    assert list(empty.columns) == COLUMNS


def test_actors_table_unknown_window():
    with pytest.raises(ValueError):
        build_actors_table(STANCES, DOCUMENTS, window="fortnight")


def test_actors_table_groups_spellings_by_actor_id():
    stances = pd.DataFrame(
        [
            ("a", "Olena Zelinska", "Olena Zelenska", "named", "support", 1),
            ("b", "Olena Zelenska", "Olena Zelenska", "named", "oppose", 1),
            ("b", "two officials", "two officials", "anonymous", "neutral", 1),
        ],
        columns=["doc_id", "actor", "actor_id", "actor_kind", "stance", "n_quotes"],
    )
    table = build_actors_table(stances, DOCUMENTS, window="month")
    overall = row(table, "Olena Zelenska", "all")
    assert overall["n_statements"] == 2 and overall["n_articles"] == 2
    assert overall["names"] == "Olena Zelenska; Olena Zelinska"
    assert overall["dominant_stance"] == "mixed"
    assert set(table["actor"]) == {"Olena Zelenska", "two officials"}
