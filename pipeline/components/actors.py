"""Actors stage: registry ruler, in-document canonical names, office holders by date.

The model's NER finds the mentions; a ``SpanRuler`` built from the actor registry
(``configs/actors.yml``) adds and relabels the actors it knows, including offices
("the US President") whose holder is looked up by the article's anchor date. Then
every mention is grouped with the others that refer to the same actor in this
document and given the group's canonical name: the fullest proper-name form the
article uses. The registry improves recall and labels; it never gates.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import srsly
import yaml
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

KEPT_LABELS = ("PERSON", "ORG", "GPE")
REGISTRY_SPANS_KEY = "parley_registry"
ROLE_PREFIX = "role:"
DETERMINERS = {"the", "The"}
POSSESSIVES = {"'s", "’s", "'", "’"}


@dataclass
class Holder:
    actor: str
    start: str
    end: str

    def holds_on(self, day: str) -> bool:
        return self.start <= day and (not self.end or day < self.end)


@dataclass
class Registry:
    """The actor registry: known actors, offices with holders by date, title words."""

    actors: dict[str, dict] = field(default_factory=dict)  # canonical → {label, aliases, gender}
    roles: list[dict] = field(default_factory=list)  # {titles, holders}
    titles: set[str] = field(default_factory=set)
    never_actors: set[str] = field(default_factory=set)  # words the model mistakes for names
    org_suffixes: set[str] = field(default_factory=set)  # "<name> administration" is an ORG

    @classmethod
    def from_dict(cls, data: dict) -> "Registry":
        actors = {a["canonical"]: {"label": a["label"], "aliases": list(a.get("aliases") or []), "gender": a.get("gender", "")}
                  for a in data.get("actors") or []}
        roles = [{"titles": list(r["titles"]), "holders": [dict(h) for h in r["holders"]]} for r in data.get("roles") or []]
        for role in roles:
            for holder in role["holders"]:
                holder["start"], holder["end"] = str(holder.get("start") or ""), str(holder.get("end") or "")
        return cls(actors=actors, roles=roles, titles=set(data.get("titles") or []),
                   never_actors=set(data.get("never_actors") or []),
                   org_suffixes={w.lower() for w in data.get("org_suffixes") or []})

    @classmethod
    def from_yaml(cls, path: Path | str) -> "Registry":
        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})

    def to_dict(self) -> dict:
        return {
            "actors": [{"canonical": c, **info} for c, info in self.actors.items()],
            "roles": self.roles,
            "titles": sorted(self.titles),
            "never_actors": sorted(self.never_actors),
            "org_suffixes": sorted(self.org_suffixes),
        }

    def holder(self, role_index: int, day: str) -> str:
        """The actor holding office ``role_index`` on ISO date ``day``; "" when unknown.

        Without a date an office resolves only when it has had a single holder.
        """
        holders = [Holder(h["actor"], h["start"], h["end"]) for h in self.roles[role_index]["holders"]]
        if not day:
            return holders[0].actor if len({h.actor for h in holders}) == 1 else ""
        return next((h.actor for h in holders if h.holds_on(day)), "")

    def patterns(self) -> list[dict]:
        """SpanRuler token patterns: names case-sensitive, office titles case-insensitive."""
        out = []
        for canonical, info in self.actors.items():
            for form in _spelling_variants([canonical, *info["aliases"]]):
                out.append({"label": info["label"], "id": canonical, "pattern": [{"ORTH": t} for t in _tokens(form)]})
        for index, role in enumerate(self.roles):
            for form in _spelling_variants(role["titles"]):
                out.append({"label": "PERSON", "id": f"{ROLE_PREFIX}{index}", "pattern": [{"LOWER": t.lower()} for t in _tokens(form)]})
        return out


def _tokens(text: str) -> list[str]:
    # Same splitting as the English tokenizer for names: whitespace, then a possessive clitic.
    tokens = []
    for word in text.split():
        for clitic in ("'s", "’s"):
            if word.endswith(clitic) and len(word) > 2:
                tokens.extend([word[: -len(clitic)], clitic])
                break
        else:
            tokens.append(word)
    return tokens


def _spelling_variants(forms: list[str]) -> list[str]:
    """Each form with straight and curly apostrophes (news text uses both)."""
    out = []
    for form in forms:
        for variant in (form, form.replace("'", "’"), form.replace("’", "'")):
            if variant not in out:
                out.append(variant)
    return out


class ActorLinker:
    """Find actor mentions and give each one its canonical name in the document."""

    def __init__(self, nlp: Language, name: str, *, registry_path: str):
        self.name = name
        self.registry = Registry.from_yaml(registry_path)
        self.ruler = SpanRuler(nlp, name=f"{name}_ruler", spans_key=REGISTRY_SPANS_KEY, annotate_ents=False, overwrite=True)
        self.ruler.add_patterns(self.registry.patterns())

    def __call__(self, doc: Doc) -> Doc:
        doc = self.ruler(doc)
        registry_spans = list(doc.spans.get(REGISTRY_SPANS_KEY, []))
        del doc.spans[REGISTRY_SPANS_KEY]
        mentions = filter_spans(self._mentions(doc, registry_spans))
        names = canonical_names(mentions, self.registry, doc._.anchor)
        # Span extension values are keyed by the span's label and id too: set the final
        # label first, then the canonical name on the spans doc.ents hands out.
        doc.ents = [Span(doc, m.start, m.end, label=label, span_id=m.id_) for m, (label, _) in zip(mentions, names)]
        canonical_at = {(m.start, m.end): canonical for m, (_, canonical) in zip(mentions, names)}
        for ent in doc.ents:
            ent._.canonical = canonical_at[(ent.start, ent.end)]
        return doc

    def _mentions(self, doc: Doc, registry_spans: list[Span]) -> list[Span]:
        """Registry matches first (they win overlaps), then the model's entities, cleaned."""
        out: list[Span] = []
        never = self.registry.never_actors
        for span in registry_spans:
            if span.id_.startswith(ROLE_PREFIX) and not self.registry.holder(int(span.id_[len(ROLE_PREFIX):]), doc._.anchor):
                continue  # an office whose holder on this date is unknown names nobody
            cleaned = clean_mention(span, set())
            if cleaned is not None:
                out.append(Span(doc, cleaned.start, cleaned.end, label=span.label_, span_id=span.id_))
        for ent in doc.ents:
            if ent.label_ not in KEPT_LABELS:
                continue
            if ent.label_ == "PERSON":
                ent = extend_given_names(ent, self.registry.titles)
            cleaned = clean_mention(ent, self.registry.titles if ent.label_ == "PERSON" else set())
            if cleaned is None or cleaned.text in never:
                continue
            follower = doc[cleaned.end] if cleaned.end < len(doc) else None
            if follower is not None and follower.lower_ in self.registry.org_suffixes:
                # "the Biden administration" is an institution, not the person
                out.append(Span(doc, cleaned.start, cleaned.end + 1, label="ORG"))
            else:
                out.append(Span(doc, cleaned.start, cleaned.end, label=ent.label_))
        # Longest mention wins an overlap; at equal length the registry's (listed first).
        return out

    # --- serialisation: the registry is the component's state -------------------

    def to_disk(self, path: Path | str, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "registry.json", self.registry.to_dict())

    def from_disk(self, path: Path | str, *, exclude=tuple()) -> "ActorLinker":
        self.registry = Registry.from_dict(srsly.read_json(Path(path) / "registry.json"))
        self.ruler.clear()
        self.ruler.add_patterns(self.registry.patterns())
        return self


