"""Quotes and speakers: direct and indirect attributed statements, with their sources.

The stage has three layers, each usable on its own:

* ``find_quote_marks`` pairs quotation marks in plain text (no model needed);
* ``extract_quotes`` reads a parsed ``Doc`` (dependency parse + ``doc.ents``) and
  returns ``QuoteCandidate`` records: cue, content span, speaker;
* ``QuoteExtractor`` is the spaCy component writing them to ``doc.spans["quotes"]``.

Every word list lives in ``configs/quotes.yml`` (``QuoteLexicon``).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .extensions import DATES_KEY, QUOTES_KEY

PUNCT_STRIP = set(".,;:!?–—-()[] \n\t\xa0")
SENTENCE_END = ".?!"


# --------------------------------------------------------------------------- lexicon


@dataclass
class QuoteLexicon:
    """Cue words and settings read from ``configs/quotes.yml``."""

    raw: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        r = self.raw
        low = lambda key: {str(w).lower() for w in r.get(key, [])}  # noqa: E731
        self.speech_verbs = low("speech_verbs")
        self.cognition_verbs = low("cognition_verbs")
        self.clause_verbs = self.speech_verbs | self.cognition_verbs
        self.weak_verbs = low("weak_verbs")
        self.xcomp_verbs = low("xcomp_verbs")
        self.object_xcomp_verbs = low("object_xcomp_verbs")
        self.object_verbs = low("object_verbs")
        self.naming_verbs = low("naming_verbs")
        self.passive_source_verbs = low("passive_source_verbs")
        self.prep_cues = {k.lower(): {str(p).lower() for p in v} for k, v in r.get("prep_cues", {}).items()}
        self.object_prep_cues = {
            k.lower(): {str(p).lower() for p in v} for k, v in r.get("object_prep_cues", {}).items()
        }
        self.source_phrases = [tuple(str(w).lower() for w in p) for p in r.get("source_phrases", [])]
        self.non_source_heads = low("non_source_heads")
        self.title_words = low("title_words")
        self.medium_nouns = low("medium_nouns")
        self.question_words = low("question_words")
        self.content_nouns = low("content_nouns")
        self.cue_adjectives = low("cue_adjectives")
        self.honorifics = {k.lower(): v for k, v in r.get("honorifics", {}).items()}
        self.gendered_nouns = {k.lower(): v for k, v in r.get("gendered_nouns", {}).items()}
        self.pronouns = {k.lower(): v for k, v in r.get("pronouns", {}).items()}
        self.speaker_labels = set(r.get("speaker_labels", ["PERSON", "ORG", "GPE"]))
        self.person_labels = set(r.get("person_labels", ["PERSON"]))
        self.group_labels = set(r.get("group_labels", ["ORG", "GPE"]))
        dm, sm = r.get("double_marks", {}), r.get("single_marks", {})
        self.double_open = set(dm.get("open", ["“", "«", "„"]))
        self.double_close = set(dm.get("close", ["”", "»"]))
        self.double_same = set(dm.get("same", ['"']))
        self.single_open = set(sm.get("open", ["‘"]))
        self.single_close = set(sm.get("close", ["’"]))
        self.single_same = set(sm.get("same", ["'"]))
        self.all_marks = (
            self.double_open | self.double_close | self.double_same
            | self.single_open | self.single_close | self.single_same
        )
        self.min_direct_words = int(r.get("min_direct_words", 4))
        self.inherit_window = int(r.get("inherit_window", 400))
        self.pronoun_window = int(r.get("pronoun_window", 6))

    @classmethod
    def from_yaml(cls, path: str | Path) -> "QuoteLexicon":
        """Read a lexicon file.

        Args:
            path: a YAML file shaped like ``configs/quotes.yml``.

        Returns:
            The lexicon.
        """
        with open(path, encoding="utf-8") as fh:
            return cls(yaml.safe_load(fh) or {})


# --------------------------------------------------------------------------- quote marks


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
            if "\n" not in text[s.start:s.end] and s.end - s.start < 600
        )
        nxt = next((s for s in spans if s.open_at == gap_end), None)
        if nxt is not None:
            cursor = (nxt.close_at + 1) if nxt.close_at >= 0 else nxt.end
    return sorted(spans + singles, key=lambda s: s.start)


def _pair(text: str, opens: set, closes: set, same: set, lo: int, hi: int) -> list[MarkedSpan]:
    out: list[MarkedSpan] = []
    open_at = -1
    continues = False
    for i in range(lo, hi):
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


# --------------------------------------------------------------------------- candidates


@dataclass
class Speaker:
    text: str = ""
    kind: str = "unresolved"
    start: int = -1
    end: int = -1
    label: str = ""


@dataclass
class QuoteCandidate:
    """One attributed statement before it becomes a Span."""

    start: int
    end: int
    kind: str
    cue: str = ""
    cue_i: int = -1
    speaker: Speaker = field(default_factory=Speaker)
    mark: MarkedSpan | None = None
    source_i: int = -1  # token naming the source, -1 when none
    has_cue: bool = True


@dataclass
class _Cue:
    """A cue token with the token range of its content and its source token."""

    token: Token
    phrase: str
    lo: int  # first content token
    hi: int  # last content token (inclusive)
    source: Token | None
    passive_unresolved: bool = False


def _strip_range(doc: Doc, lo: int, hi: int, marks: set) -> tuple[int, int]:
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


def _has_neg(tok: Token) -> bool:
    return any(c.dep_ == "neg" for c in tok.children)


def _find_source(verb: Token, lex: QuoteLexicon, depth: int = 0) -> tuple[Token | None, bool]:
    """The token naming who made the statement cued by ``verb``.

    Returns:
        (source token or None, True when the cue is passive without an agent).
    """
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    # two subjects is a parse of "the retired general and former director David Petraeus told"
    subj = next((c for c in subjects if c.pos_ == "PROPN"), subjects[0] if subjects else None)
    if subj is not None and any("\n" in t.text for t in verb.doc[min(subj.i, verb.i):max(subj.i, verb.i)]):
        subj = _paragraph_subject(verb)
    if subj is not None:
        if subj.lower_ in ("who", "that", "which") and verb.dep_ == "relcl":
            return verb.head, False
        if subj.lower_ == "it" and any(c.dep_ in ("acomp", "xcomp", "attr") for c in verb.children) and depth > 0:
            return None, False  # "It's important to note that ...": no source
        return subj, False
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is not None:
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if pobj is not None:
            return pobj, False
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None, True
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
        # "comments by General Mark Milley, suggesting that ..."
        for prep in verb.head.children:
            if prep.dep_ in ("prep", "agent") and prep.lower_ in ("by", "from"):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj, False
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head, False
    if depth < 3 and verb.dep_ in ("conj", "xcomp", "advcl", "pcomp", "ccomp", "parataxis") and verb.head != verb:
        if verb.dep_ == "ccomp" and verb.head.lemma_.lower() not in lex.xcomp_verbs | {"appear", "seem"}:
            return None, False
        return _find_source(verb.head, lex, depth + 1)
    return None, False


def _paragraph_subject(verb: Token) -> Token | None:
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


def _cut_paragraph(doc: Doc, lo: int, hi: int, anchor: int) -> tuple[int, int]:
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


def _misattached_that_clause(verb: Token) -> Token | None:
    """A "that"-clause the parser hung on a noun after the cue instead of on the cue.

    "assured allies that Congress would approve aid" and "told reporters at the summit
    that the plan defies morality" come out with the clause as a modifier of "allies"
    or "summit"; a clause introduced by the conjunction "that" (not a relative pronoun)
    under the cue's object or prepositional phrase is still the reported content.
    """
    for child in verb.children:
        if child.i < verb.i or child.dep_ not in ("dobj", "dative", "prep"):
            continue
        nouns = [child] + [c for c in child.children if c.dep_ == "pobj"]
        for noun in nouns:
            for clause in noun.children:
                if clause.dep_ in ("acl", "relcl") and clause.i > noun.i and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
                ):
                    return clause
    return None


def _skip_leading_time(doc: Doc, lo: int, hi: int) -> int:
    """Start of reported content after a time phrase the parser put into it.

    "said on Monday he was ready": "on Monday" dates the saying, not the content.
    """
    def is_time(t: Token) -> bool:
        return t.ent_type_ in ("DATE", "TIME") or any(d.start <= t.i < d.end for d in doc.spans.get(DATES_KEY, []))

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


def _parenthetical_cue(tok: Token, lex: QuoteLexicon) -> bool:
    """A speech verb set off by commas inside the clause it reports: "X, he added, Y"."""
    if tok.dep_ != "parataxis" or tok.lemma_.lower() not in lex.clause_verbs or tok.head.i < tok.i:
        return False
    left, right = tok.left_edge.i, tok.right_edge.i
    doc = tok.doc
    opened = doc[left].text == "," or (left > tok.sent.start and doc[left - 1].text == ",")
    closed = doc[right].text == "," or (right + 1 < len(doc) and doc[right + 1].text == ",")
    return opened and closed


def _find_cues(doc: Doc, lex: QuoteLexicon, quoted: list[bool]) -> list[_Cue]:
    """Every cue outside quotation marks with its content range and source token."""
    cues: list[_Cue] = []
    marks = lex.all_marks
    for tok in doc:
        if quoted[tok.i]:
            continue
        lemma = tok.lemma_.lower()
        # "according to X", "as per X", "as reported by X" ...
        for phrase in lex.source_phrases:
            if tok.lower_ != phrase[0]:
                continue
            words = [t.lower_ for t in doc[tok.i:tok.i + len(phrase)]]
            if tuple(words) != phrase:
                continue
            last = doc[tok.i + len(phrase) - 1]
            src = _phrase_object(doc, last)
            if src is None:
                continue
            sent = tok.sent
            ph_lo = tok.i
            ph_hi = src.right_edge.i if src.right_edge.i >= src.i else src.i
            clause_head = _clause_of(tok)
            c_lo, c_hi = clause_head.left_edge.i, clause_head.right_edge.i
            c_lo, c_hi = max(c_lo, sent.start), min(c_hi, sent.end - 1)
            # the content is the clause minus the source phrase
            if ph_lo - c_lo >= c_hi - ph_hi:
                lo, hi = c_lo, ph_lo - 1
            else:
                lo, hi = ph_hi + 1, c_hi
            lo, hi = _strip_range(doc, lo, hi, marks)
            if hi - lo >= 2:
                cues.append(_Cue(tok, " ".join(phrase), lo, hi, src))
        # "has been insistent that ...", "maintained the position that ..."
        if (lemma in lex.cue_adjectives and tok.pos_ == "ADJ") or (lemma in lex.content_nouns and tok.pos_ == "NOUN"):
            comp = next((c for c in tok.children if c.dep_ in ("ccomp", "acl") and c.i > tok.i
                         and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
            if comp is not None:
                governor = tok.head
                source, passive = _find_source(governor, lex) if governor != tok else (None, False)
                if tok.pos_ == "NOUN" and governor.lemma_.lower() in ("be",):
                    source = None
                if source is not None:
                    lo, hi = _cut_paragraph(doc, comp.left_edge.i, comp.right_edge.i, comp.i)
                    lo, hi = _strip_range(doc, lo, hi, marks)
                    if hi >= lo:
                        cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                        continue
        if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_ == "VBZ"):
            continue
        if _has_neg(tok):
            continue
        children = list(tok.children)
        # passive participle cue: "..., as reported by two officials"
        if lemma in lex.passive_source_verbs and tok.dep_ == "advcl" and tok.tag_ == "VBN":
            agent = next((c for c in children if c.dep_ == "agent"), None)
            if agent is not None:
                src = next((c for c in agent.children if c.dep_ == "pobj"), None)
                head = tok.head
                if src is not None:
                    lo, hi = head.left_edge.i, tok.left_edge.i - 1
                    lo, hi = _strip_range(doc, lo, hi, marks)
                    if hi - lo >= 2:
                        cues.append(_Cue(tok, tok.text, lo, hi, src))
                    continue
        source, passive = _find_source(tok, lex)
        if source is not None and lex.pronouns.get(source.lower_, {}).get("kind") == "writer":
            continue  # the writer's own voice ("we expect talks to start") is not attributed
        if any(_parenthetical_cue(c, lex) for c in children):
            continue  # the sentence belongs to the cue set off inside it, not to this verb
        if _parenthetical_cue(tok, lex) and source is not None:
            # "Any deal, the minister said, would need parliament's approval": the
            # content is the sentence around the parenthetical cue
            lo, hi = _cut_paragraph(doc, tok.sent.start, tok.sent.end - 1, tok.i)
            lo, hi = _strip_range(doc, lo, hi, marks)
            if hi >= lo and _word_count(doc, lo, hi) >= 4:
                cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
            continue
        if lemma in lex.clause_verbs:
            comp = next((c for c in children if c.dep_ == "ccomp" and c.i > tok.i), None)
            comp_before = next((c for c in children if c.dep_ == "ccomp" and c.i < tok.i), None)
            if comp is None and comp_before is not None and not any(
                m.dep_ == "mark" and m.lower_ != "that" for m in comp_before.children
            ):
                comp = comp_before
            if comp is None:
                comp = _misattached_that_clause(tok)
            if comp is not None:
                if lemma in lex.weak_verbs and not any(
                    c.dep_ == "mark" and c.lower_ == "that" for c in comp.children
                ):
                    pass
                else:
                    lo, hi = comp.left_edge.i, comp.right_edge.i
                    lo, hi = _cut_paragraph(doc, lo, hi, comp.i if comp.i > tok.i else hi)
                    for t in doc[comp.i + 1:hi + 1]:
                        # "…, adding he thought …": a second cue ends the first content
                        if t.tag_ == "VBG" and t.dep_ in ("advcl", "conj") and t.lemma_.lower() in lex.clause_verbs:
                            hi = t.left_edge.i - 1
                            break
                    lo = _skip_leading_time(doc, lo, hi)
                    lo, hi = _strip_range(doc, lo, hi, marks)
                    if hi >= lo and _word_count(doc, lo, hi) >= 2:
                        cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                        if not (comp.i > tok.i and tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":"):
                            continue
            # inverted: "Turkey may provide a model, he suggested" (parataxis) or
            # "..., RIA reports" (the clause before the cue is its content)
            if tok.dep_ in ("parataxis", "ROOT", "advcl", "conj", "ccomp"):
                left = tok.i
                if source is not None and source.i < tok.i and source.head.i == tok.i:
                    left = source.left_edge.i
                elif source is not None and source.i < tok.i:
                    left = -1
                prev = doc[left - 1] if left > tok.sent.start else None
                after = [c for c in children if c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > tok.i]
                colon_next = tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":"
                if prev is not None and prev.text in (",", "–", "—") and (not after or colon_next):
                    lo = tok.sent.start
                    hi = prev.i - 1
                    if tok.dep_ != "ROOT" and tok.head.i < tok.i:
                        lo = max(lo, tok.head.left_edge.i)
                    lo, hi = _cut_paragraph(doc, lo, hi, hi)
                    lo, hi = _strip_range(doc, lo, hi, marks)
                    # the clause before the cue must be the one the cue attaches to
                    linked = (lo <= tok.head.i <= hi) if tok.dep_ != "ROOT" else any(
                        lo <= c.i <= hi and c.dep_ not in ("prep", "npadvmod", "advmod", "punct") for c in children
                    )
                    if hi - lo >= 3 and linked:
                        cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                        continue
        if lemma in lex.xcomp_verbs:
            comp = next((c for c in children if c.dep_ == "xcomp" and c.i > tok.i), None)
            if comp is not None:
                lo, hi = _strip_range(doc, comp.left_edge.i, comp.right_edge.i, marks)
                if hi - lo >= 1:
                    cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                    continue
        if lemma in lex.object_xcomp_verbs:
            # "urged both sides to agree a truce": the addressee and what they should do
            dobj = next((c for c in children if c.dep_ == "dobj" and c.i > tok.i), None)
            comp = next((c for c in children if c.dep_ == "xcomp" and dobj is not None and c.i > dobj.i), None)
            if comp is not None:
                lo, hi = _strip_range(doc, dobj.left_edge.i, comp.right_edge.i, marks)
                if _word_count(doc, lo, hi) >= 3:
                    cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                    continue
        if lemma in lex.object_prep_cues:
            dobj = next((c for c in children if c.dep_ == "dobj"), None)
            prep = next((c for c in children if c.dep_ in ("prep", "dative") and c.lower_ in lex.object_prep_cues[lemma]), None)
            if dobj is not None and prep is not None and prep.i > dobj.i:
                lo, hi = _strip_range(doc, dobj.left_edge.i, prep.right_edge.i, marks)
                cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                continue
        if lemma in lex.prep_cues:
            wanted = lex.prep_cues[lemma]
            prep = next((c for c in children if c.dep_ in ("prep", "prt") and c.lower_ in wanted), None)
            if prep is None:  # "spoke on several occasions about …": hung on the first object
                prep = next((g for c in children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"
                             for g in o.children if g.dep_ == "prep" and g.lower_ in wanted), None)
            if prep is not None:
                if prep.dep_ == "prep":
                    objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
                else:
                    objs = [c for c in children if c.i > prep.i and (
                        c.dep_ in ("dobj", "xcomp", "ccomp", "pcomp") or (c.dep_ == "advcl" and c.tag_ == "VBG"))]
                if objs:
                    lo = min(o.left_edge.i for o in objs)
                    hi = max(o.right_edge.i for o in objs)
                    lo, hi = _strip_range(doc, lo, hi, marks)
                    if hi - lo >= 1:
                        cues.append(_Cue(tok, f"{tok.text} {prep.text}", lo, hi, source, passive))
                        continue
        if lemma in lex.object_verbs:
            dobj = next((c for c in children if c.dep_ == "dobj" and c.i > tok.i), None)
            if dobj is not None and dobj.pos_ in ("NOUN", "PROPN") and dobj.right_edge.i - dobj.left_edge.i >= 2:
                lo, hi = _strip_range(doc, dobj.left_edge.i, dobj.right_edge.i, marks)
                if hi - lo >= 2:
                    cues.append(_Cue(tok, tok.text, lo, hi, source, passive))
                    continue
    return cues


def _phrase_object(doc: Doc, last: Token) -> Token | None:
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


def _clause_of(tok: Token) -> Token:
    """The verb whose clause a modifier phrase sits in."""
    cur = tok
    for _ in range(6):
        if cur.pos_ in ("VERB", "AUX") and cur != tok and cur.dep_ not in ("pcomp",):
            return cur
        if cur.head == cur:
            return cur
        cur = cur.head
    return cur


# --------------------------------------------------------------------------- speakers


class _SpeakerResolver:
    """Maps a source token to a speaker: entities, appositions, titles, pronouns.

    ``in_content[i]`` is True for tokens inside quoted or reported content: names
    there are talked about, not talking. ``history`` collects the speakers already
    resolved, as (char offset, Speaker, source token index), for pronouns.
    """

    def __init__(self, doc: Doc, lex: QuoteLexicon, in_content: list[bool]):
        self.doc = doc
        self.lex = lex
        self.in_content = in_content
        self.history: list[tuple[int, Speaker, int]] = []
        self.ent_of: dict[int, Span] = {}
        for ent in doc.ents:
            for t in ent:
                self.ent_of[t.i] = ent
        self.persons = [e for e in doc.ents if e.label_ in lex.person_labels]
        self.gender = self._genders()
        self.titles = self._titles()

    # -- names
    def canonical(self, ent: Span) -> str:
        """The entity's name in this document, as the actors stage grouped it."""
        return ent._.canonical or ent.text.strip()

    def _key(self, ent: Span) -> str:
        return self.canonical(ent).lower()

    def _genders(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for ent in self.persons:
            g = None
            prev = self.doc[ent.start - 1] if ent.start > 0 else None
            if prev is not None and prev.lower_.rstrip(".") in self.lex.honorifics:
                g = self.lex.honorifics[prev.lower_.rstrip(".")]
            first = ent[0].lower_.rstrip(".")
            if first in self.lex.honorifics:
                g = self.lex.honorifics[first]
            root = ent.root
            near = list(root.children) + ([root.head] if root.dep_ == "appos" else [])
            for t in near:
                lemma = t.lemma_.lower()
                if lemma in self.lex.gendered_nouns and (t.dep_ in ("appos", "compound") or root.dep_ == "appos"):
                    g = self.lex.gendered_nouns[lemma]
            if g:
                out[self._key(ent)] = g
        return out

    def _titles(self) -> list[tuple[str, set, Span]]:
        """(title lemma, describing words, entity) for titled person mentions."""
        out = []
        for ent in self.persons:
            words: list[Token] = []
            # "Foreign Minister Sergei Lavrov", "Kremlin spokesman Dmitry Peskov"
            j = ent.start - 1
            while j >= 0 and self.doc[j].head.i in range(j + 1, ent.end) and self.doc[j].dep_ in (
                "compound", "amod", "nmod", "poss", "case", "det"
            ):
                words.extend(self.doc[j].subtree)
                j = self.doc[j].left_edge.i - 1
            words.extend(t for t in ent if t.lemma_.lower() in self.lex.title_words)
            # "Marek Magierowski, the Polish ambassador" / "the secretary general, Jens Stoltenberg"
            root = ent.root
            linked = [c for c in root.children if c.dep_ == "appos"]
            if root.dep_ == "appos":
                linked.append(root.head)
            for t in linked:
                if t.pos_ == "NOUN" and t.lemma_.lower() in self.lex.title_words:
                    words.extend(x for x in t.subtree if not (ent.start <= x.i < ent.end) and x.dep_ != "appos")
            lemmas = {w.lemma_.lower() for w in words}
            desc = {w.lower_ for w in words} | lemmas
            for title in lemmas & self.lex.title_words:
                out.append((title, desc, ent))
        return out

    # -- resolution
    def resolve(self, tok: Token) -> Speaker:
        """The speaker a source token stands for."""
        lex = self.lex
        ent = self._speaker_ent(tok)
        if ent is not None:
            return self._named(ent)
        low = tok.lower_
        if tok.pos_ == "PRON" and low in lex.pronouns:
            return self._pronoun(tok)
        if tok.pos_ == "PROPN" and not self._crosses_paragraph(tok):
            lo = min([tok.i] + [c.i for c in tok.children if c.dep_ in ("compound", "flat")])
            span = self.doc[lo:tok.i + 1]
            return Speaker(span.text, "named", span.start_char, span.end_char, "")
        lemma = tok.lemma_.lower()
        if lemma in lex.medium_nouns:
            # "a Gallup poll", "the survey conducted by Rating"
            for t in tok.subtree:
                e = self.ent_of.get(t.i)
                if e is not None and e.label_ in lex.group_labels and t.i != tok.i and not self._in_pp(t, tok, allow=("by",)):
                    return self._at(self._named(e), tok)
            named = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
            if named:
                c = named[-1]
                return Speaker(c.text, "named", c.idx, c.idx + len(c.text), "ORG")
        if lemma in lex.title_words and not self._is_plural(tok):
            found = self._title(tok)
            if found is not None:
                return found
        if any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in tok.children):
            # "the poll" again: the source an earlier quote named with the same head noun
            for pos, sp, src in reversed(self.history):
                if src >= 0 and src != tok.i and self.doc[src].lemma_.lower() == lemma:
                    return self._at(replace(sp), tok)
        return self._anonymous(tok)

    def _speaker_ent(self, tok: Token) -> Span | None:
        lex = self.lex
        ok = lambda e: e is not None and e.label_ in lex.speaker_labels and e.label_ != "NORP"  # noqa: E731
        ent = self.ent_of.get(tok.i)
        if ok(ent):
            return ent
        for c in tok.children:
            if c.dep_ == "appos" and ok(self.ent_of.get(c.i)):
                return self.ent_of[c.i]
        if tok.dep_ == "appos" and ok(self.ent_of.get(tok.head.i)):
            return self.ent_of[tok.head.i]
        # "former CIA director David Petraeus": a person named inside the noun phrase
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in lex.title_words:
            for t in tok.subtree:
                e = self.ent_of.get(t.i)
                if e is not None and e.label_ in lex.person_labels and not self._in_pp(t, tok):
                    return e
        return None

    def _in_pp(self, t: Token, top: Token, allow: tuple = ()) -> bool:
        cur = t
        while cur.i != top.i and cur.head != cur:
            if cur.dep_ in ("pobj", "poss") and not (cur.head.lower_ in allow):
                return True
            if cur.dep_ == "pobj" and cur.head.lower_ in allow:
                return False
            cur = cur.head
        return False

    def _crosses_paragraph(self, tok: Token) -> bool:
        return any("\n" in t.text for t in self.doc[tok.left_edge.i:tok.i + 1])

    def _named(self, ent: Span) -> Speaker:
        return Speaker(self.canonical(ent), "named", ent.start_char, ent.end_char, ent.label_)

    @staticmethod
    def _is_plural(tok: Token) -> bool:
        return tok.tag_ in ("NNS", "NNPS")

    def _anonymous(self, tok: Token) -> Speaker:
        drop = set()
        for c in tok.children:
            if c.dep_ in ("appos", "punct", "advmod", "cc", "conj") and c.i > tok.i and c.dep_ not in ("cc", "conj"):
                drop.update(t.i for t in c.subtree)
            if (c.dep_ == "acl" and c.i > tok.i and c.tag_ in ("VBG", "VBN")) or c.dep_ == "relcl":
                drop.update(t.i for t in c.subtree)
        toks = [t for t in tok.subtree if t.i not in drop]
        lo, hi = toks[0].i, toks[-1].i
        for t in toks:
            if t.i > tok.i and (t.text in (",", "(", "–", "—") or "\n" in t.text):
                hi = t.i - 1
                break
        for t in reversed(toks):
            if t.i < tok.i and "\n" in t.text:
                lo = t.i + 1
                break
        while lo < tok.i and (self.doc[lo].text in PUNCT_STRIP or self.doc[lo].is_space):
            lo += 1
        while hi > tok.i and (self.doc[hi].text in PUNCT_STRIP or self.doc[hi].is_space):
            hi -= 1
        if hi - lo > 12:
            lo = max(lo, tok.i - 5)
            hi = min(hi, tok.i + 6)
        span = self.doc[lo:hi + 1]
        return Speaker(span.text, "anonymous", span.start_char, span.end_char, "")

    def _title(self, tok: Token) -> Speaker | None:
        words = {t.lower_ for t in tok.subtree} | {t.lemma_.lower() for t in tok.subtree}
        mods = {t.lower_ for t in tok.children if t.dep_ in ("amod", "compound", "poss", "nmod")}
        title = tok.lemma_.lower()
        best, best_score = None, None
        for t, desc, ent in self.titles:
            if t != title or ent.start <= tok.i < ent.end:
                continue
            if mods and not (mods & desc):
                continue
            overlap = len((words - {title}) & desc)
            before = ent.start < tok.i
            score = (overlap, before, -abs(ent.start - tok.i))
            if best_score is None or score > best_score:
                best_score, best = score, ent
        if best is None:
            return None
        return self._at(self._named(best), tok)

    def _window_start(self, tok: Token) -> int:
        sents = [s.start for s in self.doc.sents if s.start <= tok.i]
        k = max(0, len(sents) - 1 - self.lex.pronoun_window)
        return self.doc[sents[k]].idx if sents else 0

    def _pronoun(self, tok: Token) -> Speaker:
        info = self.lex.pronouns[tok.lower_]
        gender, kind = info.get("gender"), info.get("kind")
        limit = self._window_start(tok)
        here = tok.idx
        unresolved = Speaker(tok.text, "unresolved", tok.idx, tok.idx + len(tok.text))
        options: list[tuple[int, Speaker]] = []
        for pos, sp, src in self.history:
            if limit <= pos < here and self._fits(sp, src, kind, gender):
                options.append((pos, sp))
        if kind in ("person", "thing"):
            labels = self.lex.person_labels if kind == "person" else self.lex.group_labels
            for ent in self.doc.ents:
                if ent.label_ not in labels or not (limit <= ent.start_char < here):
                    continue
                if self.in_content[ent.start] or not self._is_subject(ent):
                    continue
                g = self.gender.get(self._key(ent))
                if kind == "person" and g and gender and g != gender:
                    continue
                options.append((ent.start_char, self._named(ent)))
        if options:
            pos, sp = max(options, key=lambda o: o[0])
            return self._at(replace(sp), tok)
        if kind == "person":
            for ent in reversed(self.persons):
                if ent.start_char < here and ent.start_char >= limit and not self.in_content[ent.start]:
                    g = self.gender.get(self._key(ent))
                    if not (g and gender and g != gender):
                        return self._at(self._named(ent), tok)
        return unresolved

    def _fits(self, sp: Speaker, src: int, kind: str, gender: str | None) -> bool:
        plural = src >= 0 and self._is_plural(self.doc[src])
        if kind == "person":
            if sp.kind == "named":
                if sp.label and sp.label not in self.lex.person_labels:
                    return False
                g = self.gender.get(sp.text.lower())
                return not (g and gender and g != gender)
            return sp.kind == "anonymous" and not plural and src >= 0 and self.doc[src].lemma_.lower() not in self.lex.medium_nouns
        if kind == "group":
            return (sp.kind == "anonymous" and plural) or (sp.kind == "named" and sp.label in self.lex.group_labels)
        if kind == "thing":
            return (sp.kind == "named" and sp.label in self.lex.group_labels) or (
                sp.kind == "anonymous" and not plural and src >= 0 and self.doc[src].lemma_.lower() in self.lex.medium_nouns
            )
        return False

    @staticmethod
    def _at(sp: Speaker, tok: Token) -> Speaker:
        sp.start, sp.end = tok.idx, tok.idx + len(tok.text)
        return sp

    @staticmethod
    def _is_subject(ent: Span) -> bool:
        root = ent.root
        if root.dep_ in ("nsubj", "nsubjpass"):
            return True
        if root.dep_ == "pobj" and root.head.dep_ == "agent":
            return True
        return root.dep_ in ("appos", "compound") and root.head.dep_ in ("nsubj", "nsubjpass")


