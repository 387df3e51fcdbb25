"""Tests for pipeline/evaluate.py: hand-made corpora with figures computed by hand."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from pipeline.evaluate import (
    GoldDate,
    GoldEntity,
    GoldError,
    OutputsError,
    date_value_correct,
    evaluate,
    format_report,
    head_noun,
    load_gold,
    locate,
    macro_f1,
    confusion,
    match_actors,
    match_entities,
    match_spans,
    normalize_name,
    prf,
    same_actor,
)
from pipeline.schema import TABLE_NAMES, to_table

REPO = Path(__file__).resolve().parents[1]

DOC_A = (
    "Biden says talks must wait\n"
    "Joe Biden said on 24 February that talks could only start when Russia withdraws. "
    "Western officials said it is still too early to talk. "
    "“There will come a time,” a senior diplomat from the West said last week. "
    "The Kremlin said Kyiv refuses to negotiate.\n"
)
DOC_B = (
    "Macron calls for ceasefire\n"
    "Emmanuel Macron said a ceasefire is needed this winter. "
    "Macron added that the end of September was a turning point.\n"
)

GOLD = {
    "documents": [
        {
            "doc_id": "a",
            "entities": [
                {"name": "Joe Biden", "label": "PERSON", "aliases": ["Biden"]},
                {"name": "Russia", "label": "GPE", "aliases": []},
                {"name": "Kremlin", "label": "ORG", "aliases": ["the Kremlin"]},
                {"name": "Kyiv", "label": "GPE", "aliases": ["Kiev"]},
            ],
            "quotes": [
                {"text": "talks could only start when Russia withdraws", "kind": "indirect",
                 "speaker": "Joe Biden", "speaker_kind": "named"},
                {"text": "it is still too early to talk", "kind": "indirect",
                 "speaker": "Western officials", "speaker_kind": "anonymous"},
                {"text": "There will come a time,", "kind": "direct",
                 "speaker": "a senior diplomat from the West", "speaker_kind": "anonymous"},
                {"text": "Kyiv refuses to negotiate", "kind": "indirect",
                 "speaker": "Kremlin", "speaker_kind": "named"},
            ],
            "dates": [
                {"text": "24 February", "value": "2022-02-24"},
                {"text": "last week", "value": "2022-W47"},
            ],
            "stances": [
                {"actor": "Joe Biden", "stance": "conditional"},
                {"actor": "Western officials", "stance": "oppose"},
                {"actor": "a senior diplomat from the West", "stance": "oppose"},
                {"actor": "Kremlin", "stance": "neutral"},
            ],
        },
        {
            "doc_id": "b",
            "entities": [
                {"name": "Emmanuel Macron", "label": "PERSON", "aliases": ["Macron"]},
            ],
            "quotes": [
                {"text": "a ceasefire is needed this winter", "kind": "indirect",
                 "speaker": "Emmanuel Macron", "speaker_kind": "named"},
            ],
            "dates": [
                {"text": "this winter", "value": "2022-WI"},
                {"text": "the end of September", "value": "2022-09", "mod": "END"},
            ],
            "stances": [{"actor": "Emmanuel Macron", "stance": "support"}],
        },
    ]
}


def span_of(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def write_corpus(root: Path, gold: dict | str = GOLD) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A, encoding="utf-8")
    (corpus / "b.txt").write_text(DOC_B, encoding="utf-8")
    (corpus / "manifest.csv").write_text(
        "doc_id,file,title,outlet,url,published\n"
        "a,a.txt,A,,,2022-12-03\n"
        "b,b.txt,B,,,2022-12-03\n",
        encoding="utf-8",
    )
    text = gold if isinstance(gold, str) else yaml.safe_dump(gold, allow_unicode=True, sort_keys=False)
    (corpus / "gold.yaml").write_text(text, encoding="utf-8")
    return corpus


def quote_row(doc_id, text, needle, speaker, speaker_kind="named", shift=(0, 0)):
    start, end = span_of(text, needle)
    start, end = start + shift[0], end + shift[1]
    return {"doc_id": doc_id, "quote_id": f"{doc_id}-{start}", "start_char": start, "end_char": end,
            "text": text[start:end], "kind": "indirect", "speaker": speaker, "speaker_kind": speaker_kind}


def date_row(doc_id, text, needle, value, mod=None):
    start, end = span_of(text, needle)
    return {"doc_id": doc_id, "start_char": start, "end_char": end, "text": needle, "value": value, "mod": mod}


def ent_row(doc_id, text, needle, label, canonical):
    start, end = span_of(text, needle)
    return {"doc_id": doc_id, "start_char": start, "end_char": end, "text": needle, "label": label,
            "canonical": canonical}


def write_outputs(root: Path, rows: dict[str, list[dict]], fmt: str = "parquet") -> Path:
    out = root / "out"
    out.mkdir()
    for name in TABLE_NAMES:
        frame = to_table(name, rows.get(name, []))
        if fmt == "parquet":
            frame.to_parquet(out / f"{name}.parquet", index=False)
        else:
            frame.to_csv(out / f"{name}.csv", index=False)
    return out


def predicted_rows() -> dict[str, list[dict]]:
    """Hand-written predictions with known hits and misses (see the test for the counts)."""
    return {
        "documents": [
            {"doc_id": "a", "status": "ok"},
            {"doc_id": "b", "status": "error", "error": "boom"},
        ],
        "entities": [
            ent_row("a", DOC_A, "Joe Biden", "PERSON", "Joe Biden"),
            ent_row("a", DOC_A, "Biden", "PERSON", "Joe Biden"),  # same entity, second mention
            ent_row("a", DOC_A, "Kremlin", "ORG", "The Kremlin"),  # leading "the" ignored
            ent_row("a", DOC_A, "Russia", "ORG", "Russia"),  # wrong label → FP, gold FN
            ent_row("a", DOC_A, "West", "GPE", "West"),  # not in gold → FP
        ],
        "quotes": [
            quote_row("a", DOC_A, "talks could only start when Russia withdraws", "Biden"),
            quote_row("a", DOC_A, "it is still too early to talk", "officials", "anonymous"),
            quote_row("a", DOC_A, "There will come a time,", "Western officials", "anonymous"),
            quote_row("a", DOC_A, "Biden says talks must wait", "Biden"),  # headline: FP
        ],
        "dates": [
            date_row("a", DOC_A, "24 February", "2022-02-24"),
            date_row("a", DOC_A, "week", "2022-W48"),  # overlaps "last week", wrong value
        ],
        "stances": [
            {"doc_id": "a", "actor": "Biden", "actor_kind": "named", "stance": "conditional"},
            {"doc_id": "a", "actor": "Western officials", "actor_kind": "anonymous", "stance": "neutral"},
            {"doc_id": "a", "actor": "Olaf Scholz", "actor_kind": "named", "stance": "support"},
        ],
    }


# ------------------------------------------------------------------ pure functions


def test_evaluate_prf_counts():
    assert prf(2, 3, 4) == {"p": 2 / 3, "r": 0.5, "f1": 4 / 7, "tp": 2, "n_pred": 3, "n_gold": 4}
    assert prf(0, 0, 2)["p"] is None and prf(0, 0, 2)["f1"] == 0.0
    assert prf(0, 0, 0)["f1"] is None


@pytest.mark.parametrize(
    "pred, gold, matched",
    [
        ((0, 10), (5, 15), True),  # overlap 5 = half of 10
        ((0, 10), (6, 16), False),  # overlap 4 < 5
        ((0, 4), (2, 100), True),  # overlap 2 = half of the shorter (4)
        ((0, 5), (2, 100), True),  # overlap 3 >= 2.5
        ((0, 5), (3, 100), False),  # overlap 2 < 2.5
        ((0, 10), (10, 20), False),  # touching spans do not overlap
    ],
)
def test_evaluate_quote_overlap_threshold_boundary(pred, gold, matched):
    assert bool(match_spans([pred], [gold], 0.5)) is matched


def test_evaluate_match_spans_one_to_one_greedy_by_overlap():
    pred = [(0, 10), (8, 30)]
    gold = [(5, 30)]
    assert match_spans(pred, gold, 0.5) == [(1, 0)]  # 22 shared chars beat 5
    # each predicted span matches at most one gold span
    assert match_spans([(0, 30)], [(0, 10), (12, 30)], 0.5) == [(0, 1)]


def test_evaluate_match_spans_any_overlap_for_dates():
    assert match_spans([(0, 1)], [(0, 100)], 0.0) == [(0, 0)]
    assert match_spans([(0, 5)], [(5, 9)], 0.0) == []


def test_evaluate_normalize_name_apostrophes_and_the():
    assert normalize_name("the Kremlin") == normalize_name("Kremlin")
    assert normalize_name("Russia’s leader") == normalize_name("russia's Leader")


@pytest.mark.parametrize(
    "phrase, head",
    [
        ("Western officials", "official"),
        ("Officials from the West", "official"),
        ("a senior diplomat from the West", "diplomat"),
        ("two U.S. officials", "official"),
        ("officials on both sides of the Atlantic", "official"),
        ("one source", "source"),
        ("sources familiar with the matter", "source"),
        ("Report", "report"),
        ("the agencies", "agency"),
    ],
)
def test_evaluate_head_noun(phrase, head):
    assert head_noun(phrase) == head


def test_evaluate_speaker_alias_and_head_noun_matching():
    ents = [GoldEntity("Joe Biden", "PERSON", ["Biden", "The US President"]),
            GoldEntity("Vladimir Putin", "PERSON", ["Russia’s leader"])]
    assert same_actor("biden", "Joe Biden", "named", ents)
    assert same_actor("the US president", "Biden", "named", ents)  # gold speaker given as alias
    assert same_actor("Russia's leader", "Vladimir Putin", "named", ents)
    assert not same_actor("Vladimir Putin", "Joe Biden", "named", ents)
    assert not same_actor(None, "Joe Biden", "named", ents)
    assert same_actor("officials", "Western officials", "anonymous", ents)
    assert not same_actor("a diplomat", "Western officials", "anonymous", ents)


def test_evaluate_match_entities_prefers_name_over_alias():
    gold = [GoldEntity("United States", "GPE", ["US"]), GoldEntity("US", "GPE", [])]
    pred = [("US", "GPE"), ("United States", "GPE")]
    assert match_entities(pred, gold) == [(1, 0), (0, 1)]
    assert match_entities([("US", "ORG")], gold) == []  # labels must be equal


def test_evaluate_match_actors_exact_before_head_noun():
    gold = ["Officials from the West", "Western officials"]
    assert match_actors(["Western officials"], gold, []) == [(0, 1)]
    assert match_actors(["officials", "Western officials"], gold, []) == [(0, 0), (1, 1)]


def test_evaluate_date_value_accuracy_with_mod():
    with_mod = GoldDate("the end of September", 0, 1, "2022-09", "END")
    no_mod = GoldDate("September", 0, 1, "2022-09", None)
    assert date_value_correct("2022-09", "END", with_mod)
    assert not date_value_correct("2022-09", None, with_mod)
    assert not date_value_correct("2022-10", "END", with_mod)
    assert date_value_correct("2022-09", None, no_mod)
    assert date_value_correct("2022-09", "START", no_mod)  # no gold mod: a predicted mod is not held against it


def test_evaluate_macro_f1_over_present_labels():
    conf = confusion([("support", "support"), ("oppose", "support"), ("oppose", "oppose")])
    # support: tp1, gold1, pred2 → 2/3 ; oppose: tp1, gold2, pred1 → 2/3
    assert macro_f1(conf) == pytest.approx(2 / 3)
    assert conf["matrix"][0] == [1, 0, 0, 0] and conf["matrix"][1] == [1, 1, 0, 0]


def test_evaluate_locate_skips_used_occurrences():
    text = "in September and the end September"
    first = locate(text, "the end September", [])
    assert first == span_of(text, "the end September")
    assert locate(text, "September", [first]) == (3, 12)
    assert locate(text, "September", [(3, 12)]) == (25, 34)
    assert locate(text, "October", []) is None


# ------------------------------------------------------------------ end to end


def test_evaluate_figures_on_hand_made_corpus(tmp_path):
    corpus = write_corpus(tmp_path)
    out = write_outputs(tmp_path, predicted_rows())
    figures = evaluate(corpus, out)
    pooled, doc_a, doc_b = figures["pooled"], figures["documents"]["a"], figures["documents"]["b"]

    # entities: predicted {Joe Biden, The Kremlin, Russia/ORG, West}; gold a: 4, b: 1
    assert doc_a["entities"] == prf(2, 4, 4)
    assert pooled["entities"] == prf(2, 4, 5)

    # quotes: 3 of 4 predicted match; gold 4 in a + 1 in b (doc b failed: a miss)
    assert doc_a["quotes"]["tp"] == 3 and doc_a["quotes"]["n_pred"] == 4
    assert pooled["quotes"]["p"] == 3 / 4 and pooled["quotes"]["r"] == 3 / 5
    # speakers: Biden ✓ (alias), officials ✓ (head noun), Western officials ✗ (gold: diplomat)
    assert pooled["quotes"]["speaker_correct"] == 2
    assert pooled["quotes"]["speaker_acc"] == 2 / 3

    # dates: both predicted dates overlap a gold date; one value is wrong; 4 gold dates
    assert pooled["dates"]["p"] == 1.0 and pooled["dates"]["r"] == 2 / 4
    assert pooled["dates"]["value_acc"] == 1 / 2

    # stances: Biden ✓ actor ✓ stance; Western officials ✓ actor ✗ stance; Scholz FP
    st = pooled["stances"]
    assert (st["tp"], st["n_pred"], st["n_gold"]) == (2, 3, 5)
    assert st["stance_acc"] == 1 / 2
    assert st["end_to_end"] == prf(1, 3, 5)
    assert st["end_to_end"]["f1"] == 2 / 8
    # conditional: 1 tp → F1 1; oppose: gold 1, pred 0 → 0; neutral: pred 1, gold 0 → 0
    assert st["macro_f1"] == pytest.approx(1 / 3)
    labels = st["confusion"]["labels"]
    assert st["confusion"]["matrix"][labels.index("oppose")][labels.index("neutral")] == 1
    assert doc_b["status"] == "error" and doc_b["quotes"]["n_gold"] == 1

    saved = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert saved["pooled"]["stances"]["end_to_end"]["tp"] == 1
    report = format_report(figures)
    assert "speaker acc 0.67" in report and "end-to-end F1 0.25" in report


def test_evaluate_writes_error_listing(tmp_path):
    corpus = write_corpus(tmp_path)
    out = write_outputs(tmp_path, predicted_rows())
    evaluate(corpus, out)
    with open(out / "eval_errors.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) == {"part", "doc_id", "error", "text", "expected", "predicted", "context"}
    kinds = {(r["part"], r["error"]) for r in rows}
    assert ("quotes", "wrong_speaker") in kinds
    assert ("dates", "wrong_value") in kinds
    assert ("stances", "wrong_stance") in kinds
    assert ("entities", "false_positive") in kinds and ("stances", "false_negative") in kinds
    wrong_date = next(r for r in rows if r["error"] == "wrong_value")
    assert (wrong_date["expected"], wrong_date["predicted"]) == ("2022-W47", "2022-W48")
    assert "last week" in wrong_date["context"]
    fp_quote = next(r for r in rows if r["part"] == "quotes" and r["error"] == "false_positive")
    assert fp_quote["text"] == "Biden says talks must wait"


def test_evaluate_reads_csv_when_parquet_absent(tmp_path):
    corpus = write_corpus(tmp_path)
    out = write_outputs(tmp_path, predicted_rows(), fmt="csv")
    figures = evaluate(corpus, out)
    assert figures["pooled"]["stances"]["end_to_end"] == prf(1, 3, 5)
    assert figures["pooled"]["quotes"]["speaker_correct"] == 2


def test_evaluate_missing_table_is_a_clear_error(tmp_path):
    corpus = write_corpus(tmp_path)
    out = tmp_path / "empty"
    out.mkdir()
    with pytest.raises(OutputsError, match="no entities table"):
        evaluate(corpus, out)


def test_evaluate_perfect_predictions_score_one(tmp_path):
    corpus = write_corpus(tmp_path)
    texts = {"a": DOC_A, "b": DOC_B}
    rows: dict[str, list[dict]] = {name: [] for name in TABLE_NAMES}
    for doc in load_gold(corpus / "gold.yaml", texts):
        text = texts[doc.doc_id]
        rows["entities"] += [{"doc_id": doc.doc_id, "label": e.label, "canonical": e.name} for e in doc.entities]
        rows["quotes"] += [{"doc_id": doc.doc_id, "start_char": q.start, "end_char": q.end,
                            "text": text[q.start:q.end], "speaker": q.speaker} for q in doc.quotes]
        rows["dates"] += [{"doc_id": doc.doc_id, "start_char": d.start, "end_char": d.end,
                           "value": d.value, "mod": d.mod} for d in doc.dates]
        rows["stances"] += [{"doc_id": doc.doc_id, "actor": s.actor, "stance": s.stance} for s in doc.stances]
    figures = evaluate(corpus, write_outputs(tmp_path, rows))
    pooled = figures["pooled"]
    for part in ("entities", "quotes", "dates", "stances"):
        assert pooled[part]["f1"] == 1.0, part
    assert pooled["quotes"]["speaker_acc"] == pooled["dates"]["value_acc"] == 1.0
    assert pooled["stances"]["end_to_end"]["f1"] == pooled["stances"]["macro_f1"] == 1.0


# ------------------------------------------------------------------ gold errors


def _gold_with(**changes) -> dict:
    gold = json.loads(json.dumps(GOLD))
    doc = gold["documents"][0]
    for key, value in changes.items():
        part, index, field = key.split("__")
        doc[part][int(index)][field] = value
    return gold


@pytest.mark.parametrize(
    "gold, message",
    [
        ("documents: [ {doc_id: a\n  - broken", "malformed YAML"),
        ("just a string", "'documents' list"),
        ({"documents": [{"doc_id": "zzz"}]}, "document zzz: unknown doc_id"),
        ({"documents": [{"doc_id": "a"}, {"doc_id": "a"}]}, "document a: doc_id appears twice"),
        (_gold_with(quotes__1__text="never written in the article"),
         r"document a: quotes\[1\] \('never written in the article'\): text not found"),
        (_gold_with(dates__0__text="25 February"), r"document a: dates\[0\] \('25 February'\): text not found"),
        (_gold_with(stances__0__stance="ambivalent"), r"document a: stances\[0\] \('Joe Biden'\): unknown stance"),
        (_gold_with(quotes__0__speaker=None), r"document a: quotes\[0\] .*missing required key 'speaker'"),
        (_gold_with(entities__1__label=None), r"document a: entities\[1\] \('Russia'\): missing required key 'label'"),
        (_gold_with(dates__1__value=None), r"dates\[1\] \('last week'\): missing required key 'value'"),
        (_gold_with(quotes__2__speaker_kind="secret"), "unknown speaker_kind 'secret'"),
    ],
)
def test_evaluate_gold_errors(tmp_path, gold, message):
    corpus = write_corpus(tmp_path, gold)
    out = write_outputs(tmp_path, predicted_rows())
    with pytest.raises(GoldError, match=message):
        evaluate(corpus, out)


def test_evaluate_missing_gold_file_is_gold_error(tmp_path):
    corpus = write_corpus(tmp_path)
    (corpus / "gold.yaml").unlink()
    with pytest.raises(GoldError, match="no gold file"):
        evaluate(corpus, write_outputs(tmp_path, predicted_rows()))


def test_evaluate_dev_gold_parses_and_locates_every_text():
    from pipeline.evaluate import read_texts

    raw = REPO / "raw"
    if not (raw / "gold.yaml").is_file():
        pytest.skip("no dev gold")
    texts = read_texts(raw)
    docs = load_gold(raw / "gold.yaml", texts)
    assert docs
    for doc in docs:
        for item in [*doc.quotes, *doc.dates]:
            assert texts[doc.doc_id][item.start:item.end] == item.text


def test_evaluate_unreadable_article_counts_its_gold_as_misses(tmp_path):
    gold = json.loads(json.dumps(GOLD))
    gold["documents"].append({
        "doc_id": "c",
        "quotes": [{"text": "anything", "kind": "direct", "speaker": "one source", "speaker_kind": "anonymous"}],
        "stances": [{"actor": "one source", "stance": "neutral"}],
    })
    corpus = write_corpus(tmp_path, gold)
    with open(corpus / "manifest.csv", "a", encoding="utf-8") as handle:
        handle.write("c,c.txt,C,,,2022-12-03\n")  # listed, but the file is missing
    figures = evaluate(corpus, write_outputs(tmp_path, predicted_rows()))
    doc_c = figures["documents"]["c"]
    assert doc_c["quotes"] == {**prf(0, 0, 1), "speaker_correct": 0, "speaker_acc": None}
    assert figures["pooled"]["quotes"]["n_gold"] == 6
    assert any("document c: article text unavailable" in w for w in figures["warnings"])
