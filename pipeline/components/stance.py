"""Stance toward negotiations (SPEC s.4): target, cues, negation, conditions → stance.

Each quote span in ``doc.spans["quotes"]`` gets ``_.stance`` (support / oppose /
conditional / neutral), ``_.stance_evidence`` (the words that decided it) and
``_.stance_confidence`` (0–1). The rules are grammar plus the lexicons in
``configs/stance.yml``; the decision order is documented there and in
:func:`classify_statement`. :func:`summarise_stances` folds one speaker's statements
in one article into the single stance of the ``stances`` table.

Everything below works on spaCy tokens (or anything with ``lower_``, ``lemma_``,
``dep_``, ``head``, ``children``, ``pos_``, ``i``), so the rules are testable on
hand-built Docs; :class:`StanceClassifier` is the thin pipeline wrapper.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .extensions import DATES_KEY, QUOTES_KEY

log = logging.getLogger(__name__)

SUPPORT, OPPOSE, CONDITIONAL, NEUTRAL = "support", "oppose", "conditional", "neutral"
STANCES = (SUPPORT, OPPOSE, CONDITIONAL, NEUTRAL)

Phrase = tuple[str, ...]
# (start, end, phrase) over a token sequence: seq[start:end] matched ``phrase``
Match = tuple[int, int, str]

# dependency labels that close a clause: negation and subjects are looked up to here
_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "csubj", "acl", "parataxis"}
_NEG_CHILD_DEPS = {"det", "advmod", "preconj", "neg", "npadvmod"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_PHRASE_LISTS = (
    "terms", "support", "oppose", "willingness", "demand", "obligation",
    "conditions", "condition_exceptions", "timing", "timing_exceptions", "hedges", "reporting", "fight_on",
)
_DEFAULT_CONFIDENCE = {
    "neutral_no_target": 0.9, "neutral_target": 0.6, "timing": 0.85,
    "timing_no_target": 0.6, "condition": 0.8, "demand": 0.7, "cue": 0.75,
    "frame_penalty": 0.8, "hedge_factor": 0.8, "minimum": 0.2,
}


def _norm(word: str) -> str:
    word = str(word).lower().replace("’", "'")
    return "not" if word in ("n't", "nt") else word


def _phrases(words: Iterable[str]) -> tuple[Phrase, ...]:
    out = []
    for text in words:
        phrase = tuple(_norm(w) for w in str(text).split())
        if phrase and phrase not in out:
            out.append(phrase)
    # longest first, so "peace talks" is reported before "talks"
    return tuple(sorted(out, key=len, reverse=True))


@dataclass(frozen=True)
class StanceLexicon:
    """The word lists of ``configs/stance.yml``, normalised for matching."""

    targets: tuple[Phrase, ...] = ()
    end_verbs: frozenset[str] = frozenset()
    conflict_nouns: frozenset[str] = frozenset()
    conflict_noun_exceptions: frozenset[str] = frozenset()
    terms: tuple[Phrase, ...] = ()
    support: tuple[Phrase, ...] = ()
    oppose: tuple[Phrase, ...] = ()
    willingness: tuple[Phrase, ...] = ()
    demand: tuple[Phrase, ...] = ()
    obligation: tuple[Phrase, ...] = ()
    conditions: tuple[Phrase, ...] = ()
    condition_exceptions: tuple[Phrase, ...] = ()
    timing: tuple[Phrase, ...] = ()
    timing_exceptions: tuple[Phrase, ...] = ()
    hedges: tuple[Phrase, ...] = ()
    reporting: tuple[Phrase, ...] = ()
    fight_on: tuple[Phrase, ...] = ()
    condition_time_entities: frozenset[str] = frozenset()
    condition_target_inside: frozenset[str] = frozenset()
    negators: frozenset[str] = frozenset()
    confidence: dict[str, float] = field(default_factory=lambda: dict(_DEFAULT_CONFIDENCE))
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StanceLexicon:
        """Build the lexicon from the parsed YAML mapping (see ``configs/stance.yml``)."""
        targets = data.get("targets") or {}
        lists = {name: _phrases(data.get(name) or ()) for name in _PHRASE_LISTS}
        confidence = dict(_DEFAULT_CONFIDENCE)
        confidence.update({k: float(v) for k, v in (data.get("confidence") or {}).items()})
        return cls(
            targets=_phrases(targets.get("phrases") or ()),
            end_verbs=frozenset(_norm(w) for w in targets.get("end_verbs") or ()),
            conflict_nouns=frozenset(_norm(w) for w in targets.get("conflict_nouns") or ()),
            conflict_noun_exceptions=frozenset(
                _norm(w) for w in targets.get("conflict_noun_exceptions") or ()
            ),
            negators=frozenset(_norm(w) for w in data.get("negators") or ()),
            condition_target_inside=frozenset(
                _norm(w) for w in data.get("condition_target_inside") or ()
            ),
            condition_time_entities=frozenset(
                str(w).upper() for w in data.get("condition_time_entities") or ()
            ),
            confidence=confidence,
            source=data,
            **lists,
        )

    @property
    def is_empty(self) -> bool:
        return not self.targets


def load_lexicon(path: str | Path) -> StanceLexicon:
    """Read ``configs/stance.yml`` (or a file like it) into a :class:`StanceLexicon`."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return StanceLexicon.from_dict(data)


