"""The corpus-level ``actors`` table: each actor's stance toward negotiations over time.

In the manner of discourse network analysis, the unit is an actor's position in one
article (a row of the ``stances`` table); this module counts those positions per
actor, overall and per time window.

Layout (one long table): every actor has one row with ``window_kind == "all"`` and
``window == "all"`` (the whole corpus), then one row per window it spoke in, with
``window_kind`` the granularity asked for ("month", "year", "week", "article") and
``window`` the window's label ("2023-05", "2023", "2023-W19", or the ``doc_id`` for
"article"). Articles without a publication date fall in the window ``"unknown"``.

The level of a row is chosen by ``group_by`` (``parley run --group-by``):

- ``person`` (default): an actor is identified by the stances table's ``actor_id``
  (the registry's name for actors it knows, so spellings that differ between articles
  count as one actor), falling back to ``actor``;
- ``affiliation``: by the speaker's institution (the stances table's ``affiliation``:
  Dmitry Peskov and the Kremlin are both "Kremlin"), falling back to the person;
- ``country``: by the speaker's country (Peskov, Lavrov, the Kremlin and Moscow are
  all "Russia"), falling back to the affiliation, then the person.

``names`` lists the speakers folded into the row, as the articles named them.

Columns: ``actor, names, actor_kind, group_by, affiliation, country, window_kind,
window, n_statements, n_quotes, n_articles, n_support, n_oppose, n_conditional,
n_neutral, net_score, dominant_stance, first_published, last_published``.

- ``group_by``: the level of the row (``person``, ``affiliation`` or ``country``);
- ``affiliation``, ``country``: the most common ones among the row's statements
  (at the ``country`` level, ``country`` is the row's own name when it has one).

- ``n_statements``: the actor's rows in the ``stances`` table (one per article);
  the ``n_*`` stance counts split them.
- ``n_quotes``: the quotes behind them (sum of the ``stances`` table's ``n_quotes``).
- ``net_score``: ``(n_support - n_oppose) / n_statements``, in [-1, 1].
- ``dominant_stance``: the non-neutral stance with the most statements; ``mixed``
  when two or more non-neutral stances tie for the most; ``neutral`` when the actor
  took no side.
- ``first_published`` / ``last_published``: the earliest and latest publication
  date (``YYYY-MM-DD``) of the articles counted, empty when none is known.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from pipeline.schema import STANCES
WINDOWS = ("month", "year", "week", "quarter", "article")
GROUP_BY = ("person", "affiliation", "country")
UNKNOWN = "unknown"
COLUMNS = [
    "actor", "names", "actor_kind", "group_by", "affiliation", "country", "window_kind", "window", "n_statements", "n_quotes",
    "n_articles", "n_support", "n_oppose", "n_conditional", "n_neutral", "net_score",
    "dominant_stance", "first_published", "last_published",
]


def dominant_stance(counts: dict[str, int]) -> str:
    """The non-neutral stance with the most statements, ``mixed`` on a tie, else neutral.

    Args:
        counts: statements per stance.

    Returns:
        ``support``, ``oppose``, ``conditional``, ``mixed`` or ``neutral``.
    """
    sided = {s: counts.get(s, 0) for s in STANCES if s != "neutral"}
    top = max(sided.values(), default=0)
    if top == 0:
        return "neutral"
    leaders = [s for s, n in sided.items() if n == top]
    return leaders[0] if len(leaders) == 1 else "mixed"


def window_label(published: pd.Series, doc_ids: pd.Series, window: str) -> pd.Series:
    """The window label of each article: its month, year, ISO week, quarter or doc_id."""
    if window == "article":
        return doc_ids.astype(str)
    dates = pd.to_datetime(published, errors="coerce", format="%Y-%m-%d")
    if window == "month":
        labels = dates.dt.strftime("%Y-%m")
    elif window == "year":
        labels = dates.dt.strftime("%Y")
    elif window == "week":
        iso = dates.dt.isocalendar()
        labels = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    elif window == "quarter":
        labels = dates.dt.year.astype("string") + "-Q" + dates.dt.quarter.astype("string")
    else:
        raise ValueError(f"unknown window {window!r}; use one of {', '.join(WINDOWS)}")
    return labels.astype("object").where(dates.notna(), UNKNOWN)


def _summarise(rows: list[dict]) -> dict[str, object]:
    """The counts, names and dates of one actor's ``stances`` rows (plain dicts: a
    corpus has thousands of actor windows, and pandas per group would dominate)."""
    counts = Counter(row["stance"] for row in rows)
    n = len(rows)
    dates = [row["published"] for row in rows if row["published"]]
    summary: dict[str, object] = {
        "names": "; ".join(sorted({str(row["actor"]) for row in rows})),
        "actor_kind": most_common(row["actor_kind"] for row in rows),
        "affiliation": most_common(row["affiliation"] for row in rows),
        "country": most_common(row["country"] for row in rows),
        "n_statements": n,
        "n_quotes": int(sum(row["n_quotes"] for row in rows)),
        "n_articles": len({row["doc_id"] for row in rows}),
    }
    for stance in STANCES:
        summary[f"n_{stance}"] = int(counts.get(stance, 0))
    summary["net_score"] = (summary["n_support"] - summary["n_oppose"]) / n if n else 0.0
    summary["dominant_stance"] = dominant_stance(counts)
    summary["first_published"] = min(dates) if dates else ""
    summary["last_published"] = max(dates) if dates else ""
    return summary


def most_common(values) -> str:
    """The most frequent non-empty value (the alphabetically first of equals), else ""."""
    counts = Counter(str(v) for v in values if v is not None and not pd.isna(v) and str(v) != "")
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else ""


def group_identity(data: pd.DataFrame, group_by: str) -> pd.Series:
    """The name each stances row is counted under at level ``group_by`` (module docstring)."""
    person = (data["actor_id"] if "actor_id" in data else data["actor"]).fillna(data["actor"]).astype(str)
    person = person.where(person != "", data["actor"].astype(str))
    if group_by == "person":
        return person
    affiliation = data["affiliation"].fillna("").astype(str)
    by_affiliation = affiliation.where(affiliation != "", person)
    if group_by == "affiliation":
        return by_affiliation
    country = data["country"].fillna("").astype(str)
    return country.where(country != "", by_affiliation)


def build_actors_table(
    stances: pd.DataFrame, documents: pd.DataFrame, window: str = "month", group_by: str = "person"
) -> pd.DataFrame:
    """Count each actor's stances overall and per time window (see the module docstring).

    Args:
        stances: the ``stances`` table (``doc_id, actor, actor_kind, stance, n_quotes``,
            ``affiliation``, ``country``; ``n_quotes`` defaults to 1 per row when absent,
            affiliation and country to "").
        documents: the ``documents`` table (``doc_id, published``).
        window: ``month``, ``year``, ``week``, ``quarter`` or ``article``.
        group_by: ``person``, ``affiliation`` or ``country``: the level of a row.

    Returns:
        The long ``actors`` table, overall rows (``window == "all"``) first, then the
        windows in order, actors alphabetically within each.
    """
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}; use one of {', '.join(WINDOWS)}")
    if group_by not in GROUP_BY:
        raise ValueError(f"unknown level {group_by!r}; use one of {', '.join(GROUP_BY)}")
    if stances.empty:
        return pd.DataFrame(columns=COLUMNS)
    data = stances.copy()
    if "n_quotes" not in data:
        data["n_quotes"] = 1
    for column in ("actor_kind", "affiliation", "country"):
        if column not in data:
            data[column] = ""
    data["n_quotes"] = pd.to_numeric(data["n_quotes"], errors="coerce").fillna(0)
    published = documents[["doc_id", "published"]].drop_duplicates("doc_id")
    data = data.merge(published, on="doc_id", how="left")
    data["published"] = data["published"].fillna("").astype(str)
    data["window"] = window_label(data["published"], data["doc_id"], window)
    data["identity"] = group_identity(data, group_by)

    overall: dict[str, list[dict]] = {}
    windowed: dict[tuple[str, str], list[dict]] = {}
    for row in data.to_dict("records"):
        overall.setdefault(row["identity"], []).append(row)
        windowed.setdefault((row["window"], row["identity"]), []).append(row)
    rows = [{"actor": actor, "group_by": group_by, "window_kind": "all", "window": "all", **_summarise(overall[actor])}
            for actor in sorted(overall)]
    rows += [{"actor": actor, "group_by": group_by, "window_kind": window, "window": label,
              **_summarise(windowed[(label, actor)])} for label, actor in sorted(windowed)]
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["net_score"] = table["net_score"].astype(float)
    return table.reset_index(drop=True)
