"""Cue rules: the words that attribute content to a source, one small rule per family.

Each rule looks at one token (outside quotation marks) and returns a ``Cue`` (the
cue, its content's token range and its source token), ``VETO`` (the token cues
nothing, later rules are skipped) or None (the rule does not apply). ``CUE_RULES``
lists them in the order they are tried; the first cue found for a token wins,
unless the rule says others may add to it (``Cue.final``). The rule's name is kept
on the cue and written as the quote's ``cue_rule``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from spacy.tokens import Doc, Token

from .grammar import (
    Cue, clause_of, cut_paragraph, has_neg, misattached_that_clause, parenthetical_cue,
    phrase_object, skip_leading_time, strip_range, word_count,
)
from .lexicon import QuoteLexicon
from .sources import find_source

VETO = "veto"
DASHES = ("-", "–", "—")
_UNSET = object()


@dataclass
class CueSite:
    """One token being read by the cue rules, with what they share about it."""

    tok: Token
    lex: QuoteLexicon
    quoted: list[bool]
    _source: object = field(default=_UNSET, repr=False)

    @property
    def doc(self) -> Doc:
        return self.tok.doc

    @property
    def lemma(self) -> str:
        return self.tok.lemma_.lower()

    @property
    def source(self) -> tuple[Token | None, bool]:
        """(source token, passive without agent) of the token read as a cue verb."""
        if self._source is _UNSET:
            self._source = find_source(self.tok, self.lex)
        return self._source  # type: ignore[return-value]

    def cue(self, lo: int, hi: int, phrase: str = "", source: Token | None | object = _UNSET,
            passive: bool | None = None) -> Cue:
        src, pas = self.source if source is _UNSET else (source, False)
        return Cue(self.tok, phrase or self.tok.text, lo, hi, src, pas if passive is None else passive)

    def strip(self, lo: int, hi: int) -> tuple[int, int]:
        return strip_range(self.doc, lo, hi, self.lex.all_marks)


CueRule = Callable[[CueSite], "Cue | str | None"]


# --------------------------------------------------------------------------- rules


def source_phrase(site: CueSite) -> Cue | None:
    """"according to X", "as per X", "as reported by X": the rest of the clause is X's."""
    tok, doc, lex = site.tok, site.doc, site.lex
    for phrase in lex.source_phrases:
        if tok.lower_ != phrase[0] or tuple(t.lower_ for t in doc[tok.i:tok.i + len(phrase)]) != phrase:
            continue
        src = phrase_object(doc, doc[tok.i + len(phrase) - 1])
        if src is None:
            continue
        sent = tok.sent
        ph_hi = max(src.right_edge.i, src.i)
        clause_head = clause_of(tok)
        c_lo, c_hi = max(clause_head.left_edge.i, sent.start), min(clause_head.right_edge.i, sent.end - 1)
        # the content is the clause minus the source phrase, on its longer side
        lo, hi = (c_lo, tok.i - 1) if tok.i - c_lo >= c_hi - ph_hi else (ph_hi + 1, c_hi)
        lo, hi = site.strip(lo, hi)
        if hi - lo >= 2:
            cue = site.cue(lo, hi, " ".join(phrase), source=src)
            cue.final = False  # the token may also be a verb cue of its own ("citing")
            return cue
    return None