def extend_given_names(span: Span, titles: set[str]) -> Span:
    """Take in capitalised proper nouns the model left out before a person's name.

    The small model often tags only the surname of "Prime Minister Anders Kowalczyk";
    a title-case PROPN compound of the name that is not a title word belongs to it.
    """
    doc, start = span.doc, span.start
    while start > 0:
        before = doc[start - 1]
        if before.pos_ != "PROPN" or not before.is_title or before.text in titles or before.dep_ != "compound":
            break
        if not (span.start <= before.head.i < span.end):
            break
        start -= 1
    return Span(doc, start, span.end, label=span.label_) if start != span.start else span


def clean_mention(span: Span, titles: set[str]) -> Span | None:
    """Trim a mention to its name: no determiner, title words, possessive or line break.

    Returns None when nothing name-like is left (e.g. "n’t" tagged as a place).
    """
    doc = span.doc
    start, end = span.start, span.end
    for i in range(start, end):  # a name never runs across a line break
        if "\n" in doc[i].text or doc[i].is_space:
            if i == start:
                start += 1
                continue
            end = i
            break
    while start < end and (doc[start].text in DETERMINERS or doc[start].text in titles or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in POSSESSIVES or doc[end - 1].is_punct and doc[end - 1].text != "."):
        end -= 1
    if start >= end:
        return None
    tokens = doc[start:end]
    if not any(t.is_alpha and (t.is_title or t.is_upper) for t in tokens):
        return None
    if tokens[0].is_lower:
        return None
    return tokens