# -- matching -------------------------------------------------------------------------


def find_phrases(tokens: Sequence[Token], phrases: Iterable[Phrase]) -> list[Match]:
    """Find the lexicon phrases in a token sequence, longest first, without overlaps.

    Args:
        tokens: the tokens to search (a Span, or a list of tokens).
        phrases: normalised phrases (see :func:`_phrases`).

    Returns:
        ``(start, end, phrase)`` triples indexing ``tokens``, in text order.
    """
    taken: set[int] = set()
    found: list[Match] = []
    seq = list(tokens)
    # each token's forms once, and where each form occurs: a phrase is only tried
    # where its first word is (the lexicons have hundreds of phrases)
    forms = [{_norm(t.lower_), _norm(t.lemma_)} for t in seq]
    positions: dict[str, list[int]] = {}
    for i, token_forms in enumerate(forms):
        for form in token_forms:
            positions.setdefault(form, []).append(i)
    everywhere = range(len(seq))
    for phrase in phrases:
        n = len(phrase)
        for start in everywhere if phrase[0] == "*" else positions.get(phrase[0], ()):
            if start + n > len(seq) or any(i in taken for i in range(start, start + n)):
                continue
            if all(w == "*" or w in forms[start + k] for k, w in enumerate(phrase)):
                found.append((start, start + n, " ".join(t.text for t in seq[start:start + n])))
                taken.update(range(start, start + n))
    return sorted(found)


def _drop_excepted(matches: list[Match], exceptions: list[Match]) -> list[Match]:
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
        if _norm(noun.lemma_) not in lexicon.conflict_nouns:
            return False
        return not any(
            _norm(c.lower_) in lexicon.conflict_noun_exceptions
            for c in noun.children if c.dep_ in ("compound", "amod", "nmod")
        )

    for k, tok in enumerate(seq):
        lemma = _norm(tok.lemma_)
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
                child.dep_ in _NEG_CHILD_DEPS and _norm(child.lower_) in negators
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
    if _norm(marker.lower_) in lexicon.condition_target_inside:
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


def _anaphoric(tokens: Sequence[Token]) -> bool:
    """Whether a statement refers back with a pronoun object ("participate in it")."""
    return any(
        t.lower_ in ("it", "this", "that", "them") and t.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass")
        for t in tokens
    )


# -- one statement -------------------------------------------------------------------------


@dataclass
class StatementStance:
    """The stance of one statement with the words that decided it."""

    stance: str
    confidence: float
    evidence: str

    def as_tuple(self) -> tuple[str, float, str]:
        return (self.stance, self.confidence, self.evidence)


def _texts(matches: Iterable[Match]) -> list[str]:
    return [m[2] for m in matches]