def stance_word(site: CueSite) -> Cue | None:
    """"has been insistent that …", "maintained the position that …": an adjective or
    noun of stance whose that-clause is the content, held by the governing verb's subject."""
    tok, lex = site.tok, site.lex
    if not ((site.lemma in lex.cue_adjectives and tok.pos_ == "ADJ") or (site.lemma in lex.content_nouns and tok.pos_ == "NOUN")):
        return None
    comp = next((c for c in tok.children if c.dep_ in ("ccomp", "acl") and c.i > tok.i
                 and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
    if comp is None:
        return None
    governor = tok.head
    source, passive = find_source(governor, lex) if governor != tok else (None, False)
    if tok.pos_ == "NOUN" and governor.lemma_.lower() == "be":
        source = None  # "the view is that …": nobody holds it
    owner = next((c for c in tok.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")), None)
    if owner is not None:
        source, passive = owner, False  # "rejected Orban's claim that …": the claim is Orban's
    if source is None:
        return None
    lo, hi = cut_paragraph(site.doc, comp.left_edge.i, comp.right_edge.i, comp.i)
    lo, hi = site.strip(lo, hi)
    return site.cue(lo, hi, source=source, passive=passive) if hi >= lo else None


def stance_adjective(site: CueSite) -> Cue | None:
    """"is sceptical of a summit without Russia", "are concerned about X": an adjective
    of stance and its prepositional object, held by the subject of the copula."""
    tok, lex = site.tok, site.lex
    wanted = lex.adjective_prep_cues.get(site.lemma) if tok.pos_ == "ADJ" else None
    if not wanted or tok.dep_ not in ("acomp", "amod", "ROOT", "conj"):
        return None
    prep = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ in wanted), None)
    objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")] if prep is not None else []
    governor = tok.head if tok.dep_ == "acomp" else None
    if not objs or governor is None:
        return None
    source, passive = find_source(governor, lex)
    if source is None:
        return None
    lo, hi = site.strip(min(o.left_edge.i for o in objs), max(o.right_edge.i for o in objs))
    return site.cue(lo, hi, f"{tok.text} {prep.text}", source=source, passive=passive) if hi - lo >= 1 else None


def viewpoint(site: CueSite) -> Cue | None:
    """"For Sergey Radchenko, a solution remains far off": a sentence opened by "for" and
    a person or organisation, set off by a comma, is that source's view."""
    tok, doc, lex = site.tok, site.doc, site.lex
    if tok.lower_ not in lex.viewpoint_prepositions or tok.dep_ != "prep" or tok.i != tok.sent.start:
        return None
    pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None or pobj.ent_type_ not in lex.viewpoint_labels:
        return None
    end = tok.right_edge.i  # the "For X, …," phrase, appositions included
    if end + 1 >= tok.sent.end or doc[end + 1].text != "," and doc[end].text != ",":
        return None
    hi = next((t.i - 1 for t in doc[end + 1:tok.sent.end] if t.text == ":"), tok.sent.end - 1)  # a quote after a colon is its own
    lo, hi = site.strip(end + 1, hi)
    return site.cue(lo, hi, tok.text, source=pobj) if word_count(doc, lo, hi) >= 4 else None


def not_a_verb(site: CueSite) -> str | None:
    """Only verbs (and verbs the tagger took for plural nouns) cue from here on; a negated
    verb ("did not say") attributes nothing."""
    tok = site.tok
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.tag_ == "VBZ"):
        return VETO
    # "did not say" attributes nothing; "doesn't believe it has to negotiate" states a belief
    return VETO if has_neg(tok) and site.lemma not in site.lex.cognition_verbs else None


def passive_participle(site: CueSite) -> Cue | str | None:
    """"…, as reported by two officials": the main clause is the agent's."""
    tok = site.tok
    if not (site.lemma in site.lex.passive_source_verbs and tok.dep_ == "advcl" and tok.tag_ == "VBN"):
        return None
    agent = next((c for c in tok.children if c.dep_ == "agent"), None)
    src = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if src is None:
        return None
    lo, hi = site.strip(tok.head.left_edge.i, tok.left_edge.i - 1)
    after_quote = lo > 0 and site.quoted[lo - 1] or (
        lo > 1 and site.doc[lo - 1].text in site.lex.all_marks and site.quoted[lo - 2])
    if after_quote:
        return VETO  # "“…,” Peskov told journalists, as reported by Reuters": the relay of an attribution
    return site.cue(lo, hi, source=src) if hi - lo >= 2 else VETO


def refused(site: CueSite) -> str | None:
    """"refused to confirm or deny the contact": a cue under a verb of refusal states nothing."""
    head = site.tok.head
    if site.tok.dep_ == "conj" and head.dep_ == "xcomp":
        head = head.head
    elif site.tok.dep_ != "xcomp":
        return None
    return VETO if head.lemma_.lower() in site.lex.refusal_verbs else None


def writer_voice(site: CueSite) -> str | None:
    """The writer's own voice ("we expect talks to start") is not attributed."""
    source, _ = site.source
    if source is not None and site.lex.pronouns.get(source.lower_, {}).get("kind") == "writer":
        return VETO
    return None


def question_put(site: CueSite) -> str | None:
    """"Asked about …", "When asked whether …": the journalist's question, not a statement."""
    tok = site.tok
    if site.lemma in site.lex.question_cues and tok.tag_ == "VBN" and tok.dep_ in ("advcl", "ROOT", "conj", "ccomp"):
        if not any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children):
            return VETO
    return None


