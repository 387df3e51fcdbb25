"""The stance rules: small named rules over one statement, tried in a visible order.

:data:`RULES` lists them; :func:`apply_rules` returns the verdict of the first that
fires, with its name. The verdict is what a reader sees as the grammar's
evidence, and (with the :class:`Statement` facts) it is a feature of the statement
model, which has the last word except for the rules named in the config's
``override_rules``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Token

from .grammar import (
    CueWord,
    Match,
    clause_head,
    condition_applies,
    cue_words,
    drop_excepted,
    find_phrases,
    find_targets,
    is_negated,
    phrase_negated,
    reaches,
    refers_back,
    subject_is_speaker,
    token_forms,
)
from .lexicon import CONDITIONAL, NEUTRAL, OPPOSE, SUPPORT, StanceLexicon, norm_word


@dataclass
class Verdict:
    """The stance a rule gives one statement, the words that decided it, and the rule."""

    stance: str
    confidence: float
    evidence: str
    rule: str


def _texts(matches: Iterable[Match]) -> list[str]:
    return [m[2] for m in matches]


@dataclass
class Statement:
    """One attributed statement with the grammar facts every rule reads, found once."""

    quote: list[Token]
    governors: list  # frame tokens the quote hangs from, then the cue's words
    speaker: str
    lexicon: StanceLexicon
    frame: list[Token] = field(default_factory=list)  # the quote's sentence(s) outside it
    speaker_country: str = ""  # the country the speaker speaks for, when the actors stage knows it
    targets: list[Match] = field(default_factory=list)
    frame_targets: list[Match] = field(default_factory=list)
    from_previous: bool = False
    terms: list[Match] = field(default_factory=list)
    hedges: list[Match] = field(default_factory=list)
    _found: dict[str, list[Match]] = field(default_factory=dict, repr=False)
    _forms: dict[str, list[set[str]]] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, quote: Sequence[Token], lexicon: StanceLexicon, *, frame: Sequence[Token] = (),
             governors: Sequence[Token] = (), previous: Sequence[Token] = (), cue: str = "",
             speaker: str = "") -> Statement:
        """Find the targets, terms and hedges of a statement in its context.

        A target outside the quote counts when it belongs to the speech act's own clause
        ("At peace talks, negotiators said …"), not to another clause of the sentence; for
        a statement that refers back with "it"/"this", the previous sentence's targets count.
        """
        quote = list(quote)
        ordered = sorted(governors, key=lambda t: t.i) + cue_words(cue)
        governor_ids = {t.i for t in ordered if not isinstance(t, CueWord)}
        frame = list(frame)
        statement = cls(quote, ordered, speaker, lexicon, frame)
        statement.targets = find_targets(quote, lexicon)
        statement.frame_targets = [
            m for m in find_targets(frame, lexicon) if clause_head(frame[m[0]]).i in governor_ids
        ]
        if not statement.targets and not statement.frame_targets and previous and refers_back(quote, lexicon.anaphors):
            statement.frame_targets = find_targets(list(previous), lexicon)
            statement.from_previous = bool(statement.frame_targets)
        statement.terms = statement.found("terms")
        statement.hedges = statement.found("hedges")
        return statement

    def found(self, family: str) -> list[Match]:
        """The phrases of a lexicon family in the quote, found once per statement."""
        if family not in self._found:
            if "quote" not in self._forms:
                self._forms["quote"] = token_forms(self.quote)
            self._found[family] = find_phrases(self.quote, getattr(self.lexicon, family), self._forms["quote"])
        return self._found[family]

    @property
    def has_target(self) -> bool:
        return bool(self.targets or self.frame_targets)

    @property
    def target_words(self) -> list[str]:
        return _texts(self.targets) or _texts(self.frame_targets)

    @property
    def target_tokens(self) -> list[Token]:
        """The first and last token of each target in the quote."""
        return [self.quote[i] for m in self.targets for i in {m[0], m[1] - 1}]

    def verdict(self, rule: str, stance: str, base: float, evidence: list[str], *, in_frame: bool = False) -> Verdict:
        """A verdict whose confidence is lowered per hedge and for evidence outside the quote."""
        conf = self.lexicon.confidence
        value = base * (conf["frame_penalty"] if in_frame else 1.0) * conf["hedge_factor"] ** len(self.hedges)
        if self.hedges:
            evidence = evidence + [f"hedged: {', '.join(_texts(self.hedges))}"]
        return Verdict(stance, round(max(conf["minimum"], min(1.0, value)), 3),
                       "; ".join(dict.fromkeys(evidence)), rule)


# -- the rules, in order ----------------------------------------------------------------------


def relayed_news(st: Statement) -> Verdict | None:
    """A statement introduced by a reporting cue ("Reuters reported …") relays news: neutral."""
    reporting = find_phrases(st.governors, st.lexicon.reporting)
    if reporting:
        return Verdict(NEUTRAL, st.lexicon.confidence["neutral_target"], f"reported: {reporting[0][2]}",
                       "relayed_news")
    return None


def timing_objection(st: Statement) -> Verdict | None:
    """"Too early to talk", "not the right time": oppose, unless negated or a hedge about
    prospects ("too early to say")."""
    lexicon = st.lexicon
    timing = [
        m for m in st.found("timing")
        if not find_phrases(st.quote[m[1]:m[1] + 2], lexicon.timing_exceptions)
        and not phrase_negated(st.quote, m, lexicon)
    ]
    if not timing:
        return None
    base = lexicon.confidence["timing" if st.has_target else "timing_no_target"]
    return st.verdict("timing_objection", OPPOSE, base, ["timing: " + ", ".join(_texts(timing))] + _texts(st.targets))


def fight_on(st: Statement) -> Verdict | None:
    """No target and no terms, but the speaker's own aim is to fight on ("vowed to defeat
    the invaders"): oppose."""
    if st.has_target or st.terms:
        return None
    fighting = [
        m for m in st.found("fight_on")
        if subject_is_speaker(st.quote[m[0]], st.speaker, strict=True)
        and not phrase_negated(st.quote, m, st.lexicon)
    ]
    if fighting:
        return st.verdict("fight_on", OPPOSE, st.lexicon.confidence["timing_no_target"],
                          ["fight on: " + ", ".join(_texts(fighting))])
    return None


