"""The actors component: find actor mentions, name them, and describe the actors."""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.pipeline import SpanRuler
from spacy.tokens import Doc, Span

from ..lexicon import lexicon_from_disk, lexicon_to_disk
from .affiliations import actor_info, affiliation_spans
from .mentions import (
    CommonWords,
    clean_mention,
    common_word_groups,
    extend_given_names,
    headline_run_on,
    in_subheading,
    is_hyphenated_title,
    is_title_before_name,
    last_constituent,
    name_after_title,
    resolve_overlaps,
)
from .names import canonical_names
from .registry import REGISTRY_SCHEMA, ROLE_PREFIX, Registry

ACTOR_LABELS = ("PERSON", "ORG", "GPE")
REGISTRY_SPANS_KEY = "parley_registry"


class ActorLinker:
    """Find actor mentions, give each its canonical name, and set ``doc._.actor_info``.

    The registry (``self.registry``) is the component's state; it also holds the title
    words other stages read (``self.registry.title_words``, ``self.registry.honorifics``).
    """

    def __init__(self, nlp: Language, name: str, *, registry_path: str, context_labels: list[str]):
        self.name = name
        self.nlp = nlp
        # the model's non-actor entities (DATE, EVENT …) that later stages read stay in doc.ents
        self.context_labels = set(context_labels)
        # phrase patterns (a PhraseMatcher: fast for hundreds of names); names match as
        # written, office titles in any case ("the US president", "The US President")
        self.name_ruler = SpanRuler(nlp, name=f"{name}_names", spans_key=REGISTRY_SPANS_KEY, overwrite=True)
        self.role_ruler = SpanRuler(nlp, name=f"{name}_roles", spans_key=REGISTRY_SPANS_KEY, overwrite=False,
                                    phrase_matcher_attr="LOWER")
        self._set_registry(Registry.from_yaml(registry_path, stage=name))

    def __call__(self, doc: Doc) -> Doc:
        doc = self.role_ruler(self.name_ruler(doc))
        registry_spans = list(doc.spans.get(REGISTRY_SPANS_KEY, []))
        del doc.spans[REGISTRY_SPANS_KEY]
        mentions = resolve_overlaps(self._mentions(doc, registry_spans))
        names = canonical_names(mentions, self.registry, doc._.anchor)
        mentions, names = self._without_common_words(mentions, names)
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
        actor_ents = [e for e in doc.ents if e.label_ in ACTOR_LABELS]
        doc._.actor_info = actor_info(doc, actor_ents, self.registry)
        doc._.affiliation_spans = affiliation_spans(doc, actor_ents, doc._.actor_info, self.registry)
        return doc

    def _set_registry(self, registry: Registry) -> None:
        self.registry = registry
        self.name_prefixes = registry.name_prefixes
        self.common_words = CommonWords(registry.common_word_lists)
        self.name_ruler.clear()
        self.role_ruler.clear()
        # SpanRuler tokenises phrase patterns with nlp.pipe: only the tokenizer may run
        # (while spacy.load builds the pipeline the model has no weights yet)
        with self.nlp.select_pipes(disable=self.nlp.pipe_names):
            self.name_ruler.add_patterns(registry.name_patterns())
            self.role_ruler.add_patterns(registry.role_patterns())

    def _mentions(self, doc: Doc, registry_spans: list[Span]) -> list[Span]:
        """Registry matches, then the model's entities, cleaned; overlaps are resolved later."""
        out: list[Span] = []
        for span in registry_spans:
            if span.id_.startswith(ROLE_PREFIX):
                if not self.registry.holder(int(span.id_[len(ROLE_PREFIX):]), doc._.anchor):
                    continue  # an office whose holder on this date is unknown names nobody
                if span.end < len(doc) and doc[span.end].pos_ == "PROPN" and doc[span.end].is_title:
                    continue  # a title before the name ("NATO Secretary General Mark Rutte"): the name says it
                if is_hyphenated_title(span):
                    continue  # "US President-elect": another role
            cleaned = clean_mention(span, set())
            if cleaned is not None:
                out.append(self._institution_or(Span(doc, cleaned.start, cleaned.end, label=span.label_, span_id=span.id_)))
        text = doc.text  # built anew on every access: read once
        headline_end = text.find("\n", len(text) - len(text.lstrip()))
        for ent in doc.ents:
            if ent.label_ not in ACTOR_LABELS or in_subheading(ent, text, headline_end):
                continue
            if headline_run_on(ent, registry_spans, self.common_words, headline_end):
                continue
            if is_title_before_name(ent, self.registry.title_words):
                continue
            ent = last_constituent(ent)
            ent = name_after_title(ent, self.registry.title_words, self.common_words) or ent
            if ent.label_ == "PERSON":
                ent = extend_given_names(ent, self.name_prefixes)
            cleaned = clean_mention(ent, self.name_prefixes if ent.label_ == "PERSON" else set())
            if cleaned is not None and cleaned.text not in self.registry.never_actors:
                label = "PERSON" if self._has_person_role(cleaned) else ent.label_
                out.append(self._institution_or(Span(doc, cleaned.start, cleaned.end, label=label)))
        return out

    def _has_person_role(self, mention: Span) -> bool:
        """Whether the name is in apposition with, or follows, a title word
        ("the chief negotiator, Rustem Umerov"): the model often tags such names ORG."""
        root = mention.root
        linked = [c for c in root.children if c.dep_ == "appos"]
        if root.dep_ == "appos":
            linked.append(root.head)
        before = mention.doc[mention.start - 1] if mention.start > 0 else None
        if before is not None and before.dep_ == "compound" and mention.start <= before.head.i < mention.end:
            linked.append(before)
        return any(t.lemma_.lower() in self.registry.title_words for t in linked)

    def _institution_or(self, mention: Span) -> Span:
        """"the Biden administration" is an institution (ORG), not the person."""
        doc = mention.doc
        if mention.end < len(doc) and doc[mention.end].lower_ in self.registry.org_suffixes:
            return Span(doc, mention.start, mention.end + 1, label="ORG")
        return mention

    def _without_common_words(self, mentions: list[Span], names: list[tuple[str, str, str]]):
        """Drop the groups that are a capitalised common word, not an actor (mentions.py)."""
        groups: dict[str, list[Span]] = {}
        for mention, (_, canonical, _) in zip(mentions, names):
            groups.setdefault(canonical, []).append(mention)
        dropped = common_word_groups(groups, self.common_words, self.registry.title_words, set(self.registry.actors))
        if not dropped:
            return mentions, names
        kept = [i for i, (_, canonical, _) in enumerate(names) if canonical not in dropped]
        return [mentions[i] for i in kept], [names[i] for i in kept]

    # --- serialisation: the registry is the component's state -------------------

    def to_disk(self, path: Path | str, *, exclude=tuple()) -> None:
        lexicon_to_disk(path, self.registry.to_dict())

    def from_disk(self, path: Path | str, *, exclude=tuple()) -> "ActorLinker":
        self._set_registry(Registry.from_dict(lexicon_from_disk(path, REGISTRY_SCHEMA, stage=self.name)))
        return self