# --------------------------------------------------------------------------- extraction


def _quoted_flags(doc: Doc, marks: list[MarkedSpan]) -> list[bool]:
    flags = [False] * len(doc)
    for m in marks:
        span = doc.char_span(m.start, m.end, alignment_mode="contract")
        if span is None:
            continue
        for t in span:
            flags[t.i] = True
    return flags


def _word_count(doc: Doc, lo: int, hi: int) -> int:
    return sum(1 for t in doc[lo:hi + 1] if not t.is_punct and not t.is_space)


def extract_quotes(doc: Doc, lexicon: QuoteLexicon) -> list[QuoteCandidate]:
    """Find the attributed statements of a parsed document.

    Args:
        doc: a Doc with a dependency parse; ``doc.ents`` (and ``ent._.canonical``
            when the actors stage ran) name the speakers.
        lexicon: cue words and settings.

    Returns:
        Candidates in text order, direct and indirect, speakers resolved.
    """
    lex = lexicon
    marks = find_quote_marks(doc.text, lex)
    quoted = _quoted_flags(doc, marks)
    cues = _find_cues(doc, lex, quoted)

    mark_tok: list[tuple[MarkedSpan, int, int]] = []
    for m in marks:
        span = doc.char_span(m.start, m.end, alignment_mode="contract")
        if span is None or len(span) == 0:
            continue
        mark_tok.append((m, span.start, span.end - 1))

    consumed: set[int] = set()  # marked spans inside an indirect quote (mixed quotes)
    indirect: list[tuple[_Cue, QuoteCandidate]] = []
    for cue in cues:
        lo, hi = cue.lo, cue.hi
        if hi < lo:
            continue
        outside_words = sum(
            1 for t in doc[lo:hi + 1] if not quoted[t.i] and not t.is_punct and not t.is_space
        )
        if outside_words < 3 and sum(quoted[lo:hi + 1]) > 0:
            continue  # a direct quote: attributed below
        straddled = [(a, b) for m, a, b in mark_tok if (a < lo <= b) or (a <= hi < b)]
        for a, b in straddled:
            if a <= hi < b and all(t.is_punct for t in doc[hi + 1:b + 1]):
                hi = b  # a quoted fragment ending the clause, final stop inside the marks
                continue
            # the parser ran the clause into a direct quote: keep the part outside it
            if a <= hi < b and a > lo:
                hi = a - 1
            if a < lo <= b and b < hi:
                lo = b + 1
        inside = [k for k, (m, a, b) in enumerate(mark_tok) if a >= lo and b <= hi]
        lo, hi = _strip_range(doc, lo, hi, lex.all_marks)
        if hi < lo or _word_count(doc, lo, hi) < 1:
            continue
        if doc[lo].lower_ in lex.question_words:
            continue  # an indirect question is not a claim
        consumed.update(inside)
        span = doc[lo:hi + 1]
        cand = QuoteCandidate(span.start_char, span.end_char, "indirect", cue.phrase, cue.token.i)
        cand.source_i = cue.source.i if cue.source is not None else -1
        indirect.append((cue, cand))

    # nested cues: "said he believed X" keeps the outer clause, unless only the inner
    # one names a source ("It should be noted that the Kremlin suggested ...")
    kept: list[QuoteCandidate] = []
    for cue, cand in indirect:
        others = [(c2, q2) for c2, q2 in indirect if q2 is not cand]
        outer = [q2 for c2, q2 in others if c2.lo <= cue.token.i <= c2.hi and q2.start <= cand.start and cand.end <= q2.end]
        if any(q2.source_i >= 0 for q2 in outer):
            continue
        inner = [q2 for c2, q2 in others if cue.lo <= c2.token.i <= cue.hi and cand.start <= q2.start and q2.end <= cand.end]
        if cand.source_i < 0 and any(q2.source_i >= 0 for q2 in inner):
            continue
        if any(q2.start == cand.start and q2.end == cand.end for q2 in kept):
            continue
        kept.append(cand)

    direct: list[QuoteCandidate] = []
    for k, (m, a, b) in enumerate(mark_tok):
        if k in consumed:
            continue
        n_words = _word_count(doc, a, b)
        cue_tok: Token | None = None
        source: Token | None = None
        phrase = ""
        for cue in cues:
            if cue.hi >= a and cue.lo <= b and not (a <= cue.token.i <= b):
                cue_tok, source, phrase = cue.token, cue.source, cue.phrase
                break
        if cue_tok is None and n_words >= lex.min_direct_words:
            cue_tok = _nearby_cue(doc, a, b, lex, quoted, mark_tok, k)
            if cue_tok is not None:
                source, _ = _find_source(cue_tok, lex)
        if cue_tok is None:
            cue_tok = _naming_cue(doc, a, b, lex)
            if cue_tok is not None:
                source, _ = _find_source(cue_tok, lex)
        paragraph_of_longer_quote = m.continues or m.close_at < 0
        if cue_tok is None and not paragraph_of_longer_quote and (
            n_words < lex.min_direct_words or not any(t.pos_ in ("VERB", "AUX") for t in doc[a:b + 1])
        ):
            continue  # a term or title set off in marks, not a statement
        cand = QuoteCandidate(m.start, m.end, "direct", phrase or (cue_tok.text if cue_tok is not None else ""),
                              cue_tok.i if cue_tok is not None else -1, mark=m)
        cand.source_i = source.i if source is not None else -1
        cand.has_cue = cue_tok is not None
        direct.append(cand)

    results = sorted(kept + direct, key=lambda q: (q.start, q.end))
    _resolve_speakers(doc, lex, results, quoted, [(q.start, q.end) for q in kept])
    return [
        q for q in results
        if not (q.speaker.kind == "anonymous" and q.source_i >= 0 and doc[q.source_i].lemma_.lower() in lex.non_source_heads)
    ]


