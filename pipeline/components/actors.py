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
from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .lexicon import LexiconSchema, load_lexicon, register_schema

ACTOR_LABELS = ("PERSON", "ORG", "GPE")
REGISTRY_SPANS_KEY = "parley_registry"
ROLE_PREFIX = "role:"
DETERMINERS = {"the", "The"}
POSSESSIVES = {"'s", "’s", "'", "’"}
SUBHEADING_MAX_CHARS = 80
SENTENCE_END = set(".!?:;\"”’)")

REGISTRY_SCHEMA = LexiconSchema(optional={
    "actors": list, "roles": list, "titles": list, "never_actors": list, "org_suffixes": list, "person_roles": list,
})
register_schema("parley_actors", "registry_path", REGISTRY_SCHEMA)


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
    person_roles: set[str] = field(default_factory=set)  # role nouns only a person has

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
                   org_suffixes={w.lower() for w in data.get("org_suffixes") or []},
                   person_roles={w.lower() for w in data.get("person_roles") or []})

    @classmethod
    def from_yaml(cls, path: Path | str, stage: str = "parley_actors") -> "Registry":
        """Read the registry file through the shared lexicon loader (LexiconError if unusable)."""
        return cls.from_dict(load_lexicon(path, REGISTRY_SCHEMA, stage=stage))

    def to_dict(self) -> dict:
        return {
            "actors": [{"canonical": c, **info} for c, info in self.actors.items()],
            "roles": self.roles,
            "titles": sorted(self.titles),
            "never_actors": sorted(self.never_actors),
            "org_suffixes": sorted(self.org_suffixes),
            "person_roles": sorted(self.person_roles),
        }

    def holder(self, role_index: int, day: str) -> str:
        """The actor holding office ``role_index`` on ISO date ``day``; "" when unknown.

        Without a date an office resolves only when it has had a single holder.
        """
        holders = [Holder(h["actor"], h["start"], h["end"]) for h in self.roles[role_index]["holders"]]
        if not day:
            return holders[0].actor if len({h.actor for h in holders}) == 1 else ""
        return next((h.actor for h in holders if h.holds_on(day)), "")

    def name_patterns(self) -> list[dict]:
        """SpanRuler phrase patterns for actor names (matched as written)."""
        return [
            {"label": info["label"], "id": canonical, "pattern": form}
            for canonical, info in self.actors.items()
            for form in _spelling_variants([canonical, *info["aliases"]])
        ]

    def role_patterns(self) -> list[dict]:
        """SpanRuler phrase patterns for office titles (matched case-insensitively)."""
        return [
            {"label": "PERSON", "id": f"{ROLE_PREFIX}{index}", "pattern": form}
            for index, role in enumerate(self.roles)
            for form in _spelling_variants(role["titles"])
        ]


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

    def __init__(self, nlp: Language, name: str, *, registry_path: str, context_labels: list[str]):
        self.name = name
        self.nlp = nlp
        # the model's non-actor entities (DATE, EVENT …) that later stages read stay in doc.ents
        self.context_labels = set(context_labels)
        self.registry = Registry.from_yaml(registry_path, stage=name)
        # phrase patterns (a PhraseMatcher: fast for hundreds of names); names match as
        # written, office titles in any case ("the US president", "The US President")
        self.name_ruler = SpanRuler(nlp, name=f"{name}_names", spans_key=REGISTRY_SPANS_KEY, overwrite=True)
        self.role_ruler = SpanRuler(nlp, name=f"{name}_roles", spans_key=REGISTRY_SPANS_KEY, overwrite=False,
                                    phrase_matcher_attr="LOWER")
        self._add_patterns()

    def __call__(self, doc: Doc) -> Doc:
        doc = self.role_ruler(self.name_ruler(doc))
        registry_spans = list(doc.spans.get(REGISTRY_SPANS_KEY, []))
        del doc.spans[REGISTRY_SPANS_KEY]
        mentions = resolve_overlaps(self._mentions(doc, registry_spans))
        names = canonical_names(mentions, self.registry, doc._.anchor)
        taken = {i for m in mentions for i in range(m.start, m.end)}
        context = [e for e in doc.ents if e.label_ in self.context_labels and not any(i in taken for i in range(e.start, e.end))]
        # Span extension values are keyed by the span's label and id too: set the final
        # label first, then the canonical name on the spans doc.ents hands out.
        actors = [Span(doc, m.start, m.end, label=label, span_id=m.id_) for m, (label, _, _) in zip(mentions, names)]
        doc.ents = sorted(actors + context, key=lambda span: span.start)
        identity_at = {(m.start, m.end): (canonical, actor_id) for m, (_, canonical, actor_id) in zip(mentions, names)}
        for ent in doc.ents:
            if ent.label_ in ACTOR_LABELS:
                ent._.canonical, ent._.actor_id = identity_at[(ent.start, ent.end)]
        return doc

    def _add_patterns(self) -> None:
        self.name_ruler.clear()
        self.role_ruler.clear()
        # SpanRuler tokenises phrase patterns with nlp.pipe: only the tokenizer may run
        # (while spacy.load builds the pipeline the model has no weights yet)
        with self.nlp.select_pipes(disable=self.nlp.pipe_names):
            self.name_ruler.add_patterns(self.registry.name_patterns())
            self.role_ruler.add_patterns(self.registry.role_patterns())

    def _mentions(self, doc: Doc, registry_spans: list[Span]) -> list[Span]:
        """Registry matches, then the model's entities, cleaned; overlaps are resolved later."""
        out: list[Span] = []
        for span in registry_spans:
            if span.id_.startswith(ROLE_PREFIX):
                if not self.registry.holder(int(span.id_[len(ROLE_PREFIX):]), doc._.anchor):
                    continue  # an office whose holder on this date is unknown names nobody
                if span.end < len(doc) and doc[span.end].pos_ == "PROPN" and doc[span.end].is_title:
                    continue  # a title before the name ("NATO Secretary General Mark Rutte"): the name says it
            cleaned = clean_mention(span, set())
            if cleaned is not None:
                out.append(self._institution_or(Span(doc, cleaned.start, cleaned.end, label=span.label_, span_id=span.id_)))
        text = doc.text  # built anew on every access: read once
        headline_end = text.find("\n", len(text) - len(text.lstrip()))
        for ent in doc.ents:
            if ent.label_ not in ACTOR_LABELS or in_subheading(ent, text, headline_end):
                continue
            ent = last_constituent(ent)
            if ent.label_ == "PERSON":
                ent = extend_given_names(ent, self.registry.titles)
            cleaned = clean_mention(ent, self.registry.titles if ent.label_ == "PERSON" else set())
            if cleaned is not None and cleaned.text not in self.registry.never_actors:
                label = "PERSON" if self._has_person_role(cleaned) else ent.label_
                out.append(self._institution_or(Span(doc, cleaned.start, cleaned.end, label=label)))
        return out

    def _has_person_role(self, mention: Span) -> bool:
        """Whether the name is in apposition with, or follows, a role only a person has
        ("the chief negotiator, Rustem Umerov"): the model often tags such names ORG."""
        root = mention.root
        linked = [c for c in root.children if c.dep_ == "appos"]
        if root.dep_ == "appos":
            linked.append(root.head)
        before = mention.doc[mention.start - 1] if mention.start > 0 else None
        if before is not None and before.dep_ == "compound" and mention.start <= before.head.i < mention.end:
            linked.append(before)
        return any(t.lemma_.lower() in self.registry.person_roles for t in linked)

    def _institution_or(self, mention: Span) -> Span:
        """"the Biden administration" is an institution (ORG), not the person."""
        doc = mention.doc
        if mention.end < len(doc) and doc[mention.end].lower_ in self.registry.org_suffixes:
            return Span(doc, mention.start, mention.end + 1, label="ORG")
        return mention

    # --- serialisation: the registry is the component's state -------------------

    def to_disk(self, path: Path | str, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "registry.json", self.registry.to_dict())

    def from_disk(self, path: Path | str, *, exclude=tuple()) -> "ActorLinker":
        self.registry = Registry.from_dict(srsly.read_json(Path(path) / "registry.json"))
        self._add_patterns()
        return self


