"""Score the output tables against a hand-labelled gold file (SPEC sections 5 and 6).

`evaluate` reads the tables in an output folder (never re-runs the NLP), loads
`gold.yaml` from the corpus folder, scores every gold document and pools the
counts (micro-averaged). The matching rules are small pure functions so tests
can call them on hand-made cases.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd
import yaml

from pipeline.corpus import Article, iter_articles
from pipeline.schema import PARTS, STANCES, OutputsError, empty_table, read_table

ENTITY_LABELS = ("PERSON", "ORG", "GPE")
QUOTE_KINDS = ("direct", "indirect")
SPEAKER_KINDS = ("named", "anonymous")
DATE_MODS = ("START", "MID", "END")
ERROR_COLUMNS = ("part", "doc_id", "error", "text", "expected", "predicted", "context")
CONTEXT_CHARS = 40  # each side of an item in the error listing (~80 chars of context)


class GoldError(ValueError):
    """The gold file cannot be used: the message names the document and the item."""


# --------------------------------------------------------------------------- gold


@dataclass
class GoldEntity:
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        """Normalised name and aliases."""
        return {normalize_name(n) for n in [self.name, *self.aliases]}


@dataclass
class GoldQuote:
    text: str
    start: Optional[int]
    end: Optional[int]
    kind: str
    speaker: str
    speaker_kind: str
    stance: Optional[str] = None  # the statement's own stance, when the gold has one


@dataclass
class GoldDate:
    text: str
    start: Optional[int]
    end: Optional[int]
    value: str
    mod: Optional[str]


@dataclass
class GoldStance:
    actor: str
    stance: str


@dataclass
class GoldDoc:
    doc_id: str
    entities: list[GoldEntity] = field(default_factory=list)
    quotes: list[GoldQuote] = field(default_factory=list)
    dates: list[GoldDate] = field(default_factory=list)
    stances: list[GoldStance] = field(default_factory=list)


def _scalar(value) -> str:
    """A YAML scalar as the string the annotator wrote (unquoted 2014 → "2014")."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _item_label(part: str, index: int, item) -> str:
    if isinstance(item, dict):
        shown = item.get("text") or item.get("name") or item.get("actor")
        if shown is not None:
            shown = _scalar(shown)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            return f"{part}[{index}] ({shown!r})"
    return f"{part}[{index}]"


def _require(item, keys: Iterable[str], where: str) -> None:
    if not isinstance(item, dict):
        raise GoldError(f"{where}: expected a mapping, got {type(item).__name__}")
    for key in keys:
        value = item.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise GoldError(f"{where}: missing required key {key!r}")


def _choose(value, allowed: tuple[str, ...], key: str, where: str) -> str:
    text = _scalar(value)
    if text not in allowed:
        raise GoldError(f"{where}: unknown {key} {text!r} (expected one of {', '.join(allowed)})")
    return text


def locate(text: str, needle: str, used: list[tuple[int, int]]) -> Optional[tuple[int, int]]:
    """Find `needle` verbatim in `text`, skipping occurrences already used.

    Args:
        text: the article text as read.
        needle: a gold `text`, copied verbatim from the article.
        used: spans already given to earlier gold items of the same part.
    Returns:
        (start, end) of the first occurrence that overlaps no used span; failing
        that, the first occurrence that is not exactly a used span; failing that,
        the first occurrence (overlapping gold items then share it). None when the
        needle does not occur at all.
    """
    starts = [m.start() for m in re.finditer(re.escape(needle), text)]
    if not starts:
        return None
    spans = [(s, s + len(needle)) for s in starts]
    for span in spans:
        if not any(overlap(span, u) for u in used):
            return span
    for span in spans:
        if span not in used:
            return span
    return spans[0]


