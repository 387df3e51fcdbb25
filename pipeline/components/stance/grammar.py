"""The grammar the stance rules read: lexicon phrases, targets, negation, subjects,
conditions and a quote's context in its sentence.

Everything here works on spaCy tokens (or anything with ``lower_``, ``lemma_``,
``dep_``, ``head``, ``children``, ``pos_``, ``i``), so it is testable on hand-built Docs.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..extensions import DATES_KEY
from .lexicon import Phrase, PhraseSet, StanceLexicon, norm_word

# (start, end, phrase) over a token sequence: seq[start:end] matched ``phrase``
Match = tuple[int, int, str]

# dependency labels that close a clause: negation and subjects are looked up to here
_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "csubj", "acl", "parataxis"}
_NEG_CHILD_DEPS = {"det", "advmod", "preconj", "neg", "npadvmod"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}



def token_forms(tokens: Sequence[Token]) -> list[set[str]]:
    """Each token's forms as the lexicons match them: the word as written and its lemma."""
    return [{norm_word(t.lower_), norm_word(t.lemma_)} for t in tokens]


def find_phrases(tokens: Sequence[Token], phrases: Iterable[Phrase], forms: list[set[str]] | None = None) -> list[Match]:
    """Find the lexicon phrases in a token sequence, longest first, without overlaps.

    Args:
        tokens: the tokens to search (a Span, or a list of tokens).
        phrases: normalised phrases, longest first (a :class:`PhraseSet` of the lexicon).
        forms: the tokens' :func:`token_forms`, when the caller has them already.

    Returns:
        ``(start, end, phrase)`` triples indexing ``tokens``, in text order.
    """
    if not isinstance(phrases, PhraseSet):
        phrases = PhraseSet(phrases)
    seq = list(tokens)
    forms = token_forms(seq) if forms is None else forms
    # (phrase order, start): only phrases whose first word is in the text are tried
    candidates = [(order, start, phrase) for order, phrase in phrases.wildcard_first for start in range(len(seq))]
    for start, forms_here in enumerate(forms):
        for form in forms_here:
            candidates.extend((order, start, phrase) for order, phrase in phrases.by_first.get(form, ()))
    candidates.sort()
    taken: set[int] = set()
    found: list[Match] = []
    for _, start, phrase in candidates:
        end = start + len(phrase)
        if end > len(seq) or not all(w == "*" or w in forms[start + k] for k, w in enumerate(phrase)):
            continue
        if taken.isdisjoint(range(start, end)):
            found.append((start, end, " ".join(t.text for t in seq[start:end])))
            taken.update(range(start, end))
    return sorted(found)


def drop_excepted(matches: list[Match], exceptions: list[Match]) -> list[Match]:
    """Drop matches that lie inside an exception phrase ("even if", "too early to say")."""
    return [
        m for m in matches
        if not any(e[0] <= m[0] and m[1] <= e[1] for e in exceptions)
    ]