def resolve_overlaps(mentions: list[Span]) -> list[Span]:
    """Keep non-overlapping mentions: registry people first (the model often runs a
    title into a name as an ORG), then the longest of the rest, the registry's at a tie.
    """
    people = filter_spans([m for m in mentions if m.id_ and m.label_ == "PERSON"])
    taken = {i for m in people for i in range(m.start, m.end)}
    rest = [m for m in mentions if not any(i in taken for i in range(m.start, m.end))]
    return sorted(people + filter_spans(rest), key=lambda m: m.start)


def in_subheading(span: Span, text: str, headline_end: int) -> bool:
    """Whether the span sits in a subheading: a short line after the headline (which
    ends at ``headline_end``), with no sentence-final punctuation. The small model
    tags title-case subheadings ("Possible Diplomatic Pathways") as organisations;
    real actors recur in the body.
    """
    if headline_end < 0 or span.start_char <= headline_end:
        return False
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    return len(line) < SUBHEADING_MAX_CHARS and line[-1:] not in SENTENCE_END


def last_constituent(span: Span) -> Span:
    """The last of the phrases an entity span runs together, when it runs several.

    The small model tags "Director of National Intelligence Avril Haynes" with one
    entity over "National Intelligence Avril Haynes", two phrases of the parse (the
    object of "of", and the name in apposition); the name is the last one.
    """
    roots = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    if len(roots) < 2 or not span.doc.has_annotation("DEP"):
        return span
    last = roots[-1]
    start = min(t.i for t in last.subtree if span.start <= t.i < span.end)
    if start == span.start:
        return span
    return Span(span.doc, start, span.end, label=span.label_)


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
    if not tokens[0].text[:1].isupper() or not any(ch.isalpha() for ch in tokens.text):
        return None
    return tokens