def holds_parenthetical(site: CueSite) -> str | None:
    """A sentence with a cue set off inside it belongs to that cue, not to its main verb."""
    return VETO if any(parenthetical_cue(c, site.lex) for c in site.tok.children) else None


def parenthetical(site: CueSite) -> Cue | str | None:
    """"Any deal, the minister said, would need parliament's approval": the sentence
    around the parenthetical cue is the content."""
    tok, doc = site.tok, site.doc
    if not parenthetical_cue(tok, site.lex) or site.source[0] is None:
        return None
    lo, hi = cut_paragraph(doc, tok.sent.start, tok.sent.end - 1, tok.i)
    lo, hi = site.strip(lo, hi)
    return site.cue(lo, hi) if hi >= lo and word_count(doc, lo, hi) >= 4 else VETO


def reported_clause(site: CueSite) -> Cue | None:
    """"said (that) …", "believes …": a speech or cognition verb's clausal complement."""
    tok, doc, lex = site.tok, site.doc, site.lex
    if site.lemma not in lex.clause_verbs:
        return None
    children = list(tok.children)
    comp = next((c for c in children if c.dep_ == "ccomp" and c.i > tok.i), None)
    comp_before = next((c for c in children if c.dep_ == "ccomp" and c.i < tok.i), None)
    if comp is None and comp_before is not None and not any(
        m.dep_ == "mark" and m.lower_ != "that" for m in comp_before.children
    ):
        comp = comp_before
    if comp is None:
        comp = misattached_that_clause(tok, lex)
    if comp is None:
        return None
    if site.lemma in lex.weak_verbs and not any(c.dep_ == "mark" and c.lower_ == "that" for c in comp.children):
        return None
    lo, hi = comp.left_edge.i, comp.right_edge.i
    lo, hi = cut_paragraph(doc, lo, hi, comp.i if comp.i > tok.i else hi)
    for t in doc[comp.i + 1:hi + 1]:
        # "…, adding he thought …", "…, accusing Kyiv of …", "…, while Zelensky said …": a
        # second cue ends the first content (a second speaker only when named: "and he
        # expects …" goes on)
        lemma = t.lemma_.lower()
        subjects = [c for c in t.children if c.dep_ == "nsubj" and (
            c.pos_ == "PROPN" or c.lemma_.lower() in lex.role_words | lex.group_nouns)]  # a speaker, not "25%"
        second_speaker = lemma in lex.clause_verbs and (
            (t.dep_ == "conj" and any(c.pos_ == "PROPN" for c in subjects))
            or (subjects and any(m.dep_ == "mark" and m.lower_ in lex.contrast_marks for m in t.children)))
        # "… remarks by Trump, who warned of new tariffs": a relative clause with a cue of its own
        own_relative = t.dep_ == "relcl" and lemma in lex.cue_verbs and t.i > comp.i
        if own_relative:
            hi = t.left_edge.i - 1
            break
        if t.dep_ in ("advcl", "conj") and ((t.tag_ == "VBG" and lemma in lex.cue_verbs) or second_speaker):
            hi = t.left_edge.i - 1
            break
    for t in doc[comp.i + 1:hi + 1]:
        # "… an agreement – to which Zelensky reacted strongly": the writer's comment, set off by a dash
        if t.text in DASHES and t.i + 1 <= hi and any(
                r.lower_ in lex.relative_pronouns for r in doc[t.i + 1:min(t.i + 3, hi + 1)]):
            hi = t.i - 1
            break
    lo = skip_leading_time(doc, lo, hi)
    lo, hi = site.strip(lo, hi)
    if hi < lo or word_count(doc, lo, hi) < 2:
        return None
    cue = site.cue(lo, hi)
    # "…, he said: “…”" may also report the clause before it
    cue.final = not (comp.i > tok.i and tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":")
    return cue


