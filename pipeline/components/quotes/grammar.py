"""Records and grammar helpers shared by the quotes stage's rules.

``Cue`` is what a cue rule finds, ``QuoteCandidate`` what extraction makes of it,
``Speaker`` what the speaker rules resolve its source to. The helpers read the
dependency parse: who the source of a cue is, where reported content starts and
ends. They hold no word lists: those come from the ``QuoteLexicon``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..extensions import DATES_KEY
from .lexicon import QuoteLexicon
from .marks import MarkedSpan

PUNCT_STRIP = set(".,;:!?–—-()[] \n\t\xa0")
SENTENCE_END = ".?!"


@dataclass
class Speaker:
    """Who a statement is attributed to; ``rule`` names the speaker rule that decided."""

    text: str = ""
    kind: str = "unresolved"
    start: int = -1
    end: int = -1
    label: str = ""
    rule: str = ""


@dataclass
class QuoteCandidate:
    """One attributed statement before it becomes a Span; ``rule`` names the cue rule."""

    start: int
    end: int
    kind: str
    cue: str = ""
    cue_i: int = -1
    speaker: Speaker = field(default_factory=Speaker)
    mark: MarkedSpan | None = None
    source_i: int = -1  # token naming the source, -1 when none
    has_cue: bool = True
    rule: str = ""


@dataclass
class Cue:
    """A cue token with the token range of its content and its source token.

    ``final`` is False when later cue rules may still read the same token.
    """

    token: Token
    phrase: str
    lo: int  # first content token
    hi: int  # last content token (inclusive)
    source: Token | None
    passive_unresolved: bool = False
    rule: str = ""
    final: bool = True


def quoted_flags(doc: Doc, marks: list[MarkedSpan]) -> list[bool]:
    """True for every token inside quotation marks."""
    flags = [False] * len(doc)
    for m in marks:
        span = doc.char_span(m.start, m.end, alignment_mode="contract")
        if span is None:
            continue
        for t in span:
            flags[t.i] = True
    return flags


def word_count(doc: Doc, lo: int, hi: int) -> int:
    return sum(1 for t in doc[lo:hi + 1] if not t.is_punct and not t.is_space)


def strip_range(doc: Doc, lo: int, hi: int, marks: set) -> tuple[int, int]:
    """Trim a leading "that" and punctuation, and trailing punctuation and conjunctions.

    A closing quotation mark at the end stays when its opening mark is inside.
    """
    while lo <= hi and (doc[lo].text in PUNCT_STRIP or (doc[lo].lower_ == "that" and doc[lo].dep_ == "mark") or doc[lo].is_space):
        lo += 1
    while hi >= lo and (doc[hi].text in PUNCT_STRIP or doc[hi].is_space or doc[hi].dep_ == "cc"):
        hi -= 1
    if hi >= lo and doc[hi].text in marks:
        inner = doc[lo:hi].text
        if not any(m in inner for m in marks):
            hi -= 1
    return lo, hi


def has_neg(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def paragraph_subject(verb: Token) -> Token | None:
    """The noun phrase opening the cue's paragraph, when the parse ran across a break."""
    doc = verb.doc
    j = verb.i - 1
    while j >= 0 and "\n" not in doc[j].text:
        j -= 1
    for t in doc[j + 1:verb.i]:
        if t.pos_ in ("PROPN", "NOUN", "PRON"):
            head = t
            while head.dep_ in ("compound", "amod", "nmod", "det", "poss") and head.head.i < verb.i and head.head.i > j:
                head = head.head
            return head
    return None


def cut_paragraph(doc: Doc, lo: int, hi: int, anchor: int) -> tuple[int, int]:
    """Keep the content inside the cue's paragraph."""
    for j in range(max(lo, anchor), hi + 1):
        if "\n" in doc[j].text:
            hi = j - 1
            break
    for j in range(min(hi, anchor), lo - 1, -1):
        if "\n" in doc[j].text:
            lo = j + 1
            break
    return lo, hi


def misattached_that_clause(verb: Token, lex: QuoteLexicon) -> Token | None:
    """A "that"-clause the parser hung on a noun after the cue instead of on the cue.

    "assured allies that Congress would approve aid" and "told reporters at the summit
    that the plan defies morality" come out with the clause as a modifier of "allies"
    or "summit"; a clause introduced by the conjunction "that" (not a relative pronoun)
    under the cue's object or prepositional phrase is still the reported content, unless
    the noun is a claim of someone else's ("argue with Orban's assertion that …").
    """
    for child in verb.children:
        if child.i < verb.i or child.dep_ not in ("dobj", "dative", "prep"):
            continue
        nouns = [child] + [c for c in child.children if c.dep_ == "pobj"]
        for noun in nouns:
            if noun.lemma_.lower() in lex.content_nouns and any(c.dep_ == "poss" for c in noun.children):
                continue
            for clause in noun.children:
                if clause.dep_ in ("acl", "relcl") and clause.i > noun.i and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
                ):
                    return clause
    return None


def skip_leading_time(doc: Doc, lo: int, hi: int) -> int:
    """Start of reported content after a time phrase the parser put into it.

    "said on Monday he was ready": "on Monday" dates the saying, not the content.
    """
    dates = [(d.start, d.end) for d in doc.spans.get(DATES_KEY, [])]

    def is_time(t: Token) -> bool:
        return t.ent_type_ in ("DATE", "TIME") or any(start <= t.i < end for start, end in dates)

    start = lo
    while start < hi:
        tok = doc[start]
        if tok.dep_ == "prep" and tok.right_edge.i < hi and all(is_time(t) for t in doc[tok.i + 1:tok.right_edge.i + 1]):
            start = tok.right_edge.i + 1
        elif is_time(tok):
            end = start
            while end < hi and is_time(doc[end]):
                end += 1
            if not any(t.dep_ == "npadvmod" for t in doc[start:end]):
                break
            start = end
        else:
            break
    if start != lo and any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in doc[start:hi + 1]):
        return start
    return lo


def parenthetical_cue(tok: Token, lex: QuoteLexicon) -> bool:
    """A speech verb set off by commas inside the clause it reports: "X, he added, Y"."""
    if tok.dep_ != "parataxis" or tok.lemma_.lower() not in lex.clause_verbs or tok.head.i < tok.i:
        return False
    left, right = tok.left_edge.i, tok.right_edge.i
    doc = tok.doc
    opened = doc[left].text == "," or (left > tok.sent.start and doc[left - 1].text == ",")
    closed = doc[right].text == "," or (right + 1 < len(doc) and doc[right + 1].text == ",")
    return opened and closed


def phrase_object(doc: Doc, last: Token) -> Token | None:
    """The noun phrase head after a source phrase ("according to [X]")."""
    for c in last.children:
        if c.dep_ in ("pobj", "dobj", "pcomp"):
            return c
    for c in last.children:
        if c.dep_ == "prep":
            for cc in c.children:
                if cc.dep_ == "pobj":
                    return cc
    nxt = last.i + 1
    if nxt < len(doc) and doc[nxt].pos_ in ("PROPN", "NOUN", "DET", "PRON", "NUM", "ADJ"):
        tok = doc[nxt]
        while tok.head.i > tok.i and tok.head.i < tok.sent.end and tok.dep_ in ("det", "compound", "amod", "nummod", "poss"):
            tok = tok.head
        return tok
    return None


def clause_of(tok: Token) -> Token:
    """The verb whose clause a modifier phrase sits in."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX") and cur != tok and cur.dep_ not in ("pcomp",):
            return cur
        if cur.head == cur:
            return cur
        cur = cur.head
    return cur


