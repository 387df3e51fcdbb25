"""From a parsed Doc to attributed statements: the steps of the quotes stage in order.

``extract_quotes`` runs them: pair the quotation marks; find the cues
(``cues.CUE_RULES``); make indirect quotes of the cues' content and drop the nested
ones; attribute each quoted span (``DIRECT_CUE_RULES``) or drop it as a term set off
in marks; resolve speakers (``speakers.SPEAKER_RULES``); drop what ``QUOTE_FILTERS``
rejects.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Doc, Span, Token

from .cues import find_cues
from .grammar import SENTENCE_END, Cue, QuoteCandidate, has_neg, quoted_flags, strip_range, word_count
from .lexicon import QuoteLexicon
from .marks import MarkedSpan, find_quote_marks
from .sources import find_source
from .speakers import resolve_speakers


@dataclass
class QuotedSpan:
    """A pair of quotation marks with the token range of its content (``a``..``b``)."""

    mark: MarkedSpan
    a: int
    b: int


def extract_quotes(doc: Doc, lexicon: QuoteLexicon, reparse: Callable[[str], Doc] | None = None) -> list[QuoteCandidate]:
    """Find the attributed statements of a parsed document.

    Args:
        doc: a Doc with a dependency parse; ``doc.ents`` (and ``ent._.canonical``
            when the actors stage ran) name the speakers.
        lexicon: cue words and settings.
        reparse: parses a text with the model alone; given, a Title Case headline
            is read again in sentence case (``title_case_headline_cues``).

    Returns:
        Candidates in text order, direct and indirect, speakers resolved.
    """
    lex = lexicon
    marks = find_quote_marks(doc.text, lex)
    quoted = quoted_flags(doc, marks)
    cues = find_cues(doc, lex, quoted)
    title = title_case_headline(doc, lex) if reparse is not None else None
    if title is not None:
        cues = [c for c in cues if not title.start <= c.token.i < title.end] + title_case_headline_cues(
            doc, title, lex, reparse)
    spans = _quoted_spans(doc, marks)
    indirect, consumed = indirect_quotes(doc, lex, cues, spans, quoted)
    indirect = drop_nested(indirect, lex)
    direct = direct_quotes(doc, lex, cues, spans, quoted, consumed)
    results = sorted([q for _, q in indirect] + direct, key=lambda q: (q.start, q.end))
    resolve_speakers(doc, lex, results, quoted, [(q.start, q.end) for _, q in indirect])
    return [q for q in results if not any(reject(doc, lex, q) for _, reject in QUOTE_FILTERS)]


def title_case_headline(doc: Doc, lex: QuoteLexicon) -> Span | None:
    """The headline when it is in Title Case ("Kremlin Rules Out Returning Annexed
    Regions"), which the parser reads as a string of names; None otherwise."""
    text = doc.text
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    line = doc.char_span(start, end if end > 0 else len(text), alignment_mode="contract")
    if line is None or len(line) > lex.headline_max_tokens:
        return None
    words = [t for t in line if t.is_alpha and len(t) > 3]
    if len(words) < 4 or sum(t.text[:1].isupper() for t in words) < lex.title_case_share * len(words):
        return None
    return line


def title_case_headline_cues(doc: Doc, title: Span, lex: QuoteLexicon, reparse: Callable[[str], Doc]) -> list[Cue]:
    """The cues of a Title Case headline, found in a sentence-case copy parsed again
    (names and acronyms keep their capitals) and mapped back onto the document."""
    names = {t.i for ent in doc.ents for t in ent}
    chars = list(title.text)
    for t in title[1:]:
        if t.i not in names and not t.is_upper:
            at = t.idx - title.start_char
            chars[at:at + len(t.text)] = list(t.text.lower())
    copy = reparse("".join(chars))
    if len(copy) != len(title) or any(a.idx - title.start_char != b.idx for a, b in zip(title, copy)):
        return []  # tokenised differently: offsets would not map back
    shift = title.start
    # only a source the document names: a capitalised common noun ("Sources Report") is no name
    return [Cue(doc[c.token.i + shift], c.phrase, c.lo + shift, c.hi + shift, doc[c.source.i + shift],
                c.passive_unresolved, c.rule, c.final)
            for c in find_cues(copy, lex, [False] * len(copy))
            if c.source is not None and c.source.i + shift in names]


def _quoted_spans(doc: Doc, marks: list[MarkedSpan]) -> list[QuotedSpan]:
    out = []
    for m in marks:
        span = doc.char_span(m.start, m.end, alignment_mode="contract")
        if span is not None and len(span) > 0:
            out.append(QuotedSpan(m, span.start, span.end - 1))
    return out


# --------------------------------------------------------------------------- indirect


def indirect_quotes(doc: Doc, lex: QuoteLexicon, cues: list[Cue], spans: list[QuotedSpan],
                    quoted: list[bool]) -> tuple[list[tuple[Cue, QuoteCandidate]], set[int]]:
    """Indirect quotes from the cues' content ranges.

    Content that is mostly a direct quote is left to ``direct_quotes``; content the
    parser ran into a direct quote is cut at its marks; a quoted fragment inside
    the content is part of the indirect quote (its index goes into ``consumed``).
    """
    consumed: set[int] = set()
    out: list[tuple[Cue, QuoteCandidate]] = []
    for cue in cues:
        lo, hi = cue.lo, cue.hi
        if hi < lo or relayed(cue, cues, lex):
            continue
        outside_words = sum(1 for t in doc[lo:hi + 1] if not quoted[t.i] and not t.is_punct and not t.is_space)
        if outside_words < 3 and sum(quoted[lo:hi + 1]) > 0:
            continue  # a direct quote: attributed below
        for qs in spans:
            a, b = qs.a, qs.b
            if not ((a < lo <= b) or (a <= hi < b)):
                continue
            if a <= hi < b and all(t.is_punct for t in doc[hi + 1:b + 1]):
                hi = b  # a quoted fragment ending the clause, final stop inside the marks
                continue
            # the parser ran the clause into a direct quote: keep the part outside it
            if a <= hi < b and a > lo:
                hi = a - 1
            if a < lo <= b and b < hi:
                lo = b + 1
        inside = [k for k, qs in enumerate(spans) if qs.a >= lo and qs.b <= hi]
        lo, hi = strip_range(doc, lo, hi, lex.all_marks)
        if hi < lo or word_count(doc, lo, hi) < 1:
            continue
        if doc[lo].lower_ in lex.question_words:
            continue  # an indirect question is not a claim
        consumed.update(inside)
        span = doc[lo:hi + 1]
        cand = QuoteCandidate(span.start_char, span.end_char, "indirect", cue.phrase, cue.token.i, rule=cue.rule)
        cand.source_i = cue.source.i if cue.source is not None else -1
        out.append((cue, cand))
    return out, consumed


def relayed(cue: Cue, cues: list[Cue], lex: QuoteLexicon) -> bool:
    """"According to sources, Medinsky said X", "“X,” Lavrov said, according to Tass",
    "Medvedev said X, RIA reported": a speech verb with a subject of its own inside a
    relaying cue's content names the speaker; the relay only tells where the words came from."""
    return cue.rule in lex.relaying_cue_rules and any(
        other is not cue and other.source is not None and cue.lo <= other.token.i <= cue.hi
        and other.token.lemma_.lower() in lex.speech_verbs for other in cues)


def drop_nested(indirect: list[tuple[Cue, QuoteCandidate]], lex: QuoteLexicon) -> list[tuple[Cue, QuoteCandidate]]:
    """Nested cues: "said he believed X" keeps the outer clause, unless only the inner
    one names a source ("It should be noted that the Kremlin suggested …")."""
    kept: list[tuple[Cue, QuoteCandidate]] = []
    for cue, cand in indirect:
        others = [(c2, q2) for c2, q2 in indirect if q2 is not cand]
        outer = [q2 for c2, q2 in others if c2.lo <= cue.token.i <= c2.hi and q2.start <= cand.start and cand.end <= q2.end]
        if any(q2.source_i >= 0 for q2 in outer):
            continue
        inner = [q2 for c2, q2 in others if cue.lo <= c2.token.i <= cue.hi and cand.start <= q2.start and q2.end <= cand.end]
        if cand.source_i < 0 and any(q2.source_i >= 0 for q2 in inner):
            continue
        if any(q2.start == cand.start and q2.end == cand.end for _, q2 in kept):
            continue
        kept.append((cue, cand))
    return kept


# --------------------------------------------------------------------------- direct


@dataclass
class DirectSite:
    """One quoted span being attributed, with what the attribution rules read."""

    doc: Doc
    lex: QuoteLexicon
    cues: list[Cue]
    spans: list[QuotedSpan]
    quoted: list[bool]
    k: int  # index of the span in ``spans``

    @property
    def a(self) -> int:
        return self.spans[self.k].a

    @property
    def b(self) -> int:
        return self.spans[self.k].b

    def is_speech(self, t: Token) -> bool:
        lemma = t.lemma_.lower()
        verbs = self.lex.speech_verbs | self.lex.direct_quote_verbs
        if t.pos_ == "ADJ" and t.tag_ in ("JJ", "VBN") and t.lower_.endswith("ed"):
            # "…,” Peskov, a Kremlin spokesperson, informed journalists": a past tense the tagger took for an adjective
            return t.lower_[:-2] in verbs or t.lower_[:-1] in verbs
        return lemma in verbs and t.pos_ in ("VERB", "AUX") and not has_neg(t)


DirectCueRule = Callable[[DirectSite], "tuple[Token, Token | None, str] | None"]


def cue_over_quote(site: DirectSite) -> tuple[Token, Token | None, str] | None:
    """A cue found by the cue rules whose content covers the quote."""
    for cue in site.cues:
        if cue.hi >= site.a and cue.lo <= site.b and not (site.a <= cue.token.i <= site.b) \
                and not relayed(cue, site.cues, site.lex):
            return cue.token, cue.source, cue.phrase
    return None


def attribution_after(site: DirectSite) -> tuple[Token, Token | None, str] | None:
    """"…,” he said" / "….” Truss said.": a speech verb after the quote, when the quote
    ends the way a quote followed by its attribution does or the next sentence is only
    the attribution."""
    doc, lex, b = site.doc, site.lex, site.b
    if word_count(doc, site.a, b) < lex.min_direct_words:
        return None
    next_open = site.spans[site.k + 1].a if site.k + 1 < len(site.spans) else len(doc)
    j = b + 1
    while j < len(doc) and doc[j].text in lex.all_marks:
        j += 1
    segment: list[Token] = []
    while j < min(len(doc), next_open) and not site.quoted[j] and "\n" not in doc[j].text:
        segment.append(doc[j])
        if doc[j].text in SENTENCE_END:
            break
        j += 1
    if not segment:
        return None
    ends_open = doc[b].text in (",", "?", "!", "—", "–", "-", "…") or segment[0].is_lower or segment[0].text == ","
    if not (ends_open or len(segment) <= lex.attribution_max_tokens):
        return None
    for t in segment[:lex.attribution_scan_tokens]:
        if site.is_speech(t):
            source = find_source(t, lex)[0] if t.pos_ == "VERB" else _name_before(t, segment)
            return t, source, t.text
    return None


def _name_before(t: Token, segment: list[Token]) -> Token | None:
    """The first name of an attribution whose verb the parser missed ("Peskov, a Kremlin
    spokesperson, informed journalists")."""
    return next((s for s in segment if s.i < t.i and s.ent_type_ and s.pos_ == "PROPN"), None)


def lead_in(site: DirectSite) -> tuple[Token, Token | None, str] | None:
    """"She said: “…”": the verb a colon or comma before the quote hangs on, or a speech
    verb shortly before it."""
    doc, lex, a = site.doc, site.lex, site.a
    if word_count(doc, a, site.b) < lex.min_direct_words:
        return None
    j = a - 1
    while j >= 0 and doc[j].text in lex.all_marks:
        j -= 1
    if j < 0 or doc[j].text not in (":", ","):
        return None
    for cue in site.cues:  # "For X, a solution is far off: “…”": the quote goes on the statement before it
        if cue.lo < cue.hi < j and all(t.is_punct for t in doc[cue.hi + 1:j + 1]) and cue.source is not None:
            return cue.token, cue.source, cue.phrase
    head = doc[j].head
    if head.i < a and head.pos_ in ("VERB", "AUX") and not site.quoted[head.i]:
        return head, find_source(head, lex)[0], head.text
    prev_close = site.spans[site.k - 1].b if site.k > 0 else -1
    for i in range(j - 1, max(prev_close, j - lex.lead_in_tokens, -1), -1):
        t = doc[i]
        if site.quoted[i] or t.text in SENTENCE_END or "\n" in t.text:
            break
        if site.is_speech(t) or (t.pos_ == "VERB" and doc[j].text == ":"):
            return t, find_source(t, lex)[0], t.text
    return None


def label_lead_in(site: DirectSite) -> tuple[Token, Token | None, str] | None:
    """"Statement: “…”", "Quote from Zelensky: “…”": a short label opening the paragraph,
    before a colon, names the source (a name in it, else a document or group noun)."""
    doc, lex, a = site.doc, site.lex, site.a
    j = a - 1
    while j >= 0 and doc[j].text in lex.all_marks:
        j -= 1
    if j < 0 or doc[j].text != ":":
        return None
    start = j
    while start > 0 and "\n" not in doc[start - 1].text and not site.quoted[start - 1] \
            and doc[start - 1].text not in SENTENCE_END:
        start -= 1
    label = [t for t in doc[start:j] if not t.is_punct and not t.is_space]
    if not label or len(label) > lex.label_max_words:
        return None
    named = [t for t in label if t.ent_type_ in lex.speaker_labels]
    nouns = [t for t in label if t.lemma_.lower() in lex.medium_nouns | lex.group_nouns]
    source = named[-1] if named else nouns[-1] if nouns else None
    return (doc[j], source, ":") if source is not None else None


def naming_verb(site: DirectSite) -> tuple[Token, Token | None, str] | None:
    """"described the war as a “stalemate”", "called it “a farce”": a naming verb governing
    the quoted words."""
    doc, lex, a, b = site.doc, site.lex, site.a, site.b
    for t in doc[a:b + 1]:
        cur = t
        for _ in range(5):
            if cur.head == cur:
                break
            cur = cur.head
            if a <= cur.i <= b:
                continue
            if cur.lemma_.lower() in lex.naming_verbs and cur.pos_ == "VERB":
                return cur, find_source(cur, lex)[0], cur.text
            if cur.pos_ == "VERB":
                break
    return None


DIRECT_CUE_RULES: list[tuple[str, DirectCueRule]] = [
    ("cue_over_quote", cue_over_quote),
    ("attribution_after", attribution_after),
    ("lead_in", lead_in),
    ("label_lead_in", label_lead_in),
    ("naming_verb", naming_verb),
]


def direct_quotes(doc: Doc, lex: QuoteLexicon, cues: list[Cue], spans: list[QuotedSpan],
                  quoted: list[bool], consumed: set[int]) -> list[QuoteCandidate]:
    """Direct quotes: each quoted span not inside an indirect quote, with the first
    attribution ``DIRECT_CUE_RULES`` finds. A span with none is kept only when it reads
    as a statement (enough words and a verb) or is a paragraph of a longer quote; it
    may inherit the previous quote's speaker later."""
    out: list[QuoteCandidate] = []
    for k, qs in enumerate(spans):
        if k in consumed:
            continue
        site = DirectSite(doc, lex, cues, spans, quoted, k)
        found, rule = None, ""
        for name, attribution in DIRECT_CUE_RULES:
            found = attribution(site)
            if found is not None:
                rule = name
                break
        m, a, b = qs.mark, qs.a, qs.b
        paragraph_of_longer_quote = (m.continues or m.close_at < 0) and word_count(doc, a, b) > 1
        if found is None and not paragraph_of_longer_quote and (
            word_count(doc, a, b) < lex.min_direct_words or not any(t.pos_ in ("VERB", "AUX") for t in doc[a:b + 1])
        ):
            continue  # a term or title set off in marks, not a statement
        cue_tok, source, phrase = found if found is not None else (None, None, "")
        cand = QuoteCandidate(m.start, m.end, "direct", phrase, cue_tok.i if cue_tok is not None else -1,
                              mark=m, rule=rule or "unattributed")
        cand.source_i = source.i if source is not None else -1
        cand.has_cue = cue_tok is not None
        out.append(cand)
    return out


# --------------------------------------------------------------------------- filters


def unfit_source(doc: Doc, lex: QuoteLexicon, q: QuoteCandidate) -> bool:
    """An unnamed source whose head noun cannot speak ("the war …, suggesting")."""
    return q.speaker.kind == "anonymous" and q.source_i >= 0 and doc[q.source_i].lemma_.lower() in lex.non_source_heads


def sourceless_act(doc: Doc, lex: QuoteLexicon, q: QuoteCandidate) -> bool:
    """A noun-phrase speech act with nobody performing it ("dismissing mediation
    efforts" hung on nothing, an imperative "Encourage Ukraine to …") attributes nothing."""
    return q.kind == "indirect" and q.source_i < 0 and q.rule in NOUN_PHRASE_ACTS


def journalist_question(doc: Doc, lex: QuoteLexicon, q: QuoteCandidate) -> bool:
    """"Asked about US comments on a meeting, …": content that is the question put to the
    source ("(when) asked about …") is not the source's statement."""
    span = doc.char_span(q.start, q.end, alignment_mode="expand")
    if span is None or q.kind != "indirect":
        return False
    first = span[1] if len(span) > 1 and span[0].lower_ in lex.question_leads else span[0]
    return first.lemma_.lower() in lex.question_cues and first.tag_ == "VBN"


NOUN_PHRASE_ACTS = {"demand_on_someone", "accusation", "prepositional", "object_complement", "stated_object"}

QuoteFilter = Callable[[Doc, QuoteLexicon, QuoteCandidate], bool]

QUOTE_FILTERS: list[tuple[str, QuoteFilter]] = [
    ("unfit_source", unfit_source),
    ("sourceless_act", sourceless_act),
    ("journalist_question", journalist_question),
]