def inverted(site: CueSite) -> Cue | None:
    """"Turkey may provide a model, he suggested" or "…, RIA reports": the clause before
    a speech verb set off by a comma or dash is its content."""
    tok, doc, lex = site.tok, site.doc, site.lex
    if site.lemma not in lex.clause_verbs or tok.dep_ not in ("parataxis", "ROOT", "advcl", "conj", "ccomp"):
        return None
    source, _ = site.source
    children = list(tok.children)
    left = tok.i
    if source is not None and source.i < tok.i and source.head.i == tok.i:
        left = source.left_edge.i
    elif source is not None and source.i < tok.i:
        left = -1
    prev = doc[left - 1] if left > tok.sent.start else None
    after = [c for c in children if c.dep_ in ("dobj", "ccomp", "xcomp") and c.i > tok.i]
    colon_next = tok.i + 1 < len(doc) and doc[tok.i + 1].text == ":"
    if prev is None or prev.text not in (",", "–", "—") or (after and not colon_next):
        return None
    lo, hi = tok.sent.start, prev.i - 1
    if tok.dep_ != "ROOT" and tok.head.i < tok.i:
        lo = max(lo, tok.head.left_edge.i)
    lo, hi = cut_paragraph(doc, lo, hi, hi)
    lo, hi = site.strip(lo, hi)
    # the clause before the cue must be the one the cue attaches to
    linked = (lo <= tok.head.i <= hi) if tok.dep_ != "ROOT" else any(
        lo <= c.i <= hi and c.dep_ not in ("prep", "npadvmod", "advmod", "punct") for c in children
    )
    return site.cue(lo, hi) if hi - lo >= 3 and linked else None


def commitment(site: CueSite) -> Cue | None:
    """"vowed to end the war": the infinitive states the commitment."""
    tok = site.tok
    if site.lemma not in site.lex.xcomp_verbs:
        return None
    comp = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
    if comp is None:
        return None
    lo, hi = site.strip(comp.left_edge.i, comp.right_edge.i)
    return site.cue(lo, hi) if hi - lo >= 1 else None


def demand_on_someone(site: CueSite) -> Cue | None:
    """"urged both sides to agree a truce": the addressee and what they should do."""
    tok = site.tok
    if site.lemma not in site.lex.object_xcomp_verbs:
        return None
    dobj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    comp = next((c for c in tok.children if c.dep_ == "xcomp" and dobj is not None and c.i > dobj.i), None)
    if comp is None:
        return None
    lo, hi = site.strip(dobj.left_edge.i, comp.right_edge.i)
    return site.cue(lo, hi) if word_count(site.doc, lo, hi) >= 3 else None


def accusation(site: CueSite) -> Cue | None:
    """"accused Russia of undermining the talks": the object and its prepositional phrase."""
    tok, lex = site.tok, site.lex
    if site.lemma not in lex.object_prep_cues:
        return None
    dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
    wanted = lex.object_prep_cues[site.lemma]
    prep = next((c for c in tok.children if c.dep_ in ("prep", "dative") and c.lower_ in wanted), None)
    if prep is None and dobj is not None:  # "accused Ukraine's leaders of showing …" hung on the object
        prep = next((c for c in dobj.children if c.dep_ == "prep" and c.lower_ in wanted and c.i > dobj.i), None)
    if dobj is None or prep is None or prep.i < dobj.i:
        return None
    lo, hi = site.strip(dobj.left_edge.i, prep.right_edge.i)
    return site.cue(lo, hi)


def prepositional(site: CueSite) -> Cue | None:
    """"called for a ceasefire", "insists on guarantees", "ruled out talks": the object
    of the cue's preposition or particle."""
    tok, lex, doc = site.tok, site.lex, site.doc
    wanted = lex.prep_cues.get(site.lemma)
    if not wanted:
        return None
    children = list(tok.children)
    # the preposition listed first wins: "called on several occasions for a truce"
    prep = next((c for word in wanted for c in children if c.dep_ in ("prep", "prt") and c.lower_ == word), None)
    if prep is None:  # "spoke on several occasions about …": hung on the first object
        prep = next((g for c in children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"
                     for g in o.children if g.dep_ == "prep" and g.lower_ in wanted), None)
    if prep is None:  # "called for eight countries to be guarantors": a for-to clause
        clause = next((c for c in children if c.dep_ in ("advcl", "ccomp") and c.i > tok.i and any(
            m.dep_ == "mark" and m.lower_ in wanted and m.i == c.left_edge.i for m in c.children)), None)
        if clause is None:
            return None
        lo, hi = site.strip(clause.left_edge.i + 1, clause.right_edge.i)
        return site.cue(lo, hi, f"{tok.text} {doc[clause.left_edge.i].text}") if hi - lo >= 1 else None
    if prep.dep_ == "prep":
        objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")
                and c.ent_type_ not in ("DATE", "TIME")]  # "called on Sunday" is no demand
    else:
        objs = [c for c in children if c.i > prep.i and (
            c.dep_ in ("dobj", "xcomp", "ccomp", "pcomp") or (c.dep_ == "advcl" and c.tag_ == "VBG"))]
    if not objs:
        return None
    hi = max(o.right_edge.i for o in objs)
    # "called on both sides to agree a truce", "called for eight countries to be guarantors":
    # the infinitive the parser hung on the verb belongs to the demand
    infinitive = next((c for c in children if c.dep_ in ("xcomp", "advcl") and c.i > hi
                       and any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children)), None)
    if infinitive is not None:
        hi = infinitive.right_edge.i
    lo, hi = site.strip(min(o.left_edge.i for o in objs), hi)
    return site.cue(lo, hi, f"{tok.text} {prep.text}") if hi - lo >= 1 else None