def no_target(st: Statement) -> Verdict | None:
    """Nothing in the statement or its speech clause refers to negotiations or terms: neutral."""
    if st.has_target or st.terms:
        return None
    return Verdict(NEUTRAL, st.lexicon.confidence["neutral_no_target"], "", "no_target")


def condition_marker(st: Statement) -> Verdict | None:
    """A condition marker tied to the target ("only if", "unless", "not until"; "if",
    "after", "without" when the target is in the clause they qualify): conditional."""
    if not st.has_target:
        return None
    lexicon = st.lexicon
    exceptions = st.found("condition_exceptions")
    for start, end, text in drop_excepted(st.found("conditions"), exceptions):
        if end - start == 1 and (
            st.from_previous
            or (st.targets and not condition_applies(st.quote[start], st.target_tokens, lexicon))
        ):
            continue
        return st.verdict("condition_marker", CONDITIONAL, lexicon.confidence["condition"],
                          [f"condition: {text}"] + st.target_words, in_frame=not st.targets)
    return None


def settlement_terms(st: Statement) -> Verdict | None:
    """Terms demanded ("insists on security guarantees"), made an obligation ("Russia must
    withdraw") or attached to the target ("a peace that respects territorial integrity"):
    conditional. Demanding the talks themselves is left to the cues."""
    if not st.terms:
        return None
    lexicon = st.lexicon
    base = lexicon.confidence["demand"]
    demand = st.found("demand") + find_phrases(st.governors, lexicon.demand)
    if demand:
        return st.verdict("settlement_terms", CONDITIONAL, base, [f"demand: {demand[0][2]}"] + _texts(st.terms))
    obligations = st.found("obligation")
    if obligations:
        return st.verdict("settlement_terms", CONDITIONAL, base, [f"obligation: {obligations[0][2]}"] + _texts(st.terms))
    attached = [
        m for m in st.terms
        if any(st.quote[m[0]] in t.subtree for t in st.target_tokens if t.i != st.quote[m[0]].i)
    ]
    if attached:
        return st.verdict("settlement_terms", CONDITIONAL, base, ["terms: " + attached[0][2]] + _texts(st.targets))
    return None


