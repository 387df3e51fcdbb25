"""The tense of the clause a date sits in, read from the parser's verb tags.

It decides which instance of a repeating date is meant: "on Friday" in "met on
Friday" is the last one, in "will meet on Friday" the next.
"""
from __future__ import annotations

from spacy.tokens import Span

from .values import FUTURE, PAST, PRESENT
from .words import DateLexicon


def clause_tense(span: Span, lexicon: DateLexicon) -> str:
    """The tense of the clause ``span`` belongs to, from the parser's verb tags.

    Args:
        span: a date expression in a parsed Doc.
        lexicon: supplies the future auxiliaries, infinitive governors and
            direction-fixing prepositions.

    Returns:
        ``past``, ``present``, ``future`` or "" when the Doc has no parse or the
        clause shows no tense.
    """
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return ""
    if span.start > 0:
        before = doc[span.start - 1].lower_
        if before in lexicon.past_prepositions:
            return PAST
        if before in lexicon.future_prepositions:
            return FUTURE
    if span[-1].lower_ in lexicon.past_prepositions:  # "... ago"
        return PAST
    token = span.root
    for _ in range(8):  # climb to the nearest verb; words on the way may point forward
        if token.pos_ in ("VERB", "AUX") or token.head == token:
            break
        token = token.head
        if token.lower_ in lexicon.future_path_words or any(
                child.dep_ == "amod" and child.lower_ in lexicon.future_path_words for child in token.children):
            return FUTURE
    for _ in range(6):
        if token.pos_ not in ("VERB", "AUX"):
            return ""
        auxes = [child for child in token.children if child.dep_ in ("aux", "auxpass")]
        words = {aux.lower_ for aux in auxes} | ({token.lower_} if token.tag_ == "MD" else set())
        if words & lexicon.future_aux:
            return FUTURE
        if any(aux.tag_ == "TO" for aux in auxes):
            if token.lemma_.lower() in lexicon.future_governors:
                return FUTURE  # "naive to expect talks before the summer"
            governor = token.head
            if governor == token:
                return ""
            if governor.lower_ in lexicon.future_governors or governor.lemma_.lower() in lexicon.future_governors:
                return FUTURE
            token = governor
            while token.pos_ not in ("VERB", "AUX") and token.head != token:
                if token.lower_ in lexicon.future_governors:
                    return FUTURE
                token = token.head
            continue
        tags = {token.tag_} | {aux.tag_ for aux in auxes}
        if "VBD" in tags:
            return PAST
        if token.tag_ == "VBN" and not auxes and token.dep_ in ("acl", "relcl", "amod"):
            # a reduced relative ("the poll done in February") reports the past,
            # unless the participle itself points forward ("talks scheduled for May")
            return FUTURE if token.lemma_.lower() in lexicon.future_governors else PAST
        if token.tag_ == "VBN" and any(aux.lemma_ == "have" for aux in auxes):
            return PAST
        if tags & {"VBZ", "VBP"}:
            return PRESENT
        if token.head == token:
            return ""
        token = token.head
        while token.pos_ not in ("VERB", "AUX") and token.head != token:
            token = token.head
    return ""
