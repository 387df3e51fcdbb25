"""The stance lexicon: the word lists of ``configs/stance.yml``, normalised for matching."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.schema import STANCES

from ..lexicon import LexiconSchema, load_lexicon as load_lexicon_file, register_schema

SUPPORT, OPPOSE, CONDITIONAL, NEUTRAL = STANCES

Phrase = tuple[str, ...]

_PHRASE_LISTS = (
    "terms", "support", "oppose", "willingness", "demand", "obligation",
    "conditions", "condition_exceptions", "timing", "timing_exceptions", "hedges", "reporting", "fight_on",
)
_DEFAULT_CONFIDENCE = {
    "neutral_no_target": 0.9, "neutral_target": 0.6, "timing": 0.85,
    "timing_no_target": 0.6, "condition": 0.8, "demand": 0.7, "cue": 0.75,
    "frame_penalty": 0.8, "hedge_factor": 0.8, "minimum": 0.2,
}


@lru_cache(maxsize=65536)
def norm_word(word: str) -> str:
    """A word as the lexicons are matched: lower case, straight apostrophe, "n't" as "not"."""
    word = str(word).lower().replace("’", "'")
    return "not" if word in ("n't", "nt") else word


class PhraseSet(tuple):
    """Normalised phrases, longest first, indexed by their first word so that matching
    only tries the phrases whose first word occurs in the text."""

    def __new__(cls, phrases: Iterable[Phrase]):
        self = super().__new__(cls, phrases)
        self.by_first: dict[str, list[tuple[int, Phrase]]] = {}
        self.wildcard_first: list[tuple[int, Phrase]] = []
        for order, phrase in enumerate(self):
            if phrase[0] == "*":
                self.wildcard_first.append((order, phrase))
            else:
                self.by_first.setdefault(phrase[0], []).append((order, phrase))
        return self


def _phrases(words: Iterable[str]) -> PhraseSet:
    out = []
    for text in words:
        phrase = tuple(norm_word(w) for w in str(text).split())
        if phrase and phrase not in out:
            out.append(phrase)
    # longest first, so "peace talks" is reported before "talks"
    return PhraseSet(sorted(out, key=len, reverse=True))


@dataclass(frozen=True)
class StanceLexicon:
    """The word lists of ``configs/stance.yml``, normalised for matching."""

    targets: tuple[Phrase, ...] = ()
    end_verbs: frozenset[str] = frozenset()
    conflict_nouns: frozenset[str] = frozenset()
    conflict_noun_exceptions: frozenset[str] = frozenset()
    terms: tuple[Phrase, ...] = ()
    support: tuple[Phrase, ...] = ()
    oppose: tuple[Phrase, ...] = ()
    willingness: tuple[Phrase, ...] = ()
    demand: tuple[Phrase, ...] = ()
    obligation: tuple[Phrase, ...] = ()
    conditions: tuple[Phrase, ...] = ()
    condition_exceptions: tuple[Phrase, ...] = ()
    timing: tuple[Phrase, ...] = ()
    timing_exceptions: tuple[Phrase, ...] = ()
    hedges: tuple[Phrase, ...] = ()
    reporting: tuple[Phrase, ...] = ()
    fight_on: tuple[Phrase, ...] = ()
    condition_time_entities: frozenset[str] = frozenset()
    condition_target_inside: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    anaphors: frozenset[str] = frozenset()
    confidence: dict[str, float] = field(default_factory=lambda: dict(_DEFAULT_CONFIDENCE))
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StanceLexicon:
        """Build the lexicon from the parsed YAML mapping (see ``configs/stance.yml``)."""
        targets = data.get("targets") or {}
        lists = {name: _phrases(data.get(name) or ()) for name in _PHRASE_LISTS}
        confidence = dict(_DEFAULT_CONFIDENCE)
        confidence.update({k: float(v) for k, v in (data.get("confidence") or {}).items()})
        return cls(
            targets=_phrases(targets.get("phrases") or ()),
            end_verbs=frozenset(norm_word(w) for w in targets.get("end_verbs") or ()),
            conflict_nouns=frozenset(norm_word(w) for w in targets.get("conflict_nouns") or ()),
            conflict_noun_exceptions=frozenset(
                norm_word(w) for w in targets.get("conflict_noun_exceptions") or ()
            ),
            negators=frozenset(norm_word(w) for w in data.get("negators") or ()),
            anaphors=frozenset(norm_word(w) for w in data.get("anaphors") or ()),
            condition_target_inside=frozenset(
                norm_word(w) for w in data.get("condition_target_inside") or ()
            ),
            condition_time_entities=frozenset(
                str(w).upper() for w in data.get("condition_time_entities") or ()
            ),
            confidence=confidence,
            source=data,
            **lists,
        )


SCHEMA = LexiconSchema(
    required={"targets": dict, "support": list, "oppose": list},
    optional={
        **{name: list for name in _PHRASE_LISTS if name not in ("support", "oppose")},
        "negators": list, "anaphors": list, "condition_target_inside": list, "condition_time_entities": list, "confidence": dict,
    },
)
register_schema("parley_stance", "lexicon_path", SCHEMA)


def load_lexicon(path: str | Path, *, stage: str = "parley_stance") -> StanceLexicon:
    """Read ``configs/stance.yml`` (or a file like it) into a :class:`StanceLexicon`;
    LexiconError (exit 2) names the file and the key when it does not fit."""
    return StanceLexicon.from_dict(load_lexicon_file(path, SCHEMA, stage=stage))


