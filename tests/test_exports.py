"""Exports: the statements table and the actor–stance network, from hand-made tables."""
from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from pipeline.exports import NETWORK_FILE, TARGET_ID, network_graph, statements_table, write_exports
from pipeline.schema import EXPORT_COLUMNS, to_table


def _tables(with_affiliation: bool) -> dict[str, pd.DataFrame]:
    documents = to_table("documents", [
        {"doc_id": "d1", "file": "d1.txt", "title": "Envoys meet", "outlet": "Test Wire", "url": "http://t/1",
         "published": "2024-02-01", "anchor": "2024-02-01", "status": "ok", "region": "Nordics", "stance": "left"},
        {"doc_id": "d2", "file": "d2.html", "title": "Talks stall", "outlet": "Daily", "url": "http://t/2",
         "published": "", "anchor": "2024-03-09", "status": "ok", "region": "Andes", "stance": "right"},
    ], extra_columns=("region", "stance"))
    quote = {"kind": "indirect", "cue": "said", "speaker_kind": "named"}
    quotes = [
        {**quote, "doc_id": "d1", "quote_id": "q1", "text": "talks should start", "speaker": "Anna Berg",
         "stance": "support", "stance_evidence": "should start", "stance_confidence": 0.9},
        {**quote, "doc_id": "d1", "quote_id": "q2", "text": "only after a withdrawal", "speaker": "Anna Berg",
         "stance": "conditional", "stance_evidence": "only after", "stance_confidence": 0.7},
        {**quote, "doc_id": "d2", "quote_id": "q1", "text": "no talks now", "speaker": "Berg",
         "stance": "oppose", "stance_evidence": "no talks", "stance_confidence": 0.8},
        {**quote, "doc_id": "d2", "quote_id": "q2", "text": "we want a truce", "speaker": "Luis Soto",
         "stance": "support", "stance_evidence": "want a truce", "stance_confidence": 0.8},
        {**quote, "doc_id": "d2", "quote_id": "q3", "text": "it was a long day", "speaker": "",
         "speaker_kind": "unresolved", "stance": "neutral", "stance_confidence": 0.5},
    ]
    quotes_frame = to_table("quotes", quotes)
    if with_affiliation:
        quotes_frame["affiliation"] = ["Foreign Ministry", "Foreign Ministry", "", "Senate", ""]
        quotes_frame["country"] = ["Norway", "Norway", "Norway", "Peru", ""]
    stances = to_table("stances", [
        {"doc_id": "d1", "actor": "Anna Berg", "actor_id": "Anna Berg", "actor_kind": "named", "stance": "conditional"},
        {"doc_id": "d2", "actor": "Berg", "actor_id": "Anna Berg", "actor_kind": "named", "stance": "oppose"},
        {"doc_id": "d2", "actor": "Luis Soto", "actor_id": "Luis Soto", "actor_kind": "named", "stance": "support"},
    ])
    return {"documents": documents, "quotes": quotes_frame, "stances": stances}


def test_exports_statements_carry_article_metadata_and_speaker_attributes():
    statements = statements_table(_tables(with_affiliation=True))
    # an outlet's own "stance" column does not overwrite the statement's
    assert list(statements.columns) == [*EXPORT_COLUMNS["statements"], "region", "manifest_stance"]
    assert statements["stance"].tolist()[:2] == ["support", "conditional"]
    assert statements["manifest_stance"].tolist()[:2] == ["left", "left"]
    assert len(statements) == 5
    first = statements.iloc[0]
    assert (first["date"], first["outlet"], first["title"], first["url"], first["region"]) == \
        ("2024-02-01", "Test Wire", "Envoys meet", "http://t/1", "Nordics")
    assert (first["affiliation"], first["country"], first["confidence"]) == ("Foreign Ministry", "Norway", 0.9)
    # no manifest date: the anchor dates the statement; a surname maps to the actor's id
    berg = statements[(statements["doc_id"] == "d2") & (statements["quote_id"] == "q1")].iloc[0]
    assert (berg["date"], berg["speaker"], berg["actor_id"]) == ("2024-03-09", "Berg", "Anna Berg")


def test_exports_statements_without_affiliation_columns_are_empty():
    statements = statements_table(_tables(with_affiliation=False))
    assert set(statements["affiliation"]) == {""} and set(statements["country"]) == {""}
    assert statements["confidence"].dtype == "float64" and statements["start_char"].dtype == "Int64"


def test_exports_network_read_back_by_networkx(tmp_path):
    tables = _tables(with_affiliation=True)
    for name, frame in tables.items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    written = write_exports(tmp_path)
    assert {p.name for p in written} == {"statements.parquet", "statements.csv", NETWORK_FILE}
    graph = nx.read_graphml(tmp_path / NETWORK_FILE)
    assert graph.is_directed()
    assert set(graph.nodes) == {TARGET_ID, "actor:Anna Berg", "actor:Luis Soto"}  # unresolved speaker left out
    berg = graph.nodes["actor:Anna Berg"]
    assert (berg["kind"], berg["n_statements"], berg["n_articles"], berg["affiliation"], berg["country"]) == \
        ("actor", 3, 2, "Foreign Ministry", "Norway")
    assert (berg["n_support"], berg["n_oppose"], berg["n_conditional"], berg["dominant_stance"]) == (1, 1, 1, "mixed")
    edge = graph.edges["actor:Anna Berg", TARGET_ID]
    assert (edge["weight"], edge["net"], edge["sign"]) == (3.0, 0, 0)
    soto = graph.edges["actor:Luis Soto", TARGET_ID]
    assert (soto["weight"], soto["sign"], soto["dominant_stance"]) == (1.0, 1, "support")
    assert graph.nodes[TARGET_ID]["kind"] == "target"
    back = pd.read_parquet(tmp_path / "statements.parquet")
    assert back["region"].tolist() == ["Nordics", "Nordics", "Andes", "Andes", "Andes"]


@pytest.mark.parametrize("stance, sign", [("support", 1), ("oppose", -1), ("neutral", 0)])
def test_exports_network_edge_sign_follows_stance(stance, sign):
    statements = statements_table(_tables(with_affiliation=False))
    statements = statements[statements["actor_id"] == "Luis Soto"].assign(stance=stance)
    root = network_graph(statements).getroot()
    edge = next(e for e in root.iter("edge") if e.get("source") == "actor:Luis Soto")
    values = {d.get("key"): d.text for d in edge}
    assert values["e_sign"] == str(sign)