def _resolve_speakers(doc: Doc, lex: QuoteLexicon, quotes: list[QuoteCandidate], quoted: list[bool],
                      indirect_ranges: list[tuple[int, int]]) -> None:
    """Give each quote its speaker, in text order, so pronouns see earlier speakers."""
    in_content = list(quoted)
    for s, e in indirect_ranges:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            for t in span:
                in_content[t.i] = True
    resolver = _SpeakerResolver(doc, lex, in_content)
    prev: QuoteCandidate | None = None
    for q in quotes:
        if q.source_i >= 0:
            q.speaker = resolver.resolve(doc[q.source_i])
        elif q.kind == "direct" and prev is not None and not q.has_cue and (
            (q.mark is not None and q.mark.continues) or q.start - prev.end <= lex.inherit_window
        ):
            q.speaker = replace(prev.speaker)
            q.cue = q.cue or prev.cue
        if q.speaker.kind != "unresolved":
            pos = q.speaker.start if q.speaker.start >= 0 else q.start
            resolver.history.append((pos, q.speaker, q.source_i))
        prev = q


def _nearby_cue(doc: Doc, a: int, b: int, lex: QuoteLexicon, quoted: list[bool], mark_tok, k: int) -> Token | None:
    """The cue verb of a direct quote spanning tokens ``a``..``b``, if it has one nearby.

    After the quote ("…,” he said; "….” Truss said.) when the quote ends the way
    a quote followed by its attribution does or the next sentence is only the
    attribution; before it when a colon or comma leads in ("She said: “…”").
    """
    speech = lambda t: (  # noqa: E731
        t.lemma_.lower() in lex.speech_verbs and t.pos_ in ("VERB", "AUX") and not _has_neg(t)
    )
    next_open = mark_tok[k + 1][1] if k + 1 < len(mark_tok) else len(doc)
    last = doc[b]
    j = b + 1
    while j < len(doc) and doc[j].text in lex.all_marks:
        j += 1
    segment: list[Token] = []
    while j < min(len(doc), next_open) and not quoted[j] and "\n" not in doc[j].text:
        segment.append(doc[j])
        if doc[j].text in SENTENCE_END:
            break
        j += 1
    ends_open = last.text in (",", "?", "!", "—", "–", "-", "…") or (segment and (segment[0].is_lower or segment[0].text == ","))
    short = len(segment) <= 8
    if segment and (ends_open or short):
        for t in segment[:10]:
            if speech(t):
                return t
    # lead-in before the quote
    j = a - 1
    while j >= 0 and doc[j].text in lex.all_marks:
        j -= 1
    if j >= 0 and doc[j].text in (":", ","):
        lead = doc[j]
        head = lead.head
        if head.i < a and head.pos_ in ("VERB", "AUX") and not quoted[head.i]:
            return head
        prev_close = mark_tok[k - 1][2] if k > 0 else -1
        for i in range(j - 1, max(prev_close, j - 12, -1), -1):
            t = doc[i]
            if quoted[i] or t.text in SENTENCE_END or "\n" in t.text:
                break
            if speech(t) or (t.pos_ == "VERB" and doc[j].text == ":"):
                return t
    return None