def _initials(text: str) -> str:
    words = [w for w in text.split() if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _name_key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def canonical_names(mentions: list[Span], registry: Registry, anchor: str) -> list[tuple[str, str, str]]:
    """Group mentions that refer to one actor; returns (label, canonical name, actor id) per mention.

    Mentions join when they name the same registry actor (offices via their holder
    on ``anchor``), have the same normalised text, or when a shorter name's words
    end a longer name of the same kind ("Budanov" → "Kirill Budanov", "National
    Security Council" → "US National Security Council"). A one-word ORG/GPE name
    is too ambiguous to join a longer one, unless it is a person's surname the
    model mislabelled. The canonical name is the longest non-office form the
    document uses, else the registry's canonical name; the actor id is the
    registry's canonical name when the registry knows the actor (so one actor is
    one id across articles that spell it differently), else the canonical name.
    """
    parent = list(range(len(mentions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    first_with_key: dict[str, int] = {}
    for index, span in enumerate(mentions):
        actor = span.id_
        if actor.startswith(ROLE_PREFIX):
            actor = registry.holder(int(actor[len(ROLE_PREFIX):]), anchor)
        for key in (f"reg:{actor}" if actor else "", f"txt:{_name_key(span.text)}"):
            if key and key != "txt:":
                if key in first_with_key:
                    join(index, first_with_key[key])
                else:
                    first_with_key[key] = index

    words_of = [_name_key(m.text).split() for m in mentions]
    by_length = sorted(range(len(mentions)), key=lambda i: len(words_of[i]), reverse=True)
    ending_with: dict[str, list[int]] = {}  # last word → mentions, longest first
    for i in by_length:
        if words_of[i]:
            ending_with.setdefault(words_of[i][-1], []).append(i)
    # family name first ("Li Hui" … "Li"): a one-word name that starts exactly one
    # longer person's name and ends none joins it
    starting_with: dict[str, dict[str, int]] = {}  # first word → {full name: a mention}
    for i in by_length:
        if mentions[i].label_ == "PERSON" and len(words_of[i]) > 1:
            starting_with.setdefault(words_of[i][0], {}).setdefault(" ".join(words_of[i]), i)
    spelled_by: dict[str, int] = {}  # initials → the longest ORG name with them
    for i in by_length:
        if mentions[i].label_ == "ORG" and _initials(mentions[i].text):
            spelled_by.setdefault(_initials(mentions[i].text), i)
    for index, span in enumerate(mentions):
        words = words_of[index]
        if span.id_.startswith(ROLE_PREFIX) or not words:
            continue
        joined = False
        for other in ending_with[words[-1]]:
            other_span = mentions[other]
            other_words = words_of[other]
            if len(other_words) <= len(words) or other_words[-len(words):] != words:
                continue
            same_kind = other_span.label_ == span.label_ and (span.label_ == "PERSON" or len(words) > 1)
            mislabelled_surname = other_span.label_ == "PERSON" and len(words) == 1 and not span.id_
            if same_kind or mislabelled_surname:
                join(index, other)
                joined = True
                break
        fuller = starting_with.get(words[0], {})
        if not joined and span.label_ == "PERSON" and len(words) == 1 and len(fuller) == 1:
            join(index, next(iter(fuller.values())))
        if span.label_ == "ORG" and len(words) == 1 and span.text.isupper():
            # an acronym joins the organisation whose initials it spells ("WSJ")
            other = spelled_by.get(span.text)
            if other is not None:
                join(index, other)

    members: dict[int, list[Span]] = {}
    for index, span in enumerate(mentions):
        members.setdefault(find(index), []).append(span)
    resolved: dict[int, tuple[str, str, str]] = {}
    for root, spans in members.items():
        actors = [s.id_ for s in spans if s.id_ and not s.id_.startswith(ROLE_PREFIX)]
        holders = [registry.holder(int(s.id_[len(ROLE_PREFIX):]), anchor) for s in spans if s.id_.startswith(ROLE_PREFIX)]
        registry_actor = (actors or holders or [""])[0]
        names = [s.text for s in spans if not s.id_.startswith(ROLE_PREFIX)]
        # fullest form; among forms as full, the most used ("Moscow", not a dateline's "MOSCOW")
        canonical = max(names, key=lambda n: (len(n.split()), len(n), names.count(n))) if names else registry_actor
        resolved[root] = (_group_label(spans, registry, registry_actor), canonical, registry_actor or canonical)
    return [resolved[find(index)] for index in range(len(mentions))]


def _group_label(spans: list[Span], registry: Registry, registry_actor: str) -> str:
    if registry_actor in registry.actors:
        return registry.actors[registry_actor]["label"]
    if any(s.label_ == "PERSON" for s in spans) and len(spans) > 1:
        return "PERSON"
    labels = [s.label_ for s in spans]
    return max(set(labels), key=labels.count)
