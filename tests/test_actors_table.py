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


# --- levels: --group-by person | affiliation | country ----------------------------

SPEAKERS = pd.DataFrame(
    [
        # doc_id, actor, actor_id, actor_kind, affiliation, country, stance, n_quotes
        ("a", "Dmitry Peskov", "Dmitry Peskov", "named", "Kremlin", "Russia", "oppose", 2),
        ("a", "Kremlin", "Kremlin", "named", "Kremlin", "Russia", "oppose", 1),
        ("b", "Sergei Lavrov", "Sergei Lavrov", "named", "Russian Foreign Ministry", "Russia", "conditional", 1),
        ("b", "Moscow", "Moscow", "named", "Moscow", "Russia", "oppose", 1),
        ("c", "Dmytro Kuleba", "Dmytro Kuleba", "named", "Ukrainian Foreign Ministry", "Ukraine", "support", 1),
        ("c", "two officials", "two officials", "anonymous", "", "", "neutral", 1),
    ],
    columns=["doc_id", "actor", "actor_id", "actor_kind", "affiliation", "country", "stance", "n_quotes"],
)


def test_actors_table_by_person_keeps_each_speaker():
    table = build_actors_table(SPEAKERS, DOCUMENTS, group_by="person")
    overall = table[table["window"] == "all"]
    assert len(overall) == 6 and set(overall["group_by"]) == {"person"}
    peskov = row(table, "Dmitry Peskov", "all")
    assert (peskov["affiliation"], peskov["country"]) == ("Kremlin", "Russia")


def test_actors_table_by_affiliation_folds_an_institution_and_its_people():
    table = build_actors_table(SPEAKERS, DOCUMENTS, group_by="affiliation")
    kremlin = row(table, "Kremlin", "all")
    assert kremlin["names"] == "Dmitry Peskov; Kremlin"
    assert (kremlin["n_statements"], kremlin["n_quotes"], kremlin["n_oppose"]) == (2, 3, 2)
    # no affiliation: the speaker stays a row of its own
    assert row(table, "two officials", "all")["n_statements"] == 1


def test_actors_table_by_country_folds_everyone_speaking_for_it():
    table = build_actors_table(SPEAKERS, DOCUMENTS, group_by="country")
    overall = table[table["window"] == "all"]
    assert set(overall["actor"]) == {"Russia", "Ukraine", "two officials"}
    russia = row(table, "Russia", "all")
    assert russia["names"] == "Dmitry Peskov; Kremlin; Moscow; Sergei Lavrov"
    assert (russia["n_statements"], russia["n_articles"], russia["n_quotes"]) == (4, 2, 5)
    assert (russia["n_oppose"], russia["n_conditional"], russia["dominant_stance"]) == (3, 1, "oppose")
    assert russia["country"] == "Russia" and russia["group_by"] == "country"
    assert row(table, "Ukraine", "2023-02")["n_support"] == 1


def test_actors_table_unknown_level():
    with pytest.raises(ValueError):
        build_actors_table(SPEAKERS, DOCUMENTS, group_by="continent")


# --- the same on a small corpus, through the real pipeline ------------------------

SMALL_CORPUS = {
    "r1": ("2024-03-04", "Ms Oksana Melnyk, a spokeswoman for the Kremlin, said on Monday that Moscow was ready "
                         "for talks. “We are open to negotiations with Kyiv,” Melnyk told reporters."),
    "r2": ("2024-03-11", "The Kremlin said the ceasefire proposal was unacceptable. Russian Foreign Minister "
                         "Sergei Lavrov said Russia would not negotiate under pressure."),
    "u1": ("2024-04-02", "Ukrainian officials said talks could resume only after a full withdrawal. "
                         "Dmytro Kuleba said Ukraine wanted a just peace."),
}


@pytest.fixture(scope="module")
def small_corpus_rows(nlp):
    from pipeline.corpus import Article
    from pipeline.tables import doc_to_rows

    tables: dict[str, list[dict]] = {}
    for doc_id, (published, text) in SMALL_CORPUS.items():
        doc = nlp.make_doc(text)
        doc._.doc_id, doc._.anchor = doc_id, published
        article = Article(doc_id=doc_id, file=f"{doc_id}.txt", text=text, body=text, published=published,
                          anchor=published, anchor_source="manifest")
        for name, rows in doc_to_rows(nlp(doc), article).items():
            tables.setdefault(name, []).extend(rows)
    return {name: pd.DataFrame(rows) for name, rows in tables.items()}


def test_actors_affiliation_columns_in_quotes_and_stances(small_corpus_rows):
    quotes = small_corpus_rows["quotes"]
    by_speaker = {s: (a, c) for s, a, c in zip(quotes["speaker"], quotes["affiliation"], quotes["country"])}
    assert by_speaker["Oksana Melnyk"] == ("Kremlin", "Russia")  # from the apposition
    assert by_speaker["Sergei Lavrov"] == ("Russian Foreign Ministry", "Russia")  # from the registry
    assert by_speaker["Ukrainian officials"] == ("", "Ukraine")  # an anonymous source's nationality
    stances = small_corpus_rows["stances"]
    melnyk = stances[stances["actor"] == "Oksana Melnyk"].iloc[0]
    assert (melnyk["affiliation"], melnyk["country"]) == ("Kremlin", "Russia")


@pytest.mark.parametrize(
    "group_by, expected",
    [
        ("person", {"Oksana Melnyk", "Kremlin", "Sergei Lavrov", "Ukrainian officials", "Dmytro Kuleba"}),
        ("affiliation", {"Kremlin", "Russian Foreign Ministry", "Ukrainian officials", "Ukrainian Foreign Ministry"}),
        ("country", {"Russia", "Ukraine"}),
    ],
)
def test_actors_table_levels_on_a_small_corpus(small_corpus_rows, group_by, expected):
    table = build_actors_table(small_corpus_rows["stances"], small_corpus_rows["documents"], group_by=group_by)
    assert set(table.loc[table["window"] == "all", "actor"]) == expected


def test_actors_table_country_row_folds_the_statements(small_corpus_rows):
    table = build_actors_table(small_corpus_rows["stances"], small_corpus_rows["documents"], group_by="country")
    russia = row(table, "Russia", "all")
    assert russia["names"] == "Kremlin; Oksana Melnyk; Sergei Lavrov"
    assert (russia["n_statements"], russia["n_articles"]) == (3, 2)
    assert row(table, "Ukraine", "all")["names"] == "Dmytro Kuleba; Ukrainian officials"


@pytest.mark.slow
def test_actors_table_level_is_part_of_the_run_signature(tmp_path):
    from pipeline.runner import run

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = ["doc_id,file,title,outlet,url,published"]
    for doc_id, (published, text) in SMALL_CORPUS.items():
        (corpus / f"{doc_id}.txt").write_text(f"Talks\n\n{text}\n", encoding="utf-8")
        lines.append(f"{doc_id},{doc_id}.txt,Talks,,,{published}")
    (corpus / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run(corpus, out, quiet=True, workers=1)
    people = pd.read_parquet(out / "actors.parquet")
    assert set(people["group_by"]) == {"person"}
    rerun = run(corpus, out, quiet=True, workers=1, group_by="country")
    countries = pd.read_parquet(out / "actors.parquet")
    assert rerun.n_cached == len(SMALL_CORPUS)  # the articles' rows come from the cache
    assert set(countries["group_by"]) == {"country"}
    assert {"Russia", "Ukraine"} <= set(countries.loc[countries["window"] == "all", "actor"])
