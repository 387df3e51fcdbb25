"""``DateStage``: the spaCy component that writes ``doc.spans["dates"]``.

For each candidate (``candidates.py``) outside a name it reads the clause's tense
(``tense.py``), normalises the text (``normaliser.py``; a lone "May" or "fall"
with the preposition before it) and keeps the dates; of
overlapping dates the longest stays, and "the day before" takes its value from
the day it leans on. Each span carries its value, granularity, mod, range and
``date_rule``, the rule that decided.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import DATES_KEY
from ..lexicon import lexicon_from_disk, lexicon_to_disk
from .candidates import find_candidates, is_part_of_name, text_to_normalise
from .normaliser import DateNormaliser
from .tense import clause_tense
from .values import DateValue, day_value
from .words import DEFAULT_SETTINGS, SETTINGS_SCHEMA, DateLexicon


class DateStage:
    """spaCy component: date expressions into ``doc.spans["dates"]`` with values.

    Args:
        nlp: the pipeline.
        name: the component's name.
        settings_path: ``configs/dates.yml`` (settings and lexicons). When the file is
            missing, ``from_disk`` (a saved pipeline) brings the saved copy; used
            without either, the stage raises the loader's LexiconError.
    """

    def __init__(self, nlp: Language, name: str, *, settings_path: str):
        self.name = name
        self.settings_path = settings_path
        self.lexicon: DateLexicon | None = None
        self.normaliser: DateNormaliser | None = None
        self._set_lexicon(DateLexicon.from_path_if_present(settings_path, stage=name))

    def _set_lexicon(self, lexicon: DateLexicon | None) -> None:
        self.lexicon = lexicon
        self.normaliser = DateNormaliser(lexicon) if lexicon is not None else None

    def _require(self) -> DateLexicon:
        """The lexicon; when neither the file nor ``from_disk`` gave one, the loader's error."""
        if self.lexicon is None:
            self._set_lexicon(DateLexicon.from_path(self.settings_path, stage=self.name))
        return self.lexicon

    def __call__(self, doc: Doc) -> Doc:
        lexicon = self._require()
        anchor = parse_anchor(doc._.anchor)
        found: list[tuple[Span, DateValue]] = []
        for start, end in find_candidates(doc, lexicon):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not span.text.strip() or is_part_of_name(span, lexicon):
                continue
            value = self.normaliser.normalise(text_to_normalise(span, lexicon), anchor, clause_tense(span, lexicon))
            if value.is_date:
                found.append((span, value))
        group = []
        for span, value in resolve_anaphors(doc, drop_overlaps(found)):
            span = Span(doc, span.start, span.end, label="DATE")
            span._.date_value = value.value
            span._.date_granularity = value.granularity
            span._.date_mod = value.mod
            span._.date_range_start = value.range_start
            span._.date_range_end = value.range_end
            span._.date_rule = value.rule
            group.append(span)
        doc.spans[DATES_KEY] = group
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        lexicon_to_disk(path, self._require().settings)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> DateStage:
        self._set_lexicon(DateLexicon(lexicon_from_disk(path, SETTINGS_SCHEMA, stage=self.name)))
        return self


def parse_anchor(anchor: str) -> dt.date | None:
    """``"YYYY-MM-DD"`` → date; "" or anything else → None (relative dates stay unresolved)."""
    try:
        return dt.date.fromisoformat(anchor) if anchor else None
    except ValueError:
        return None


def drop_overlaps(found: list[tuple[Span, DateValue]]) -> list[tuple[Span, DateValue]]:
    """Keep the longest of overlapping expressions, then restore text order."""
    taken: set[int] = set()
    kept = []
    for span, value in sorted(found, key=lambda item: (-(item[0].end_char - item[0].start_char), item[0].start)):
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        taken |= tokens
        kept.append((span, value))
    return sorted(kept, key=lambda item: item[0].start)


def resolve_anaphors(doc: Doc, kept: list[tuple[Span, DateValue]]) -> list[tuple[Span, DateValue]]:
    """Give "the day before" a value from the day it leans on.

    In apposition to a day ("On Friday, the day before the summit") it names that
    same day; otherwise it is counted from the last day mentioned before it.
    """
    resolved = []
    previous: tuple[Span, DateValue] | None = None
    for span, value in kept:
        if value.anaphor_offset is not None and previous is not None and previous[1].value:
            previous_span, previous_value = previous
            day = dt.date.fromisoformat(previous_value.range_start)
            between = doc.text[previous_span.end_char:span.start_char]
            if not re.fullmatch(r"\s*,\s*", between):
                day += dt.timedelta(days=value.anaphor_offset)
            value = day_value(day).by_rule(value.rule)
        if value.granularity == "day" and value.value:
            previous = (span, value)
        resolved.append((span, value))
    return resolved


_DEFAULT: dict[str, DateNormaliser] = {}


def normalise(text: str, anchor: dt.date | None, tense: str = "",
              settings_path: str | Path = DEFAULT_SETTINGS) -> DateValue:
    """Normalise one date expression (cached per text, anchor and tense).

    Args:
        text: the expression as written ("the end of September").
        anchor: the document's anchor date, or None (relative dates stay unresolved).
        tense: ``past``, ``present``, ``future`` or "" for the clause it sits in.
        settings_path: the lexicon file; the default is ``configs/dates.yml``.

    Returns:
        A ``DateValue``; ``NOT_A_DATE`` (empty granularity) when the text is no date.
    """
    key = str(settings_path)
    if key not in _DEFAULT:
        _DEFAULT[key] = DateNormaliser(DateLexicon.from_path(settings_path))
    return _DEFAULT[key].normalise(text, anchor, tense)
