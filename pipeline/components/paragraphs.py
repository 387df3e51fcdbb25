"""Paragraph breaks and datelines are sentence breaks: set them before the parser runs.

The small model's parser runs a headline or a paragraph's last sentence into the
next paragraph, and makes the city of a dateline ("MOSCOW, Feb 10 (Reuters) -")
the subject of the lead sentence. The parser respects sentence starts set early.
"""
import re

from spacy.tokens import Doc


def mark_sentence_starts(doc: Doc, min_newlines: int, dateline: re.Pattern | None) -> Doc:
    """Set ``is_sent_start`` after a blank line (``min_newlines`` newlines) and after a dateline."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= min_newlines:
            doc[token.i + 1].is_sent_start = True
    if dateline is not None:
        for match in dateline.finditer(doc.text):
            after = doc.char_span(match.end(), match.end() + 1, alignment_mode="expand")
            if after is not None and after.start > 0:
                doc[after.start].is_sent_start = True
    return doc