def load_gold(path: Path, texts: dict[str, str]) -> list[GoldDoc]:
    """Parse and validate a gold file, locating quote and date texts in the articles.

    Args:
        path: the gold.yaml file.
        texts: doc_id → article text as read, for every document of the corpus.
            A document with no text (it could not be read) keeps its items unlocated.
    Returns:
        One GoldDoc per gold entry, in file order.
    Raises:
        GoldError: malformed YAML, an unknown or repeated doc_id, a missing
            required key, an unknown label/kind/stance, a text not in its article.
    """
    name = Path(path).name
    if not Path(path).is_file():
        raise GoldError(f"no gold file at {path}")
    try:
        # libyaml's safe loader when there is one: a corpus's gold file is large
        data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        raise GoldError(f"{name}: malformed YAML: {err}") from None
    except UnicodeDecodeError as err:
        raise GoldError(f"{name}: not UTF-8: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise GoldError(f"{name}: expected a mapping with a 'documents' list")

    docs: list[GoldDoc] = []
    seen: set[str] = set()
    for d_index, entry in enumerate(data["documents"]):
        _require(entry, ["doc_id"], f"{name}: documents[{d_index}]")
        doc_id = _scalar(entry["doc_id"])
        where_doc = f"{name}: document {doc_id}"
        if doc_id in seen:
            raise GoldError(f"{where_doc}: doc_id appears twice")
        seen.add(doc_id)
        if doc_id not in texts:
            raise GoldError(f"{where_doc}: unknown doc_id (not in the corpus manifest)")
        text = texts[doc_id] or ""
        for part in PARTS:
            if entry.get(part) is not None and not isinstance(entry[part], list):
                raise GoldError(f"{where_doc}: {part} must be a list")
        doc = GoldDoc(doc_id)

        for i, item in enumerate(entry.get("entities") or []):
            where = f"{where_doc}: {_item_label('entities', i, item)}"
            _require(item, ["name", "label"], where)
            aliases = item.get("aliases") or []
            if not isinstance(aliases, list):
                raise GoldError(f"{where}: aliases must be a list")
            doc.entities.append(
                GoldEntity(
                    name=_scalar(item["name"]),
                    label=_choose(item["label"], ENTITY_LABELS, "label", where),
                    aliases=[_scalar(a) for a in aliases if a is not None],
                )
            )

        used: list[tuple[int, int]] = []
        for i, item in enumerate(entry.get("quotes") or []):
            where = f"{where_doc}: {_item_label('quotes', i, item)}"
            _require(item, ["text", "kind", "speaker", "speaker_kind"], where)
            span = _locate_or_fail(text, _scalar_text(item["text"]), used, where)
            doc.quotes.append(
                GoldQuote(
                    text=_scalar_text(item["text"]),
                    start=span[0] if span else None,
                    end=span[1] if span else None,
                    kind=_choose(item["kind"], QUOTE_KINDS, "kind", where),
                    speaker=_scalar(item["speaker"]),
                    speaker_kind=_choose(item["speaker_kind"], SPEAKER_KINDS, "speaker_kind", where),
                    stance=(_choose(item["stance"], STANCES, "stance", where)
                            if item.get("stance") not in (None, "") else None),
                )
            )

        used = []
        for i, item in enumerate(entry.get("dates") or []):
            where = f"{where_doc}: {_item_label('dates', i, item)}"
            _require(item, ["text", "value"], where)
            span = _locate_or_fail(text, _scalar_text(item["text"]), used, where)
            mod = item.get("mod")
            doc.dates.append(
                GoldDate(
                    text=_scalar_text(item["text"]),
                    start=span[0] if span else None,
                    end=span[1] if span else None,
                    value=_scalar(item["value"]),
                    mod=_choose(mod, DATE_MODS, "mod", where) if mod not in (None, "") else None,
                )
            )

        for i, item in enumerate(entry.get("stances") or []):
            where = f"{where_doc}: {_item_label('stances', i, item)}"
            _require(item, ["actor", "stance"], where)
            doc.stances.append(
                GoldStance(
                    actor=_scalar(item["actor"]),
                    stance=_choose(item["stance"], STANCES, "stance", where),
                )
            )
        docs.append(doc)
    return docs


def _scalar_text(value) -> str:
    # Gold texts are verbatim: keep inner whitespace, only an unquoted number needs str().
    return value if isinstance(value, str) else _scalar(value)


def _locate_or_fail(text: str, needle: str, used: list, where: str) -> Optional[tuple[int, int]]:
    if not text:  # the article could not be read: its gold items are all misses
        return None
    span = locate(text, needle, used)
    if span is None:
        raise GoldError(f"{where}: text not found in the article")
    used.append(span)
    return span


# ------------------------------------------------------------------ pure matching


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_SPACES = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """A name for comparison: case-folded, curly apostrophes straightened, a
    leading "the " dropped, whitespace collapsed.

    "the" is dropped because whether an article keeps it ("the Kremlin" vs
    "Kremlin") is a tokenisation accident, not a different entity; apostrophes
    because the same name is typed both ways ("Russia’s leader").
    """
    text = _SPACES.sub(" ", str(name).translate(_APOSTROPHES)).strip().casefold()
    text = text.strip(" .,;:\"\u201c\u201d")
    if text.startswith("the "):
        text = text[4:]
    return text


# A noun phrase's head comes before its first post-modifier.
_POSTMODIFIER = re.compile(
    r"\s+(?:from|of|in|on|at|for|with|who|whom|whose|that|which|close|familiar|"
    r"involved|speaking|briefed|based|according)\b|\s*[,(;:]"
)
_WORD = re.compile(r"[a-z][a-z'\-\.]*")


def singularize(word: str) -> str:
    """Naive English singular: "officials"→"official", "agencies"→"agency"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def head_noun(phrase: str) -> str:
    """The head noun of an anonymous-source phrase, without a parser.

    The last word before any post-modifier ("from/of/in/who…"), lowercased and
    singularised: "a senior diplomat from the West" → "diplomat",
    "two U.S. officials" → "official".
    """
    text = normalize_name(phrase)
    text = _POSTMODIFIER.split(text, maxsplit=1)[0]
    words = _WORD.findall(text)
    if not words:
        return ""
    word = words[-1].strip(".'-")
    if word.endswith("'s"):
        word = word[:-2]
    return singularize(word)


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Number of characters two [start, end) spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(
    pred: list[Optional[tuple[int, int]]],
    gold: list[Optional[tuple[int, int]]],
    min_ratio: float = 0.5,
) -> list[tuple[int, int]]:
    """One-to-one span matching, greedy by overlap.

    Args:
        pred: predicted (start, end) spans; None never matches.
        gold: gold (start, end) spans; None never matches.
        min_ratio: a pair qualifies when the overlap is at least this share of
            the shorter span (0.5 for quotes); 0 means any overlap (dates).
            An overlap of zero characters never qualifies.
    Returns:
        (pred index, gold index) pairs, sorted by gold index.
    """
    candidates = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if p is None or g is None:
                continue
            shared = overlap(p, g)
            shorter = min(p[1] - p[0], g[1] - g[0])
            if shared > 0 and shared >= min_ratio * shorter:
                candidates.append((-shared, j, i))
    candidates.sort()
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, j, i in candidates:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return sorted(pairs, key=lambda pair: pair[1])


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    """Precision, recall and F1 with their counts.

    P is None when nothing was predicted, R is None when there is no gold, F1
    (= 2tp / (n_pred + n_gold)) is None only when both are empty.
    """
    return {
        "p": tp / n_pred if n_pred else None,
        "r": tp / n_gold if n_gold else None,
        "f1": 2 * tp / (n_pred + n_gold) if (n_pred + n_gold) else None,
        "tp": tp,
        "n_pred": n_pred,
        "n_gold": n_gold,
    }


def _ratio(num: int, den: int) -> Optional[float]:
    return num / den if den else None


def entity_for(name: str, entities: list[GoldEntity]) -> Optional[GoldEntity]:
    """The gold entity whose name or one of whose aliases is `name`, if any."""
    key = normalize_name(name)
    for entity in entities:
        if normalize_name(entity.name) == key:
            return entity
    for entity in entities:
        if key in entity.names():
            return entity
    return None


def same_actor(pred: Optional[str], gold: str, gold_kind: str, entities: list[GoldEntity]) -> bool:
    """Whether a predicted speaker/actor is the gold one (SPEC s.6).

    named: the predicted name is the gold entity's name or one of its aliases
    (case-insensitive); anonymous: both phrases have the same head noun.
    """
    if pred is None or (isinstance(pred, float) and pd.isna(pred)) or not str(pred).strip():
        return False
    pred = str(pred)
    if gold_kind == "named":
        entity = entity_for(gold, entities)
        names = entity.names() if entity else {normalize_name(gold)}
        return normalize_name(pred) in names
    return bool(head_noun(gold)) and head_noun(pred) == head_noun(gold)


def match_entities(
    pred: list[tuple[str, str]], gold: list[GoldEntity]
) -> list[tuple[int, int]]:
    """One-to-one matching of predicted (canonical, label) pairs to gold entities.

    Labels must be equal. A match on the gold name is preferred to a match on
    an alias, so "US" goes to the entity named "US" before the one aliased "US".
    Returns (pred index, gold index) pairs.
    """
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for by_alias in (False, True):
        for i, (name, label) in enumerate(pred):
            if i in used_p:
                continue
            key = normalize_name(name)
            for j, entity in enumerate(gold):
                if j in used_g or entity.label != label:
                    continue
                names = entity.names() if by_alias else {normalize_name(entity.name)}
                if key in names:
                    pairs.append((i, j))
                    used_p.add(i)
                    used_g.add(j)
                    break
    return sorted(pairs, key=lambda pair: pair[1])


def gold_actor_kind(actor: str, entities: list[GoldEntity]) -> str:
    """A gold stance actor is named when it names a gold entity, else anonymous."""
    return "named" if entity_for(actor, entities) else "anonymous"


def match_actors(
    pred: list[str], gold: list[str], entities: list[GoldEntity]
) -> list[tuple[int, int]]:
    """One-to-one matching of predicted stance actors to gold actors.

    Identical names (after normalisation) pair first, so with gold "Western
    officials" and "Officials from the West" each finds its own row; then the
    speaker rule of `same_actor`. Returns (pred index, gold index) pairs.
    """
    kinds = [gold_actor_kind(g, entities) for g in gold]
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    rules = (
        lambda p, j: normalize_name(p) == normalize_name(gold[j]),
        lambda p, j: same_actor(p, gold[j], kinds[j], entities),
    )
    for rule in rules:
        for i, actor in enumerate(pred):
            if i in used_p or actor is None:
                continue
            for j in range(len(gold)):
                if j not in used_g and rule(actor, j):
                    pairs.append((i, j))
                    used_p.add(i)
                    used_g.add(j)
                    break
    return sorted(pairs, key=lambda pair: pair[1])


def date_value_correct(pred_value, pred_mod, gold: GoldDate) -> bool:
    """Value equal; the mod must also be equal when gold has one.

    When gold has no mod a predicted mod is not held against the value: the
    gold file marks a mod only where the part of the period is stated.
    """
    if _clean(pred_value) != gold.value:
        return False
    return gold.mod is None or _clean(pred_mod).upper() == gold.mod


def confusion(pairs: list[tuple[str, str]]) -> dict:
    """Gold × predicted stance counts; predicted labels outside the four go to `other`."""
    matrix = [[0] * len(STANCES) for _ in STANCES]
    other = [0] * len(STANCES)
    for gold, pred in pairs:
        g = STANCES.index(gold)
        if pred in STANCES:
            matrix[g][STANCES.index(pred)] += 1
        else:
            other[g] += 1
    return {"labels": list(STANCES), "matrix": matrix, "other": other}


def sum_confusions(confusions: Iterable[dict]) -> dict:
    """The cell-by-cell sum of confusion matrices (see :func:`confusion`)."""
    total = confusion([])
    for conf in confusions:
        for g in range(len(STANCES)):
            total["other"][g] += conf["other"][g]
            for p in range(len(STANCES)):
                total["matrix"][g][p] += conf["matrix"][g][p]
    return total


def macro_f1(conf: dict) -> Optional[float]:
    """Mean per-stance F1 over the stances that occur in gold or prediction
    (as scikit-learn does by default); None when there is nothing."""
    matrix, other = conf["matrix"], conf["other"]
    scores = []
    for k in range(len(STANCES)):
        tp = matrix[k][k]
        n_gold = sum(matrix[k]) + other[k]
        n_pred = sum(row[k] for row in matrix)
        if n_gold + n_pred:
            scores.append(2 * tp / (n_gold + n_pred))
    return sum(scores) / len(scores) if scores else None


# ------------------------------------------------------------------------- scoring


def _clean(value) -> str:
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def _span(row) -> Optional[tuple[int, int]]:
    start, end = row.get("start_char"), row.get("end_char")
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return None
    return int(start), int(end)


def context(text: str, span: Optional[tuple[int, int]], width: int = CONTEXT_CHARS) -> str:
    """A one-line snippet: `width` characters either side of the span."""
    if not text or span is None:
        return ""
    start, end = span
    item = text[start:end]
    if len(item) > 2 * width:
        item = item[:width] + " … " + item[-width:]
    snippet = text[max(0, start - width):start] + item + text[end:end + width]
    return _SPACES.sub(" ", snippet).strip()


def _find_name(text: str, names: Iterable[str]) -> Optional[tuple[int, int]]:
    """First case-insensitive occurrence of any of the names, for error context."""
    folded = text.translate(_APOSTROPHES).casefold()
    best = None
    for name in names:
        key = str(name).translate(_APOSTROPHES).casefold().strip()
        if not key:
            continue
        pos = folded.find(key)
        if pos >= 0 and (best is None or pos < best[0]):
            best = (pos, pos + len(key))
    return best


def _error(part, doc_id, error, text="", expected="", predicted="", ctx="") -> dict:
    return {
        "part": part, "doc_id": doc_id, "error": error, "text": text,
        "expected": expected, "predicted": predicted, "context": ctx,
    }


def score_document(gold: GoldDoc, tables: dict[str, pd.DataFrame], text: str) -> tuple[dict, list[dict]]:
    """Counts and figures for one document, and its error rows.

    Args:
        gold: the document's gold items.
        tables: the output tables, already restricted to this document.
        text: the article text (for error context only).
    Returns:
        (figures, error rows).
    """
    doc_id = gold.doc_id
    errors: list[dict] = []
    figures: dict = {}

    # entities: distinct (canonical, label)
    ents = tables["entities"]
    pred_ents: list[tuple[str, str]] = []
    first_span: dict[tuple[str, str], Optional[tuple[int, int]]] = {}
    for row in ents.to_dict("records"):
        name = _clean(row.get("canonical")) or _clean(row.get("text"))
        key = (name, _clean(row.get("label")))
        if not name:
            continue
        if key not in first_span:
            pred_ents.append(key)
            first_span[key] = _span(row)
    pairs = match_entities(pred_ents, gold.entities)
    figures["entities"] = prf(len(pairs), len(pred_ents), len(gold.entities))
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, (name, label) in enumerate(pred_ents):
        if i not in matched_p:
            errors.append(_error("entities", doc_id, "false_positive", name, "",
                                 f"{name} ({label})", context(text, first_span[(name, label)])))
    for j, entity in enumerate(gold.entities):
        if j not in matched_g:
            errors.append(_error("entities", doc_id, "false_negative", entity.name,
                                 f"{entity.name} ({entity.label})", "",
                                 context(text, _find_name(text, [entity.name, *entity.aliases]))))

    # quotes: overlap >= half the shorter span; speaker over matched quotes
    quote_label = lambda q: f"{_clean(q.get('speaker'))} ({_clean(q.get('speaker_kind'))})"  # noqa: E731
    figures["quotes"], quote_errors = _score_spans(
        "quotes", doc_id, text, tables["quotes"].to_dict("records"), gold.quotes, 0.5,
        correct=lambda q, g: same_actor(_clean(q.get("speaker")), g.speaker, g.speaker_kind, gold.entities),
        expected=lambda g: f"{g.speaker} ({g.speaker_kind})", predicted=quote_label,
        wrong="wrong_speaker", correct_key="speaker",
    )
    errors += quote_errors
    figures["statements"] = score_statement_stances(tables["quotes"].to_dict("records"), gold.quotes)

    # dates: any overlap; value (and gold mod) over matched
    figures["dates"], date_errors = _score_spans(
        "dates", doc_id, text, tables["dates"].to_dict("records"), gold.dates, 0.0,
        correct=lambda d, g: date_value_correct(d.get("value"), d.get("mod"), g),
        expected=lambda g: _date_str(g.value, g.mod),
        predicted=lambda d: _date_str(_clean(d.get("value")), _clean(d.get("mod"))),
        wrong="wrong_value", correct_key="value",
    )
    errors += date_errors

    # stances: actors as speakers, then the stance of matched actors
    rows = tables["stances"].to_dict("records")
    pred_actors = [_clean(r.get("actor")) or None for r in rows]
    pairs = match_actors(pred_actors, [g.actor for g in gold.stances], gold.entities)
    stance_pairs = [(gold.stances[j].stance, _clean(rows[i].get("stance")).lower()) for i, j in pairs]
    correct = sum(1 for g, p in stance_pairs if g == p)
    conf = confusion(stance_pairs)
    figures["stances"] = {
        **prf(len(pairs), len(rows), len(gold.stances)),
        "stance_correct": correct,
        "stance_acc": _ratio(correct, len(pairs)),
        "macro_f1": macro_f1(conf),
        "confusion": conf,
        "end_to_end": prf(correct, len(rows), len(gold.stances)),
    }
    for (i, j), (g_stance, p_stance) in zip(pairs, stance_pairs):
        if g_stance != p_stance:
            actor = gold.stances[j].actor
            errors.append(_error("stances", doc_id, "wrong_stance", actor, g_stance, p_stance,
                                 context(text, _find_name(text, [actor]))))
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, row in enumerate(rows):
        if i not in matched_p:
            actor = pred_actors[i] or ""
            errors.append(_error("stances", doc_id, "false_positive", actor, "",
                                 f"{actor}: {_clean(row.get('stance'))}",
                                 context(text, _find_name(text, [actor]))))
    for j, g in enumerate(gold.stances):
        if j not in matched_g:
            errors.append(_error("stances", doc_id, "false_negative", g.actor,
                                 f"{g.actor}: {g.stance}", "",
                                 context(text, _find_name(text, [g.actor]))))
    return figures, errors


def score_statement_stances(rows: list[dict], gold_quotes: list[GoldQuote]) -> dict:
    """Statement stance (SPEC s.6): the stance of each predicted quote matched to a gold
    quote that carries one, as a confusion matrix (accuracy and macro-F1 come from it)."""
    pairs = match_spans([_span(r) for r in rows],
                        [(g.start, g.end) if g.start is not None else None for g in gold_quotes], 0.5)
    return {"confusion": confusion([(gold_quotes[j].stance, _clean(rows[i].get("stance")).lower())
                                    for i, j in pairs if gold_quotes[j].stance])}


def _date_str(value: str, mod: Optional[str]) -> str:
    return f"{value} {mod}" if mod else value


def _score_spans(part, doc_id, text, rows, gold_items, min_ratio, *, correct, expected, predicted,
                 wrong, correct_key) -> tuple[dict, list[dict]]:
    """Score predicted spans of one part against gold by overlap, and one attribute
    (speaker, value) over the matched pairs.

    Returns:
        The part's figures (P/R/F1 plus ``<correct_key>_correct`` and ``_acc``) and
        its per-item errors (false positives, false negatives, wrong attribute).
    """
    pred_spans = [_span(r) for r in rows]
    gold_spans = [(g.start, g.end) if g.start is not None else None for g in gold_items]
    pairs = match_spans(pred_spans, gold_spans, min_ratio)
    n_correct, errors = 0, []
    for i, j in pairs:
        if correct(rows[i], gold_items[j]):
            n_correct += 1
        else:
            errors.append(_error(part, doc_id, wrong, gold_items[j].text, expected(gold_items[j]),
                                 predicted(rows[i]), context(text, gold_spans[j])))
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    for i, row in enumerate(rows):
        if i not in matched_p:
            errors.append(_error(part, doc_id, "false_positive", _clean(row.get("text")), "",
                                 predicted(row), context(text, pred_spans[i])))
    for j, item in enumerate(gold_items):
        if j not in matched_g:
            errors.append(_error(part, doc_id, "false_negative", item.text, expected(item), "",
                                 context(text, gold_spans[j])))
    figures = {**prf(len(pairs), len(rows), len(gold_items)),
               f"{correct_key}_correct": n_correct, f"{correct_key}_acc": _ratio(n_correct, len(pairs))}
    return figures, errors


_COUNT_KEYS = {
    "entities": (),
    "quotes": ("speaker_correct",),
    "dates": ("value_correct",),
    "stances": ("stance_correct",),
}


def pool(per_doc: Iterable[dict]) -> dict:
    """Micro-averaged figures: counts summed over documents, ratios recomputed."""
    totals = {part: {"tp": 0, "n_pred": 0, "n_gold": 0, **{k: 0 for k in _COUNT_KEYS[part]}}
              for part in PARTS}
    per_doc = list(per_doc)
    for figures in per_doc:
        for part in PARTS:
            for key in totals[part]:
                totals[part][key] += figures[part][key]
    pooled = {}
    for part in PARTS:
        t = totals[part]
        pooled[part] = prf(t["tp"], t["n_pred"], t["n_gold"])
    pooled["quotes"].update(speaker_correct=totals["quotes"]["speaker_correct"],
                            speaker_acc=_ratio(totals["quotes"]["speaker_correct"], totals["quotes"]["tp"]))
    pooled["dates"].update(value_correct=totals["dates"]["value_correct"],
                           value_acc=_ratio(totals["dates"]["value_correct"], totals["dates"]["tp"]))
    conf = sum_confusions(f["stances"]["confusion"] for f in per_doc)
    statements = sum_confusions(f["statements"]["confusion"] for f in per_doc if "statements" in f)
    n_statements = sum(map(sum, statements["matrix"])) + sum(statements["other"])
    pooled["statements"] = {
        "n": n_statements,
        "acc": _ratio(sum(statements["matrix"][k][k] for k in range(len(STANCES))), n_statements),
        "macro_f1": macro_f1(statements),
        "confusion": statements,
    }
    s = totals["stances"]
    pooled["stances"].update(
        stance_correct=s["stance_correct"],
        stance_acc=_ratio(s["stance_correct"], s["tp"]),
        macro_f1=macro_f1(conf),
        confusion=conf,
        end_to_end=prf(s["stance_correct"], s["n_pred"], s["n_gold"]),
    )
    return pooled


# ----------------------------------------------------------------------------- I/O


def read_articles(corpus_dir: Path) -> dict[str, Article]:
    """doc_id → Article (text as read, status, boilerplate spans) for every listed article."""
    return {article.doc_id: article for article in iter_articles(Path(corpus_dir))}


def read_texts(corpus_dir: Path) -> dict[str, str]:
    """doc_id → article text as read (the text the tables' offsets index).

    An article the corpus reader could not read maps to "" (its gold items
    stay unlocated and count as misses).
    """
    return {doc_id: article.text or "" for doc_id, article in read_articles(corpus_dir).items()}


def evaluate(corpus_dir: Path, out_dir: Path) -> dict:
    """Score the tables in `out_dir` against `corpus_dir/gold.yaml` (SPEC s.6).

    Writes `out_dir/eval.json` (the returned figures) and `out_dir/eval_errors.csv`
    (one row per false positive, false negative, wrong speaker, value or stance).

    Args:
        corpus_dir: the corpus folder (articles, manifest.csv, gold.yaml).
        out_dir: the folder holding the pipeline's output tables.
    Returns:
        {"pooled": {part: figures}, "documents": {doc_id: {...}}, "n_documents",
        "warnings"}; a part's figures are p, r, f1, tp, n_pred, n_gold plus its
        extras (speaker_acc, value_acc, stance_acc, macro_f1, confusion, end_to_end).
    Raises:
        GoldError: the gold file is missing or invalid.
        OutputsError: an output table is missing.
    """
    corpus_dir, out_dir = Path(corpus_dir), Path(out_dir)
    articles = read_articles(corpus_dir)
    texts = {doc_id: article.text or "" for doc_id, article in articles.items()}
    gold_docs = load_gold(corpus_dir / "gold.yaml", texts)
    tables = {name: read_table(out_dir, name) for name in PARTS}
    documents = read_table(out_dir, "documents")
    status = {row["doc_id"]: _clean(row["status"]) for row in documents.to_dict("records")}

    warnings = gold_warnings(gold_docs, texts, {d: a.boilerplate for d, a in articles.items()})
    per_doc: dict[str, dict] = {}
    errors: list[dict] = []
    grouped = {name: dict(tuple(frame.groupby("doc_id", sort=False))) for name, frame in tables.items()}
    for gold in gold_docs:
        doc_tables = {name: grouped[name].get(gold.doc_id, empty_table(name)) for name in PARTS}
        figures, doc_errors = score_document(gold, doc_tables, texts.get(gold.doc_id, ""))
        figures["status"] = status.get(gold.doc_id) or "missing"
        per_doc[gold.doc_id] = figures
        errors += doc_errors

    result = {
        "corpus": str(corpus_dir),
        "outputs": str(out_dir),
        "n_documents": len(gold_docs),
        "pooled": pool(per_doc.values()),
        "documents": per_doc,
        "warnings": warnings,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "eval.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    write_errors(errors, out_dir / "eval_errors.csv")
    return result


def gold_warnings(
    gold_docs: list[GoldDoc], texts: dict[str, str], boilerplate: Optional[dict[str, list]] = None
) -> list[str]:
    """Gold oddities that do not stop scoring: unreadable articles, overlapping
    items of one part, items that fall inside what the corpus reader calls boilerplate."""
    boilerplate = boilerplate or {}
    out = []
    for doc in gold_docs:
        if not texts.get(doc.doc_id):
            out.append(f"document {doc.doc_id}: article text unavailable;"
                       " its gold quotes and dates count as misses")
        for part in ("quotes", "dates"):
            items = [x for x in getattr(doc, part) if x.start is not None]
            for a in range(len(items)):
                x = items[a]
                for y in items[a + 1:]:
                    if overlap((x.start, x.end), (y.start, y.end)):
                        out.append(f"document {doc.doc_id}: gold {part} {x.text!r} and {y.text!r} overlap"
                                   " (at most one of them can be matched)")
                if any(overlap((x.start, x.end), tuple(span)) for span in boilerplate.get(doc.doc_id, [])):
                    out.append(f"document {doc.doc_id}: gold {part} {x.text!r} lies in boilerplate"
                               " (the pipeline will not extract it)")
    return out


def write_errors(rows: list[dict], path: Path) -> None:
    """The per-item error listing as CSV."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ERROR_COLUMNS))
        writer.writeheader()
        writer.writerows(rows)


def _fmt(value: Optional[float]) -> str:
    return "  –  " if value is None else f"{value:.2f}"


def format_report(figures: dict) -> str:
    """The compact table the CLI prints: P/R/F1 per part and each part's extra figures."""
    pooled = figures["pooled"] if "pooled" in figures else figures
    extras = {
        "entities": "",
        "quotes": f"speaker acc {_fmt(pooled['quotes']['speaker_acc'])}",
        "dates": f"value acc {_fmt(pooled['dates']['value_acc'])}",
        "stances": (f"acc {_fmt(pooled['stances']['stance_acc'])}  "
                    f"macro-F1 {_fmt(pooled['stances']['macro_f1'])}  "
                    f"end-to-end F1 {_fmt(pooled['stances']['end_to_end']['f1'])}"),
    }
    lines = [f"{'part':<9} {'P':<6} {'R':<6} {'F1':<6} extra"]
    for part in PARTS:
        f = pooled[part]
        row = f"{part:<9} {_fmt(f['p']):<6} {_fmt(f['r']):<6} {_fmt(f['f1']):<6} {extras[part]}"
        lines.append(row.rstrip())
    if "statements" in pooled:
        st = pooled["statements"]
        lines.append(f"{'statement stance':<27} acc {_fmt(st['acc'])}  macro-F1 {_fmt(st['macro_f1'])}"
                     f"  ({st['n']} matched quotes with a gold stance)")
    if "n_documents" in figures:
        lines.append(f"({figures['n_documents']} gold documents, micro-averaged)")
    return "\n".join(lines)