def classify_statement(
    quote: Sequence[Token],
    lexicon: StanceLexicon,
    *,
    frame: Sequence[Token] = (),
    governors: Sequence[Token] = (),
    previous: Sequence[Token] = (),
    cue: str = "",
    speaker: str = "",
) -> StatementStance:
    """Decide the stance of one attributed statement toward negotiations.

    Order of the rules (first that fires wins):

    0. a statement introduced by a reporting cue ("Reuters reported …") relays news
       → neutral;
    1. timing objection in the statement ("too early to talk", "not the right time"),
       not negated and not a hedge about prospects ("too early to say") → oppose;
    2. no target in the statement, in the speech clause around it (or, for a
       statement that refers back with "it"/"this", in the previous sentence) and no
       settlement terms → neutral, unless the speaker prefers to fight on ("vowed to
       defeat the invaders") → oppose;
    3. a condition marker tied to the target ("only if", "unless", "not until";
       "if"/"after"/"without" when the target is in the clause they qualify) →
       conditional; a demand cue ("insists on", "demands") with target or terms,
       an obligation with terms ("Russia must withdraw"), or terms attached to the
       target ("a peace that respects territorial integrity") → conditional;
    4. support / oppose cues, each flipped by a negation in its scope, summed;
       willingness cues ("ready", "wants") count only when their subject is the
       speaker; a negated target verb with the speaker as subject ("we will not
       negotiate") counts as opposition; opposition aimed at terms rather than at
       talks ("ruled out ceding territory") is a red line → conditional; otherwise
       support or oppose by the sign of the sum;
    5. otherwise neutral (the target is mentioned, no side taken).

    Hedges ("may", "likely") lower the confidence; evidence found only outside the
    quote (its sentence or the previous one) lowers it too.

    Args:
        quote: the statement's tokens.
        lexicon: the stance lexicon.
        frame: the tokens of the quote's sentence(s) outside the quote.
        governors: the frame tokens the quote hangs from (the cue verb of "insists
            on …", "rejected …", "called for …" and the words just before the quote).
        previous: the sentence before the quote, read only for a statement that
            refers back to it.
        cue: the cue text set by the quotes stage (``span._.cue``), if any.
        speaker: the speaker's name or noun phrase, to tell the speaker's own
            willingness from another side's.

    Returns:
        A :class:`StatementStance`.
    """
    conf = lexicon.confidence
    quote = list(quote)
    governors = sorted(governors, key=lambda t: t.i) + _words(cue)
    governor_ids = {t.i for t in governors if not isinstance(t, _Word)}
    hedges = find_phrases(quote, lexicon.hedges)
    hedge_factor = conf["hedge_factor"] ** len(hedges)

    def result(stance: str, base: float, evidence: list[str], in_frame: bool = False) -> StatementStance:
        value = base * (conf["frame_penalty"] if in_frame else 1.0) * hedge_factor
        if hedges:
            evidence = evidence + [f"hedged: {', '.join(_texts(hedges))}"]
        return StatementStance(stance, round(max(conf["minimum"], min(1.0, value)), 3),
                               "; ".join(dict.fromkeys(evidence)))

    # 0. relayed news
    reporting = find_phrases(governors, lexicon.reporting)
    if reporting:
        return StatementStance(NEUTRAL, conf["neutral_target"], f"reported: {reporting[0][2]}")

    # 1. timing objections
    timing_all = find_phrases(quote, lexicon.timing)
    timing = [
        m for m in timing_all
        if not find_phrases(quote[m[1]:m[1] + 2], lexicon.timing_exceptions)
        and not _phrase_negated(quote, m, lexicon)
    ]
    targets = find_targets(quote, lexicon)
    # a target outside the quote counts when it belongs to the speech act's own clause
    # ("At peace talks, negotiators said …"), not to another clause of the sentence
    frame_targets = [
        m for m in find_targets(frame, lexicon)
        if clause_head(frame[m[0]]).i in governor_ids
    ]
    from_previous = False
    if not targets and not frame_targets and previous and _anaphoric(quote):
        frame_targets = find_targets(previous, lexicon)
        from_previous = bool(frame_targets)
    if timing:
        base = conf["timing"] if (targets or frame_targets) else conf["timing_no_target"]
        return result(OPPOSE, base, ["timing: " + ", ".join(_texts(timing))] + _texts(targets))

    terms = find_phrases(quote, lexicon.terms)
    if not targets and not frame_targets and not terms:
        fighting = [
            m for m in find_phrases(quote, lexicon.fight_on)
            if subject_is_speaker(quote[m[0]], speaker, strict=True)
            and not _phrase_negated(quote, m, lexicon)
        ]
        if fighting:
            return result(OPPOSE, conf["timing_no_target"], ["fight on: " + ", ".join(_texts(fighting))])
        return StatementStance(NEUTRAL, conf["neutral_no_target"], "")
    target_words = _texts(targets) or _texts(frame_targets)
    has_target = bool(targets or frame_targets)
    only_frame = not targets
    target_tokens = [quote[i] for m in targets for i in {m[0], m[1] - 1}]

    # 3a. condition markers tied to the target
    if has_target:
        exceptions = find_phrases(quote, lexicon.condition_exceptions)
        markers = _drop_excepted(find_phrases(quote, lexicon.conditions), exceptions)
        for start, end, text in markers:
            if end - start == 1 and (
                from_previous
                or (targets and not condition_applies(quote[start], target_tokens, lexicon))
            ):
                continue
            return result(CONDITIONAL, conf["condition"], [f"condition: {text}"] + target_words,
                          in_frame=only_frame)

    # 3b. demands and settlement terms
    demand = find_phrases(quote, lexicon.demand) + find_phrases(governors, lexicon.demand)
    # demanding terms is a condition; demanding the talks themselves ("called for a
    # ceasefire") argues for them and is left to the cues below
    if demand and terms:
        return result(CONDITIONAL, conf["demand"],
                      [f"demand: {demand[0][2]}"] + _texts(terms or targets))
    if terms:
        obligations = find_phrases(quote, lexicon.obligation)
        if obligations:
            return result(CONDITIONAL, conf["demand"],
                          [f"obligation: {obligations[0][2]}"] + _texts(terms))
        attached = [
            m for m in terms
            if any(quote[m[0]] in t.subtree for t in target_tokens if t.i != quote[m[0]].i)
        ]
        if attached:
            return result(CONDITIONAL, conf["demand"], ["terms: " + attached[0][2]] + _texts(targets))

    # 4. support / oppose cues with negation
    score = 0.0
    evidence: list[str] = []
    from_quote = False
    for source, tokens in (("quote", quote), ("frame", governors)):
        for polarity, phrases, needs_subject in (
            (1, lexicon.support, False), (-1, lexicon.oppose, False), (1, lexicon.willingness, True),
            (-1, lexicon.fight_on, True),
        ):
            for start, end, text in find_phrases(tokens, phrases):
                head = tokens[start]
                if isinstance(head, _Word):
                    value = polarity
                else:
                    if needs_subject and not subject_is_speaker(
                        head, speaker, strict=phrases is lexicon.fight_on
                    ):
                        continue
                    if source == "quote" and target_tokens and not any(
                        reaches(head, t) for t in target_tokens
                    ):
                        continue
                    value = polarity
                    own_negator = any(_norm(t.lower_) in lexicon.negators for t in tokens[start:end])
                    if not own_negator and is_negated(head, lexicon.negators):
                        value = -value
                        text = f"not {text}"
                if value < 0 and not targets and terms:
                    # rejecting settlement terms, not the talks: a red line
                    return result(CONDITIONAL, conf["demand"], [f"rejects terms: {text}"] + _texts(terms))
                score += value * (1.0 if source == "quote" else conf["frame_penalty"])
                evidence.append(text)
                from_quote = from_quote or source == "quote"
    for start, _, text in targets:
        head = quote[start]
        speaker_refuses = head.pos_ == "VERB" and is_negated(head, lexicon.negators) and subject_is_speaker(head, speaker)
        # "there will be no talks": the target itself negated by its determiner
        target_denied = head.pos_ in ("NOUN", "PROPN") and any(
            child.dep_ == "det" and _norm(child.lower_) in lexicon.negators for child in head.children
        )
        if speaker_refuses or target_denied:
            score -= 1
            evidence.append(f"not {text}")
            from_quote = True
    if not has_target:
        return StatementStance(NEUTRAL, conf["neutral_target"], "terms only: " + ", ".join(_texts(terms)))
    if score:
        return result(SUPPORT if score > 0 else OPPOSE, conf["cue"], evidence + target_words,
                      in_frame=only_frame or not from_quote)
    return StatementStance(NEUTRAL, conf["neutral_target"], "no cue: " + ", ".join(target_words))


