"""Paragraph breaks are sentence breaks: set them before the parser runs.

The small model's parser often runs a headline or a paragraph's last sentence into
the next paragraph; the parser respects sentence starts that are already set.
"""
from spacy.tokens import Doc


def mark_paragraph_starts(doc: Doc, min_newlines: int) -> Doc:
    """Set ``is_sent_start`` on the first token after a blank line (or ``min_newlines`` newlines)."""
    for token in doc[:-1]:
        if token.is_space and token.text.count("\n") >= min_newlines:
            doc[token.i + 1].is_sent_start = True
    return doc
