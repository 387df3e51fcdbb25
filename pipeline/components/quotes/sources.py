"""Source rules: which token names who made a statement, read from the cue verb's parse.

``SOURCE_RULES`` are tried in order on a cue verb; each returns a ``Source`` (the
token, or None with the reason) or None when it does not apply. Climbing rules
call ``find_source`` again on the governing verb ("…, adding that …" is said by
the subject of the verb "adding" hangs on).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Token

from .grammar import paragraph_subject
from .lexicon import QuoteLexicon

MAX_CLIMB = 3


@dataclass
class Source:
    """The source token of a cue (None: the statement has no source in the parse)."""

    token: Token | None
    passive: bool = False  # a passive cue without agent ("it was said that …")


SourceRule = Callable[[Token, QuoteLexicon, int], "Source | None"]


def quoted_person(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """"Peskov was quoted as saying", "state TV quoted him as saying": the person quoted."""
    if depth == 0 or verb.lemma_.lower() not in lex.quoting_verbs:
        return None
    person = next((c for c in verb.children if c.dep_ in ("nsubjpass", "dobj")), None)
    return Source(person) if person is not None else None


def subject(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """The cue's subject; a relative pronoun stands for the noun it modifies."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    # two subjects is a parse of "the retired general and former director David Petraeus told"
    subj = next((c for c in subjects if c.pos_ == "PROPN"), subjects[0] if subjects else None)
    if subj is not None and any("\n" in t.text for t in verb.doc[min(subj.i, verb.i):max(subj.i, verb.i)]):
        subj = paragraph_subject(verb)
    if subj is None:
        return None
    if subj.lower_ in lex.relative_pronouns and verb.dep_ == "relcl":
        return Source(verb.head)
    if subj.lower_ == "it" and any(c.dep_ in ("acomp", "xcomp", "attr") for c in verb.children) and depth > 0:
        return Source(None)  # "It's important to note that ...": no source
    return Source(subj)