@dataclass(frozen=True)
class _Word:
    """A bare word (from the quotes stage's cue string) that phrases can match."""

    text: str
    i: int = -1

    @property
    def lower_(self) -> str:
        return self.text.lower()

    @property
    def lemma_(self) -> str:
        return self.text.lower()


def _words(text: str) -> list[_Word]:
    return [_Word(w) for w in (text or "").replace("’", "'").split()]


def _phrase_negated(tokens: Sequence[Token], match: Match, lexicon: StanceLexicon) -> bool:
    """Whether a phrase without its own negator is negated in the parse."""
    start, end, _ = match
    span = tokens[start:end]
    if any(_norm(t.lower_) in lexicon.negators for t in span):
        return False
    return any(is_negated(t, lexicon.negators) for t in span[:1])


# -- one speaker's statements ---------------------------------------------------------------

# tie-break order among non-neutral stances: the more specific position wins
_PRECEDENCE = {CONDITIONAL: 3, OPPOSE: 2, SUPPORT: 1, NEUTRAL: 0}


def summarise_stances(stances: Sequence[tuple[str, float, str]]) -> tuple[str, str]:
    """Fold one actor's statements in one article into one stance (the ``stances`` row).

    Rule, in order:

    1. neutral statements do not count while any statement takes a side; all neutral
       (or no statements) → ``neutral``;
    2. a ``conditional`` statement absorbs the actor's ``support`` statements (support
       plus a stated condition is a conditional position): their confidences are added
       to the conditional total;
    3. the stance with the largest summed confidence wins;
    4. ties go to the more specific stance: conditional > oppose > support.

    Args:
        stances: ``(stance, confidence, evidence)`` per statement, as set on the quote
            spans (``_.stance``, ``_.stance_confidence``, ``_.stance_evidence``).

    Returns:
        ``(stance, evidence)``: the evidence of the winning stance's statements,
        strongest first, joined with `` | ``.
    """
    sided = [(s, float(c), e) for s, c, e in stances if s in STANCES and s != NEUTRAL]
    if not sided:
        evidence = [e for s, _, e in stances if e]
        return NEUTRAL, " | ".join(dict.fromkeys(evidence))
    totals: dict[str, float] = {}
    for stance, confidence, _ in sided:
        totals[stance] = totals.get(stance, 0.0) + confidence
    if CONDITIONAL in totals and SUPPORT in totals:
        totals[CONDITIONAL] += totals.pop(SUPPORT)
    winner = max(totals, key=lambda s: (round(totals[s], 6), _PRECEDENCE[s]))
    absorbed = {winner, SUPPORT} if winner == CONDITIONAL else {winner}
    chosen = sorted(
        ((c, e) for s, c, e in sided if s in absorbed and e),
        key=lambda pair: -pair[0],
    )
    return winner, " | ".join(dict.fromkeys(e for _, e in chosen))


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