def passive_object(site: CueSite) -> Cue | None:
    """"This proposal was rejected by the UN", "demands rejected by Kyiv": what a stated
    object verb acts on, said by its agent."""
    tok = site.tok
    if site.lemma not in site.lex.passive_object_verbs or tok.tag_ != "VBN":
        return None
    by = next((c for c in tok.children if c.dep_ == "agent"), None)
    agent = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    if agent is None:
        return None
    subject = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
    if subject is not None and subject.lower_ not in site.lex.relative_pronouns:
        lo, hi = subject.left_edge.i, subject.right_edge.i
    elif tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN"):
        lo, hi = tok.head.left_edge.i, tok.head.i  # the noun the participle modifies
    else:
        return None
    lo, hi = site.strip(lo, hi)
    return site.cue(lo, hi, source=agent) if hi >= lo else None


def stated_object(site: CueSite) -> Cue | None:
    """"denies the allegation that …", "demanded binding agreements": the object is the claim."""
    tok = site.tok
    if site.lemma not in site.lex.object_verbs:
        return None
    dobj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    if dobj is None or dobj.pos_ not in ("NOUN", "PROPN"):
        return None
    lo, hi = site.strip(dobj.left_edge.i, dobj.right_edge.i)
    return site.cue(lo, hi) if word_count(site.doc, lo, hi) >= site.lex.object_min_words else None


def object_complement(site: CueSite) -> Cue | None:
    """"branded the proposal a provocation", "called it impactful", "dismissed the
    annexations as illegal", "sees it as a guarantee": the object and what it is called."""
    tok = site.tok
    if site.lemma not in site.lex.object_complement_verbs:
        return None
    dobj = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    if dobj is None:
        return None
    complement = next((c for c in tok.children if c.i > dobj.i and (
        c.dep_ in ("oprd", "xcomp", "ccomp", "acomp", "dobj") or (c.dep_ == "prep" and c.lower_ == "as"))), None)
    if complement is None:  # the parser hung the complement on the object ("called Washington's criticism absurd")
        complement = next((c for c in dobj.children if c.i > dobj.i and (
            c.dep_ in ("amod", "appos", "oprd") or (c.dep_ == "prep" and c.lower_ == "as"))), None)
    if complement is None or any(site.quoted[complement.left_edge.i:complement.right_edge.i + 1]):
        return None  # a word the source used, in marks, is the quote ("as a “stalemate”")
    lo, hi = site.strip(dobj.left_edge.i, max(complement.right_edge.i, dobj.right_edge.i))
    return site.cue(lo, hi) if word_count(site.doc, lo, hi) >= 2 else None


# --------------------------------------------------------------------------- headline

HEADLINE_SEPARATORS = (":", "–", "—", "-")


