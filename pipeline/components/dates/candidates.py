"""Where dates may be: the model's DATE/TIME entities and the configured patterns.

A candidate inside a name ("the Sunday Times", "ABC's This Week") is no date; a
candidate joining two dates ("January 20 or before") is split at the conjunction.
"""
from __future__ import annotations

from typing import Iterator

from spacy.tokens import Doc, Span

from .normaliser import clean_text
from .words import DateLexicon


def find_candidates(doc: Doc, lexicon: DateLexicon) -> list[tuple[int, int]]:
    """Character spans that may be date expressions: model entities and patterns.

    Each span is split at the configured conjunctions ("January 20 or before").
    """
    spans: set[tuple[int, int]] = set()
    names: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in lexicon.entity_labels:
            spans.add((ent.start_char, ent.end_char))
        elif ent.label_ in lexicon.blocking_entity_labels:
            names.append((ent.start_char, ent.end_char))
    text = doc.text
    for regex in lexicon.candidate_res:
        for match in regex.finditer(text):
            group = "d" if "d" in regex.groupindex and match.group("d") is not None else 0
            start, end = match.start(group), match.end(group)
            if clean_text(text[start:end]) in lexicon.holiday_names or not any(
                    name_start <= start and end <= name_end for name_start, name_end in names):
                spans.add((start, end))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for part_start, part_end in _split(text, start, end, lexicon):
            trimmed = lexicon.trim_re.match(text, part_start, part_end) if lexicon.trim_re else None
            if trimmed:
                part_start = trimmed.end()
            if part_start < part_end:
                out.append((part_start, part_end))
    return sorted(set(out))


def _split(text: str, start: int, end: int, lexicon: DateLexicon) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    if lexicon.split_re is None:
        yield start, end
        return
    position = 0
    for separator in lexicon.split_re.finditer(piece):
        yield start + position, start + separator.start()
        position = separator.end()
    yield start + position, end


def is_part_of_name(span: Span, lexicon: DateLexicon) -> bool:
    """A title ("ABC's This Week") or a name with a weekday ("the Sunday Times")."""
    doc = span.doc
    first = span[0]
    if (lexicon.reject_title_case_relative and first.lower_ in lexicon.relative_words
            and first.text[:1].isupper() and not first.is_sent_start
            and len(span) > 1 and span[1].text[:1].isupper()):
        return True
    if (lexicon.weekday_name_guard and len(span) == 1 and first.lower_ in lexicon.weekdays
            and span.start > 0 and doc[span.start - 1].lower_ == "the" and span.end < len(doc)):
        after = doc[span.end]
        return after.text[:1].isupper() and after.lower_ not in lexicon.months \
            and after.lower_ not in lexicon.day_parts
    return False


def text_to_normalise(span: Span, lexicon: DateLexicon) -> str:
    """The span's text, with the preposition before it when the span is a lone ambiguous
    month or season word ("in May", "by fall"): the preposition makes it a date."""
    if len(span) != 1 or span.start == 0 or span[0].lower_ not in lexicon.ambiguous_words:
        return span.text
    previous = span.doc[span.start - 1]
    return f"{previous.text} {span.text}" if previous.lower_ in lexicon.hedges else span.text