class StanceClassifier:
    """Sets ``_.stance``, ``_.stance_evidence`` and ``_.stance_confidence`` on quotes.

    Args:
        nlp: the pipeline.
        name: the component name.
        lexicon_path: the stance lexicon, ``configs/stance.yml``. When the file is
            missing (a saved pipeline moved elsewhere) the lexicon comes from
            :meth:`from_disk`.
    """

    def __init__(self, nlp: Language, name: str, *, lexicon_path: str):
        self.name = name
        self.lexicon_path = lexicon_path
        self.lexicon = StanceLexicon()
        if lexicon_path and Path(lexicon_path).is_file():
            self.lexicon = load_lexicon(lexicon_path)
        else:
            log.warning("%s: stance lexicon %s not found; expecting from_disk", name, lexicon_path)

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon.is_empty:
            raise ValueError(f"{self.name}: no stance lexicon loaded from {self.lexicon_path!r}")
        for span in doc.spans.get(QUOTES_KEY, []):
            frame, governors, previous = quote_context(span)
            found = classify_statement(
                span, self.lexicon, frame=frame, governors=governors, previous=previous,
                cue=span._.cue or "", speaker=span._.speaker or "",
            )
            span._.stance = found.stance
            span._.stance_evidence = found.evidence
            span._.stance_confidence = float(found.confidence)
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the lexicon as ``lexicon.json`` in the component's folder."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with open(path / "lexicon.json", "w", encoding="utf-8") as handle:
            json.dump(self.lexicon.source, handle, ensure_ascii=False, indent=1)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> StanceClassifier:
        """Load the lexicon saved by :meth:`to_disk`."""
        with open(Path(path) / "lexicon.json", encoding="utf-8") as handle:
            self.lexicon = StanceLexicon.from_dict(json.load(handle))
        return self