def _naming_cue(doc: Doc, a: int, b: int, lex: QuoteLexicon) -> Token | None:
    """A naming verb ("described … as", "called") governing a quoted fragment."""
    for t in doc[a:b + 1]:
        cur = t
        for _ in range(5):
            if cur.head == cur:
                break
            cur = cur.head
            if a <= cur.i <= b:
                continue
            if cur.lemma_.lower() in lex.naming_verbs and cur.pos_ == "VERB":
                return cur
            if cur.pos_ == "VERB":
                break
    return None


# --------------------------------------------------------------------------- component


class QuoteExtractor:
    """spaCy component: quotes and speakers into ``doc.spans["quotes"]``."""

    def __init__(self, nlp: Language, name: str, *, cues_path: str):
        self.name = name
        self.cues_path = cues_path
        self.lexicon = QuoteLexicon.from_yaml(cues_path) if cues_path and Path(cues_path).is_file() else QuoteLexicon({})

    def __call__(self, doc: Doc) -> Doc:
        candidates = extract_quotes(doc, self.lexicon)
        spans: list[Span] = []
        for q in candidates:
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            span._.quote_kind = q.kind
            span._.cue = q.cue
            span._.speaker = q.speaker.text
            span._.speaker_kind = q.speaker.kind
            span._.speaker_start = q.speaker.start
            span._.speaker_end = q.speaker.end
            spans.append(span)
        for n, span in enumerate(spans, start=1):
            span._.quote_id = f"q{n}"
        doc.spans[QUOTES_KEY] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.json").write_text(json.dumps(self.lexicon.raw, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "QuoteExtractor":
        data = json.loads((Path(path) / "lexicon.json").read_text(encoding="utf-8"))
        self.lexicon = QuoteLexicon(data)
        return self
