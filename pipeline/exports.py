"""Exports for discourse-network analysis, made from the output tables.

- ``statements``: one row per attributed statement (a row of ``quotes``) with its
  article's date, outlet, title, url and the manifest's own columns, the speaker,
  the speaker's affiliation and country when the quotes carry them, the stance, its
  confidence, the speech verb, the stance cues and the text: the long shape that
  DNA-style tools and regression models take.
- ``network.graphml``: the actor–stance network. Each actor who made a statement is a
  node (with its kind, affiliation, country, counts and dominant stance), the target
  of every stance (negotiations to end the war) is one more node, and each actor has
  one edge to it, weighted by its statements and signed by their balance
  (support − oppose). Written with the standard library; networkx, Gephi and visone
  read it.

Like ``evaluate`` and the report, the exports only read the tables; they never run
the NLP.
"""
from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from pipeline.actors_table import dominant_stance, most_common
from pipeline.atomic import atomic_write
from pipeline.schema import EXPORT_COLUMNS, STANCES, TABLE_COLUMNS

STATEMENTS = "statements"
NETWORK_FILE = "network.graphml"
TARGET_ID = "target:negotiations"
TARGET_LABEL = "negotiations to end the Russia-Ukraine war"
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"

# GraphML attribute declarations: (id, for, name, type). ``label`` is what Gephi shows.
NODE_KEYS = (
    ("label", "string"), ("kind", "string"), ("actor_id", "string"), ("actor_kind", "string"),
    ("affiliation", "string"), ("country", "string"), ("n_statements", "int"), ("n_articles", "int"),
    *((f"n_{s}", "int") for s in STANCES), ("net_score", "double"), ("dominant_stance", "string"),
)
EDGE_KEYS = (
    ("weight", "double"), ("sign", "int"), ("net", "int"), *((f"n_{s}", "int") for s in STANCES),
    ("dominant_stance", "string"),
)