def _name_key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def canonical_names(mentions: list[Span], registry: Registry, anchor: str) -> list[tuple[str, str]]:
    """Group mentions that refer to one actor; returns (label, canonical name) per mention.

    Groups: registry actors (by id; offices via their holder on ``anchor``), then
    names from the text alone: a PERSON's surname or shorter form joins the fuller
    name that ends with it; other names group by their normalised text. The
    canonical name is the longest non-office form the document uses, else the
    registry's canonical name.
    """
    group_of: dict[int, str] = {}
    for index, span in enumerate(mentions):
        actor = span.id_
        if actor.startswith(ROLE_PREFIX):
            actor = registry.holder(int(actor[len(ROLE_PREFIX):]), anchor)
        group_of[index] = f"reg:{actor}" if actor else f"txt:{_name_key(span.text)}"

    # Text-only names: a shorter name whose words end a longer one of the same kind
    # joins it ("Budanov" → "Kirill Budanov", "Foreign Ministry" → "Russian Foreign
    # Ministry"); one-word ORG/GPE names are too ambiguous to join.
    longer_names = {
        label: sorted({_name_key(m.text) for m in mentions if m.label_ == label and not m.id_}, key=len, reverse=True)
        for label in KEPT_LABELS
    }
    registry_keys = {}
    for index, span in enumerate(mentions):
        if group_of[index].startswith("reg:"):
            registry_keys.setdefault(_name_key(span.text), group_of[index])
    for index, span in enumerate(mentions):
        if group_of[index].startswith("reg:"):
            continue
        key = _name_key(span.text)
        if key in registry_keys:
            group_of[index] = registry_keys[key]
            continue
        words = key.split()
        if span.label_ != "PERSON" and len(words) < 2:
            continue
        for longer in longer_names[span.label_]:
            longer_words = longer.split()
            if len(longer_words) > len(words) and longer_words[-len(words):] == words:
                group_of[index] = f"txt:{longer}"
                break

    members: dict[str, list[Span]] = {}
    for index, span in enumerate(mentions):
        members.setdefault(group_of[index], []).append(span)
    resolved: dict[str, tuple[str, str]] = {}
    for group, spans in members.items():
        names = [s.text for s in spans if not s.id_.startswith(ROLE_PREFIX)]
        if names:
            canonical = max(names, key=lambda n: (len(n.split()), len(n)))
        else:
            canonical = group[len("reg:"):]
        resolved[group] = (_group_label(spans, registry, group), canonical)
    return [resolved[group_of[index]] for index in range(len(mentions))]


def _group_label(spans: list[Span], registry: Registry, group: str) -> str:
    if group.startswith("reg:") and group[4:] in registry.actors:
        return registry.actors[group[4:]]["label"]
    if any(s.label_ == "PERSON" for s in spans) and len(spans) > 1:
        return "PERSON"
    labels = [s.label_ for s in spans]
    return max(set(labels), key=labels.count)