def find_end_war(tokens: Sequence[Token], lexicon: StanceLexicon) -> list[Match]:
    """Find "end the war"-type targets from the parse: an end verb with a conflict noun.

    Matches a verb from ``end_verbs`` whose object or subject is a conflict noun
    ("end the war", "for the conflict to end", "ending the fighting") and the noun
    "end" with "to/of" + conflict noun ("an end to this war").
    """
    seq = list(tokens)
    index = {t.i: k for k, t in enumerate(seq)}
    found: list[Match] = []

    def is_conflict(noun: Token) -> bool:
        if norm_word(noun.lemma_) not in lexicon.conflict_nouns:
            return False
        return not any(
            norm_word(c.lower_) in lexicon.conflict_noun_exceptions
            for c in noun.children if c.dep_ in ("compound", "amod", "nmod")
        )

    for k, tok in enumerate(seq):
        lemma = norm_word(tok.lemma_)
        if lemma not in lexicon.end_verbs:
            continue
        nouns: list[Token] = []
        if tok.pos_ in ("VERB", "AUX"):
            nouns = [c for c in tok.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
        elif tok.pos_ == "NOUN":
            for prep in tok.children:
                if prep.dep_ == "prep" and prep.lower_ in ("to", "of"):
                    nouns.extend(c for c in prep.children if c.dep_ == "pobj")
        for noun in nouns:
            if is_conflict(noun) and noun.i in index:
                lo, hi = sorted((k, index[noun.i]))
                found.append((lo, hi + 1, f"{tok.text} … {noun.text}" if hi > lo + 3
                              else " ".join(t.text for t in seq[lo:hi + 1])))
    return found


def find_targets(tokens: Sequence[Token], lexicon: StanceLexicon) -> list[Match]:
    """Every reference to the target (negotiations / a negotiated end of the war)."""
    return sorted(find_phrases(tokens, lexicon.targets) + find_end_war(tokens, lexicon))


# -- grammar helpers ---------------------------------------------------------------------


def is_negated(token: Token, negators: frozenset[str]) -> bool:
    """Whether a negation has ``token`` in its scope, read from the dependency parse.

    Walks from the token up to the head of its clause and counts negating children
    (``neg``, or a negator word as determiner/adverb: "no talks", "never agree") on
    the way; an odd count negates. A negator inside the cue phrase itself is the
    caller's business.
    """
    flips = 0
    node = token
    for _ in range(6):
        for child in node.children:
            if child.i == token.i:
                continue
            if child.dep_ == "neg" or (
                child.dep_ in _NEG_CHILD_DEPS and norm_word(child.lower_) in negators
            ):
                flips += 1
        if node.dep_ in _CLAUSE_DEPS or node.head.i == node.i:
            break
        node = node.head
    return flips % 2 == 1


def clause_subject(token: Token, *, cross_clauses: bool = False) -> Token | None:
    """The subject of the clause a cue word sits in (possessor for a noun cue).

    With ``cross_clauses`` the search goes on up through the governing clauses
    ("supporters vowed to *defeat* …" → "supporters").
    """
    node = token
    for _ in range(6):
        for child in node.children:
            if child.dep_ in _SUBJECT_DEPS or (node.pos_ == "NOUN" and child.dep_ == "poss"):
                return child
        if (node.dep_ in _CLAUSE_DEPS and not cross_clauses) or node.head.i == node.i:
            break
        node = node.head
    return None


def subject_is_speaker(token: Token, speaker: str, *, strict: bool = False) -> bool:
    """Whether the attitude a cue describes is the speaker's own.

    True when the cue's clause has no subject, a pronoun subject ("we are ready",
    reported "he is willing"), or a subject that shares a word with the speaker's name.
    ``strict`` asks for evidence: the nearest subject up the parse must be "I"/"we"
    or share a word with the speaker.
    """
    subject = clause_subject(token, cross_clauses=strict)
    if strict:
        if subject is None:
            return False
        if subject.pos_ == "PRON":
            return subject.lower_ in ("i", "we")
    elif subject is None or subject.pos_ == "PRON":
        return True
    words = {w.lower() for w in speaker.replace("’", "'").split()}
    # the subject's head, its conjuncts and compounds, and any names in it
    heads = [subject] + [t for t in subject.subtree if t.dep_ in ("conj", "compound", "amod")
                         or t.pos_ == "PROPN"]
    return any(t.lower_ in words or t.lemma_.lower() in words for t in heads)


def clause_head(token: Token) -> Token:
    """The head of the clause a token belongs to (itself when it heads one)."""
    node = token
    for _ in range(20):
        if node.dep_ in _CLAUSE_DEPS or node.head.i == node.i or (
            node.dep_ == "conj" and node.pos_ in ("VERB", "AUX")
        ):
            return node
        node = node.head
    return node


def _in_date(token: Token) -> bool:
    """Whether the dates stage found a date expression covering ``token``."""
    return any(d.start <= token.i < d.end for d in token.doc.spans.get(DATES_KEY, []))


def condition_applies(marker: Token, target_tokens: Sequence[Token], lexicon: StanceLexicon) -> bool:
    """Whether a one-word condition marker ("if", "after", "without") qualifies the target.

    The marker opens a condition clause (``mark``: the clause it introduces; ``prep``:
    its object). It qualifies the target when the target is outside that clause and
    in the clause the condition hangs from ("peace could be achieved *if* Ukraine
    agreed"), not when the target is the condition ("*if* they are ready for peace, we
    welcome it"). A preposition whose object is a date, time or named event is a point
    in time ("after World War II"), and a condition inside a question is rhetorical.
    Markers in ``condition_target_inside`` ("before") name what comes later, so there
    the target may also be inside the clause ("terms must be met *before* talks").
    """
    last = [t for t in marker.sent if not t.is_space]
    if last and last[-1].text == "?":
        return False
    if marker.dep_ == "prep":
        objects = [c for c in marker.children if c.dep_ in ("pobj", "pcomp")]
        if any(o.ent_type_ in lexicon.condition_time_entities or o.pos_ == "PROPN" or _in_date(o) for o in objects):
            return False
        condition = marker
    elif marker.dep_ == "mark":
        condition = marker.head
    else:
        condition = marker
    governor = condition.head
    inside = {t.i for t in condition.subtree}
    if norm_word(marker.lower_) in lexicon.condition_target_inside:
        if any(t.i in inside for t in target_tokens):
            return True
        if marker.dep_ == "prep":
            return False  # "a ceasefire before the harvest": a point in time, not a precondition
    home = clause_head(governor).i
    return any(
        t.i not in inside and (t.i == governor.i or clause_head(t).i == home)
        for t in target_tokens
    )


def reaches(cue: Token, target: Token) -> bool:
    """Whether a cue bears on a target: the target's clause is the cue's clause or one
    embedded under it as a complement ("we want to *negotiate*", "ending the war
    would be *best*"), not a relative clause ("respect the moment in which they
    negotiate")."""
    home = clause_head(cue).i
    node = target
    for _ in range(30):
        head = clause_head(node)
        if head.i == home:
            return True
        if head.dep_ == "relcl" or head.head.i == head.i:
            return False
        node = head.head
    return False


def refers_back(tokens: Sequence[Token], anaphors: frozenset[str]) -> bool:
    """Whether a statement refers back with a pronoun object ("participate in it")."""
    return any(t.lower_ in anaphors and t.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass") for t in tokens)


@dataclass(frozen=True)
class CueWord:
    """A bare word (from the quotes stage's cue string) that phrases can match."""

    text: str
    i: int = -1

    @property
    def lower_(self) -> str:
        return self.text.lower()

    @property
    def lemma_(self) -> str:
        return self.text.lower()


def cue_words(text: str) -> list[CueWord]:
    return [CueWord(w) for w in (text or "").replace("’", "'").split()]


def phrase_negated(tokens: Sequence[Token], match: Match, lexicon: StanceLexicon) -> bool:
    """Whether a phrase without its own negator is negated in the parse."""
    start, end, _ = match
    span = tokens[start:end]
    if any(norm_word(t.lower_) in lexicon.negators for t in span):
        return False
    return any(is_negated(t, lexicon.negators) for t in span[:1])


# -- the pipeline component ----------------------------------------------------------------------


# words just before a quote that belong to its lead-in ("calls for | …", "insists on | …")
_LEAD_IN = 3


def quote_context(span: Span) -> tuple[list[Token], list[Token], list[Token]]:
    """The context of a quote span inside its Doc.

    Returns:
        ``(frame, governors, previous)``: the tokens of the quote's sentence(s)
        outside the quote; the frame tokens the quote hangs from (the cue verb of
        "insists on …", "rejected …" with its particles, negations and predicate
        adjectives, and the few words just before the quote); the sentence before the
        quote's first sentence.
    """
    doc = span.doc
    inside = set(range(span.start, span.end))
    previous: list[Token] = []
    if doc.has_annotation("SENT_START"):
        first = doc[span.start].sent
        start, end = first.start, doc[span.end - 1].sent.end
        if start > 0:
            previous = list(doc[start - 1].sent)
    else:
        start, end = span.start, span.end
    frame = [doc[i] for i in range(start, end) if i not in inside]
    governors: dict[int, Token] = {}
    for tok in span:
        for anc in tok.ancestors:
            if anc.i in inside or not (start <= anc.i < end):
                continue
            governors[anc.i] = anc
            for child in anc.children:
                if child.dep_ in ("prt", "neg", "prep", "aux", "acomp") and child.i not in inside:
                    governors[child.i] = child
    for i in range(max(start, span.start - _LEAD_IN), span.start):
        governors[i] = doc[i]
    return frame, [governors[i] for i in sorted(governors)], previous


