"""Quotation marks in plain text: pairing opening and closing marks (no model needed)."""
from __future__ import annotations

import re

from dataclasses import dataclass

from .lexicon import QuoteLexicon

SENTENCE_END = ".?!"


@dataclass(frozen=True)
class MarkedSpan:
    """Text between a pair of quotation marks.

    ``start``/``end`` delimit the content (marks excluded); ``open_at``/``close_at`` are
    the marks' offsets (``close_at`` is -1 when the quote ran on without closing, as
    a paragraph of a multi-paragraph quote does); ``continues`` is True when the span
    opens right after such an unclosed quote, so it shares that quote's speaker.
    """

    start: int
    end: int
    open_at: int
    close_at: int
    continues: bool = False


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _mark_role(text: str, i: int, opens: set, closes: set, same: set) -> str | None:
    """'open', 'close' or None (not a mark of this family / an apostrophe)."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if ch in opens:
        return "open"
    if ch in closes:
        if _is_word(prev) and _is_word(nxt):  # apostrophe: don’t
            return None
        return "close"
    if ch in same:
        if _is_word(prev) and _is_word(nxt):
            return None
        before_space = prev.isspace() or prev in "([{—–-/" or i == 0
        after_space = nxt.isspace() or nxt in ".,;:!?)]}—–-" or i + 1 == len(text)
        if before_space and not after_space:
            return "open"
        if after_space and not before_space:
            return "close"
        return "either"
    return None


def _cut_unclosed(text: str, start: int, stop: int) -> int:
    """End of the content of a quote opened at ``start`` that never closed before ``stop``.

    A quote running over paragraphs ends where its paragraph ends. Within one
    paragraph, a missing closing mark is most often followed by the writer's own
    lead-in to the next quote ("Earlier, she told the programme:"), so the content
    ends at the last sentence end when what follows it leads in with a colon.
    """
    para = text.find("\n", start, stop)
    if para != -1:
        return para
    tail = text[start:stop].rstrip()
    if tail.endswith(":") or tail.endswith(","):
        cut = max(tail.rfind(c + " ") for c in SENTENCE_END)
        if cut > 0:
            return start + cut + 1
    return stop


def find_quote_marks(text: str, lexicon: QuoteLexicon | None = None) -> list[MarkedSpan]:
    """Pair the quotation marks of a text.

    Double marks are paired first; single marks only outside double-quoted spans.
    Unmatched marks are dropped; an opening mark met while a quote is open ends the
    open quote (its paragraph, or the text before the new mark).

    Args:
        text: the document text.
        lexicon: supplies the mark characters; the default set when None.

    Returns:
        The quoted spans in text order.
    """
    lex = lexicon or QuoteLexicon({})
    spans = _pair(text, lex.double_open, lex.double_close, lex.double_same, 0, len(text))
    singles: list[MarkedSpan] = []
    cursor = 0
    for gap_end in [s.open_at for s in spans] + [len(text)]:
        singles.extend(
            s for s in _pair(text, lex.single_open, lex.single_close, lex.single_same, cursor, gap_end)
            if "\n" not in text[s.start:s.end] and s.end - s.start < lex.single_quote_max_chars
        )
        nxt = next((s for s in spans if s.open_at == gap_end), None)
        if nxt is not None:
            cursor = (nxt.close_at + 1) if nxt.close_at >= 0 else nxt.end
    return sorted(spans + singles, key=lambda s: s.start)


def _pair(text: str, opens: set, closes: set, same: set, lo: int, hi: int) -> list[MarkedSpan]:
    out: list[MarkedSpan] = []
    open_at = -1
    continues = False
    # only the mark characters are visited (the text has a million others)
    marks = re.compile("[" + re.escape("".join(sorted(opens | closes | same))) + "]") if opens | closes | same else None
    for match in marks.finditer(text, lo, hi) if marks else ():
        i = match.start()
        role = _mark_role(text, i, opens, closes, same)
        if role is None:
            continue
        if role == "either":
            role = "close" if open_at >= 0 else "open"
        if role == "open":
            if open_at >= 0:
                end = _cut_unclosed(text, open_at + 1, i)
                if text[open_at + 1:end].strip():
                    out.append(MarkedSpan(open_at + 1, end, open_at, -1, continues))
                continues = True
            else:
                continues = False
            open_at = i
        else:  # close
            if open_at < 0:
                continue  # stray closing mark: dropped
            if text[open_at + 1:i].strip():
                out.append(MarkedSpan(open_at + 1, i, open_at, i, continues))
            open_at = -1
            continues = False
    if open_at >= 0 and continues:
        # the last paragraph of a multi-paragraph quote lost its closing mark
        end = _cut_unclosed(text, open_at + 1, hi)
        if text[open_at + 1:end].strip():
            out.append(MarkedSpan(open_at + 1, end, open_at, -1, True))
    return out