def inverted_subject(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """"“…,” tweeted the ministry": right after a closing quotation mark, the noun phrase
    following a speech verb with no subject is its subject, whatever the parser made of it."""
    doc = verb.doc
    before = doc[verb.i - 1] if verb.i > 0 else None
    if before is not None and before.text in (",", "?", "!") and verb.i > 1:
        before = doc[verb.i - 2]
    if before is None or before.text not in lex.all_marks or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return None
    after = next((c for c in verb.children if c.dep_ in ("dobj", "attr", "npadvmod", "dative") and c.i > verb.i
                  and c.pos_ in ("PROPN", "NOUN")), None)
    return Source(after) if after is not None and after.left_edge.i == verb.i + 1 else None


def agent(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """A passive cue's agent ("was announced by the ministry"); without one, no source."""
    by = next((c for c in verb.children if c.dep_ == "agent"), None)
    pobj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    if pobj is not None:
        return Source(pobj)
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return Source(None, passive=True)
    return None


def noun_modifier(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """A cue modifying a noun: "comments by General Milley, suggesting …" (the agent);
    "issued a statement calling for …" (who issued the document); "the statement,
    calling for …" (the document itself)."""
    if verb.dep_ != "acl" or verb.head.pos_ != "NOUN":
        return None
    noun = verb.head
    for prep in noun.children:
        if prep.dep_ in ("prep", "agent") and prep.lower_ in lex.agent_prepositions:
            pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return Source(pobj)
    if noun.lemma_.lower() in lex.medium_nouns:
        if noun.dep_ in ("dobj", "attr") and noun.head.pos_ in ("VERB", "AUX") and depth < MAX_CLIMB:
            return find_source_of(noun.head, lex, depth + 1)
        return Source(noun)  # "a joint statement (that) called for …": the document speaks
    return None


def relative_clause(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """A cue in a relative clause speaks for the noun it modifies; a document's clause
    ("signed a decree that prohibits talks") for whoever issued the document."""
    if verb.dep_ != "relcl" or verb.head.pos_ not in ("NOUN", "PROPN"):
        return None
    noun = verb.head
    if noun.lemma_.lower() in lex.medium_nouns and noun.dep_ in ("dobj", "attr") \
            and noun.head.pos_ in ("VERB", "AUX") and depth < MAX_CLIMB:
        issuer = find_source_of(noun.head, lex, depth + 1)
        if issuer.token is not None:
            return issuer
    return Source(noun)


def governing_verb(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """A cue in a clause that hangs on another verb ("…, adding that …", "vowed to
    say", "by suggesting that …") has that verb's source; a reported clause only
    through verbs of seeming or commitment ("appears to have said")."""
    if depth >= MAX_CLIMB or verb.dep_ not in ("conj", "xcomp", "advcl", "pcomp", "ccomp", "parataxis", "dep"):
        return None
    if verb.dep_ == "dep" and (verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.head.pos_ != "VERB"):
        return None  # an unlabelled attachment counts only as a finite verb's second predicate
    head = verb.head
    if head == verb:
        return None
    if verb.dep_ == "ccomp" and head.lemma_.lower() not in lex.xcomp_verbs | lex.seeming_verbs:
        return Source(None)
    if verb.dep_ == "xcomp":
        # object control: "led some officials to describe it as …" is said by the officials
        controller = next((c for c in head.children if c.dep_ == "dobj" and c.i < verb.i), None)
        if controller is not None:
            return Source(controller)
    if head.pos_ == "ADP" and head.dep_ == "prep" and head.head != head:
        head = head.head  # "by suggesting", "as saying": the verb the preposition hangs on
        if head.pos_ not in ("VERB", "AUX"):
            return Source(None)
    return find_source_of(head, lex, depth + 1)


def participle_of_speaker(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """"The Kremlin said …, adding that …": a participle of speech hung inside the reported
    clause still has the subject of the speech verb above it."""
    if verb.tag_ != "VBG" or verb.dep_ != "advcl" or depth >= MAX_CLIMB or verb.lemma_.lower() in lex.inference_verbs:
        return None  # "…, suggesting Moscow plays hardball" is the writer's inference
    for above in verb.ancestors:
        if above.lemma_.lower() in lex.speech_verbs and above.pos_ == "VERB":
            return find_source_of(above, lex, depth + 1)
    return None


def nearest_name(verb: Token, lex: QuoteLexicon, depth: int) -> Source | None:
    """A finite speech verb the parser left without subject ("…, US Secretary of State
    Marco Rubio said …" parsed as an apposition): the name or subject just before it."""
    if depth > 0 or verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.lemma_.lower() not in lex.speech_verbs:
        return None
    doc = verb.doc
    for tok in reversed(doc[max(0, verb.i - lex.subject_gap_tokens):verb.i]):  # the parse may split the sentence too
        if "\n" in tok.text:
            return None
        if tok.ent_type_ in lex.speaker_labels and tok.dep_ not in ("pobj", "poss", "compound"):
            return Source(tok)
        if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in ("NOUN", "PROPN"):
            return Source(tok)  # "The European leaders, in their statement …, stressed"
        if tok.text in (".", ";", ":") or tok.pos_ == "VERB" and tok.dep_ not in ("advcl", "ccomp", "acl", "relcl"):
            return None
    return None


SOURCE_RULES: list[tuple[str, SourceRule]] = [
    ("quoted_person", quoted_person),
    ("subject", subject),
    ("inverted_subject", inverted_subject),
    ("agent", agent),
    ("noun_modifier", noun_modifier),
    ("relative_clause", relative_clause),
    ("participle_of_speaker", participle_of_speaker),
    ("governing_verb", governing_verb),
    ("nearest_name", nearest_name),
]


def find_source_of(verb: Token, lex: QuoteLexicon, depth: int = 0) -> Source:
    """The source of the statement cued by ``verb``: the first source rule that applies."""
    for _, rule in SOURCE_RULES:
        found = rule(verb, lex, depth)
        if found is not None:
            return found
    return Source(None)


def find_source(verb: Token, lex: QuoteLexicon) -> tuple[Token | None, bool]:
    """(source token or None, True when the cue is passive without an agent)."""
    found = find_source_of(verb, lex)
    return found.token, found.passive