def headline(doc: Doc, lex: QuoteLexicon, quoted: list[bool]) -> list[Cue]:
    """Attributions in the headline (SPEC s.2): "Erdoğan: Türkiye ready to host talks",
    "Türkiye ready to host talks: Erdoğan", "Kyiv offers no grounds for talks – Kremlin",
    "Trump considering missiles for Ukraine, Vance says". The source side is short and
    ends with a name, a role or a group noun; the other side is the content."""
    text = doc.text
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    line = doc.char_span(start, end if end > 0 else len(text), alignment_mode="contract")
    if line is None or len(line) > lex.headline_max_tokens or line[-1].text in (".", "?"):
        return []
    separators = [t for t in line if t.text in HEADLINE_SEPARATORS and not quoted[t.i]
                  and (t.text == ":" or (t.i > 0 and t.nbor(-1).whitespace_))]  # "Ukraine-Russia" is no separator
    for sep in separators:
        left, right = doc[line.start:sep.i], doc[sep.i + 1:line.end]
        for source_side, content in ((left, right), (right, left)):
            if sep.text != ":" and source_side is left:
                continue  # "X – Y" attributes to the side after the dash only
            source = _headline_source(source_side, lex)
            lo, hi = strip_range(doc, content.start, content.end - 1, lex.all_marks)
            if source is not None and word_count(doc, lo, hi) >= 3:
                return [Cue(sep, sep.text, lo, hi, source, rule="headline")]
    said = next((t for t in line if t.lemma_.lower() in lex.speech_verbs and t.i > line.start
                 and t.nbor(-1).i > line.start), None)
    comma = next((t for t in reversed(line[:said.i - line.start]) if t.text == ","), None) if said is not None else None
    if comma is not None:
        source = _headline_source(doc[comma.i + 1:said.i], lex)
        lo, hi = strip_range(doc, line.start, comma.i - 1, lex.all_marks)
        if source is not None and word_count(doc, lo, hi) >= 3:
            return [Cue(said, said.text, lo, hi, source, rule="headline")]
    return []


def _headline_source(side, lex: QuoteLexicon) -> Token | None:
    """The token naming a headline's source, when ``side`` is a short source phrase."""
    commas = [t.i for t in side if t.text == ","]
    if commas:  # "Ukraine, Zelensky: …": the name after the topic
        side = side.doc[commas[-1] + 1:side.end]
    words = [t for t in side if not t.is_punct]
    if not words or len(words) > lex.headline_source_max_words:
        return None
    last = words[-1]
    if last.lemma_.lower() in lex.non_source_heads:
        return None
    if any(not (t.is_punct or t.dep_ == "case" or last.i >= t.head.i > t.i) for t in words[:-1]):
        return None  # the side must be one noun phrase ending in its head ("Russia's Lavrov", not "Prospects for Peace")
    if last.ent_type_ in lex.speaker_labels or (last.is_upper and len(last.text) > 1):
        return last
    if last.lemma_.lower() in lex.role_words | lex.group_nouns:
        return last
    return None


DOC_CUE_RULES: list[tuple[str, Callable[[Doc, QuoteLexicon, list[bool]], list[Cue]]]] = [
    ("headline", headline),
]


# --------------------------------------------------------------------------- the order

CUE_RULES: list[tuple[str, CueRule]] = [
    ("source_phrase", source_phrase),
    ("stance_word", stance_word),
    ("stance_adjective", stance_adjective),
    ("viewpoint", viewpoint),
    ("not_a_verb", not_a_verb),
    ("passive_participle", passive_participle),
    ("refused", refused),
    ("writer_voice", writer_voice),
    ("question_put", question_put),
    ("holds_parenthetical", holds_parenthetical),
    ("parenthetical", parenthetical),
    ("reported_clause", reported_clause),
    ("inverted", inverted),
    ("commitment", commitment),
    ("demand_on_someone", demand_on_someone),
    ("accusation", accusation),
    ("prepositional", prepositional),
    ("object_complement", object_complement),
    ("passive_object", passive_object),
    ("stated_object", stated_object),
]


def find_cues(doc: Doc, lex: QuoteLexicon, quoted: list[bool]) -> list[Cue]:
    """Every cue outside quotation marks, with its content range and source token.

    Args:
        doc: a parsed Doc.
        lex: the stage's lexicon.
        quoted: True for tokens inside quotation marks (they cue nothing).

    Returns:
        The cues (the document-level rules' first, then the token rules' in text
        order); each names the rule that found it.
    """
    cues: list[Cue] = [cue for _, rule in DOC_CUE_RULES for cue in rule(doc, lex, quoted)]
    for tok in doc:
        if quoted[tok.i]:
            continue
        site = CueSite(tok, lex, quoted)
        for name, rule in CUE_RULES:
            found = rule(site)
            if found is None:
                continue
            if found == VETO:
                break
            found.rule = name
            cues.append(found)
            if found.final:
                break
    return cues