def _text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def statements_table(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per statement, with its article's metadata and its speaker's attributes.

    Args:
        tables: the output tables, at least ``documents``, ``quotes`` and ``stances``.

    Returns:
        The columns of ``schema.EXPORT_COLUMNS["statements"]`` (then the manifest's
        extra columns), in article and quote order. ``date`` is the publication date,
        else the anchor; ``actor_id`` is the speaker's cross-article id.
    """
    documents, quotes, stances = tables["documents"], tables["quotes"], tables["stances"]
    fixed = EXPORT_COLUMNS[STATEMENTS]
    # The manifest's own columns follow; one named like a statements column ("date") is
    # renamed, as documents does with its own columns.
    extras = {c: (f"manifest_{c}" if c in fixed else c) for c in documents.columns
              if c not in TABLE_COLUMNS["documents"]}
    docs = {_text(d["doc_id"]): d for d in documents.to_dict("records")}
    actor_ids = {(_text(s["doc_id"]), _text(s["actor"])): _text(s.get("actor_id")) for s in stances.to_dict("records")}
    rows = []
    for q in quotes.to_dict("records"):
        doc_id, speaker = _text(q["doc_id"]), _text(q.get("speaker"))
        doc = docs.get(doc_id, {})
        rows.append({
            "doc_id": doc_id, "quote_id": _text(q.get("quote_id")),
            "date": _text(doc.get("published")) or _text(doc.get("anchor")),
            "outlet": _text(doc.get("outlet")), "title": _text(doc.get("title")), "url": _text(doc.get("url")),
            "speaker": speaker, "actor_id": actor_ids.get((doc_id, speaker)) or speaker,
            "speaker_kind": _text(q.get("speaker_kind")),
            # the speaker stage adds these; older tables have neither
            "affiliation": _text(q.get("affiliation", q.get("speaker_affiliation"))),
            "country": _text(q.get("country", q.get("speaker_country"))),
            "stance": _text(q.get("stance")), "confidence": q.get("stance_confidence"),
            "cue": _text(q.get("cue")), "evidence": _text(q.get("stance_evidence")), "text": _text(q.get("text")),
            "start_char": q.get("start_char"), "end_char": q.get("end_char"),
            **{name: _text(doc.get(column)) for column, name in extras.items()},
        })
    columns = {**fixed, **{name: "string" for name in extras.values()}}
    frame = pd.DataFrame.from_records(rows, columns=list(columns))
    frame["confidence"] = pd.to_numeric(frame["confidence"], errors="coerce")
    return frame.astype(columns)


def network_graph(statements: pd.DataFrame) -> ET.ElementTree:
    """The actor–stance network of a statements table, as a GraphML document.

    Statements without a resolved speaker are left out. An actor node's counts are
    its statements per stance; its edge to the target node has ``weight`` = its
    statements, ``net`` = support − oppose statements, ``sign`` = the sign of ``net``
    (+1, 0, −1), the per-stance counts and the dominant stance (as in the actors table:
    the non-neutral stance with most statements, ``mixed`` on a tie, else ``neutral``).
    """
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    for target, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            ET.SubElement(root, "key", {"id": f"{target[0]}_{name}", "for": target, "attr.name": name,
                                        "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": "parley", "edgedefault": "directed"})
    _add_node(graph, TARGET_ID, "n", {"label": TARGET_LABEL, "kind": "target"})
    said = statements[statements["speaker_kind"].isin(["named", "anonymous"]) & (statements["actor_id"] != "")]
    by_actor: dict[str, list[dict]] = {}
    for row in said.to_dict("records"):
        by_actor.setdefault(row["actor_id"], []).append(row)
    for actor_id in sorted(by_actor):
        rows = by_actor[actor_id]
        counts = {s: sum(1 for row in rows if row["stance"] == s) for s in STANCES}
        n = len(rows)
        net = counts["support"] - counts["oppose"]
        dominant = dominant_stance(counts)
        node_id = f"actor:{actor_id}"
        _add_node(graph, node_id, "n", {
            "label": actor_id, "kind": "actor", "actor_id": actor_id,
            "actor_kind": most_common(row["speaker_kind"] for row in rows),
            "affiliation": most_common(row["affiliation"] for row in rows),
            "country": most_common(row["country"] for row in rows),
            "n_statements": n, "n_articles": len({row["doc_id"] for row in rows}),
            **{f"n_{s}": counts[s] for s in STANCES}, "net_score": round(net / n, 4),
            "dominant_stance": dominant,
        })
        edge = ET.SubElement(graph, "edge", {"id": f"e:{actor_id}", "source": node_id, "target": TARGET_ID})
        _add_data(edge, "e", {"weight": float(n), "sign": (net > 0) - (net < 0), "net": net,
                              **{f"n_{s}": counts[s] for s in STANCES}, "dominant_stance": dominant})
    ET.indent(root)
    return ET.ElementTree(root)


def _add_node(graph: ET.Element, node_id: str, prefix: str, values: dict) -> None:
    _add_data(ET.SubElement(graph, "node", {"id": node_id}), prefix, values)


def _add_data(element: ET.Element, prefix: str, values: dict) -> None:
    for name, value in values.items():
        if value == "" or value is None:
            continue
        ET.SubElement(element, "data", {"key": f"{prefix}_{name}"}).text = str(value)


def write_exports(folder: Path, tables: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write ``statements.csv``/``.parquet`` and ``network.graphml`` into ``folder``.

    Args:
        folder: an output folder (or a run's staging folder) holding the tables.
        tables: the tables already in memory; read from ``folder`` when None.

    Returns:
        The files written (each written to a temporary name, then moved into place).
    """
    from pipeline.schema import read_table  # the one typed reader of the tables

    folder = Path(folder)
    tables = tables or {name: read_table(folder, name) for name in ("documents", "quotes", "stances")}
    statements = statements_table(tables)
    paths = [folder / f"{STATEMENTS}.parquet", folder / f"{STATEMENTS}.csv", folder / NETWORK_FILE]
    writers = (lambda p: statements.to_parquet(p, index=False), lambda p: statements.to_csv(p, index=False),
               lambda p: network_graph(statements).write(p, encoding="utf-8", xml_declaration=True))
    for path, write in zip(paths, writers):
        atomic_write(path, write)
    return paths