def cue_balance(st: Statement) -> Verdict | None:
    """Support and oppose cues that reach the target, each flipped by a negation in its
    scope, summed; willingness cues ("ready", "wants") count only when their subject is
    the speaker; a negated target verb with the speaker as subject ("we will not
    negotiate") or a target denied by its determiner ("there will be no talks") counts
    against; opposition aimed at terms rather than at talks ("ruled out ceding
    territory") is a red line: conditional."""
    lexicon = st.lexicon
    score, evidence, from_quote = 0.0, [], False
    for source, tokens in (("quote", st.quote), ("frame", st.governors)):
        for polarity, family, needs_subject in (
            (1, "support", False), (-1, "oppose", False), (1, "willingness", True), (-1, "fight_on", True),
        ):
            found = st.found(family) if source == "quote" else find_phrases(tokens, getattr(lexicon, family))
            for start, end, text in found:
                head = tokens[start]
                value = polarity
                if not isinstance(head, CueWord):
                    if needs_subject and not subject_is_speaker(head, st.speaker, strict=family == "fight_on"):
                        continue
                    if source == "quote" and st.target_tokens and not any(reaches(head, t) for t in st.target_tokens):
                        continue
                    own_negator = any(norm_word(t.lower_) in lexicon.negators for t in tokens[start:end])
                    if not own_negator and is_negated(head, lexicon.negators):
                        value, text = -value, f"not {text}"
                if value < 0 and not st.targets and st.terms:
                    return st.verdict("rejects_terms", CONDITIONAL, lexicon.confidence["demand"],
                                      [f"rejects terms: {text}"] + _texts(st.terms))
                score += value * (1.0 if source == "quote" else lexicon.confidence["frame_penalty"])
                evidence.append(text)
                from_quote = from_quote or source == "quote"
    for start, _, text in st.targets:
        head = st.quote[start]
        speaker_refuses = head.pos_ == "VERB" and is_negated(head, lexicon.negators) and subject_is_speaker(head, st.speaker)
        target_denied = head.pos_ in ("NOUN", "PROPN") and any(
            child.dep_ == "det" and norm_word(child.lower_) in lexicon.negators for child in head.children
        )
        if speaker_refuses or target_denied:
            score -= 1
            evidence.append(f"not {text}")
            from_quote = True
    if not st.has_target:
        return Verdict(NEUTRAL, lexicon.confidence["neutral_target"], "terms only: " + ", ".join(_texts(st.terms)),
                       "terms_only")
    if score:
        return st.verdict("cue_balance", SUPPORT if score > 0 else OPPOSE, lexicon.confidence["cue"],
                          evidence + st.target_words, in_frame=not st.targets or not from_quote)
    return None


def target_without_side(st: Statement) -> Verdict:
    """The target is mentioned and no rule took a side: neutral."""
    return Verdict(NEUTRAL, st.lexicon.confidence["neutral_target"], "no cue: " + ", ".join(st.target_words),
                   "target_without_side")


Rule = Callable[[Statement], "Verdict | None"]

#: The rules in the order they are tried; the first verdict wins.
RULES: tuple[Rule, ...] = (
    relayed_news,
    timing_objection,
    fight_on,
    no_target,
    condition_marker,
    settlement_terms,
    cue_balance,
    target_without_side,
)


def apply_rules(statement: Statement) -> Verdict:
    """The first verdict of :data:`RULES` on a statement already read."""
    for rule in RULES:
        verdict = rule(statement)
        if verdict is not None:
            return verdict
    raise AssertionError("target_without_side always decides")
