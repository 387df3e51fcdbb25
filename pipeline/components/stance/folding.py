"""One speaker's statements in one article → the speaker's row of the ``stances`` table."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import CONDITIONAL, NEUTRAL, OPPOSE, STANCES, SUPPORT

# tie-break order among non-neutral stances: the more specific position wins
_PRECEDENCE = {CONDITIONAL: 3, OPPOSE: 2, SUPPORT: 1, NEUTRAL: 0}


@dataclass(frozen=True)
class FoldedStance:
    """A speaker's position in one article, how sure it is, and the statements behind it."""

    stance: str
    confidence: float
    evidence: str


def fold_statements(statements: Sequence[tuple[str, float, str]]) -> FoldedStance:
    """Fold one actor's statements in one article into one stance (the ``stances`` row).

    Rule, in order:

    1. neutral statements do not count while any statement takes a side; all neutral
       (or no statements) → ``neutral``;
    2. a ``conditional`` statement absorbs the actor's ``support`` statements (support
       plus a stated condition is a conditional position): their probabilities are
       added to the conditional total;
    3. the stance with the largest summed probability wins;
    4. ties go to the more specific stance: conditional > oppose > support.

    The confidence is the mean probability of the statements behind the winner (its
    own and, for conditional, the absorbed support ones), times the winner's share of
    the summed probabilities of all statements that take a side: a lone statement
    keeps its own probability, and statements on other sides lower it.

    Args:
        statements: ``(stance, probability, evidence)`` per statement, as set on the
            quote spans (``_.stance``, ``_.stance_confidence``, ``_.stance_evidence``).

    Returns:
        A :class:`FoldedStance`; its evidence joins the winning statements' evidence,
        most probable first, with `` | ``.
    """
    sided = [(s, float(c), e) for s, c, e in statements if s in STANCES and s != NEUTRAL]
    if not sided:
        evidence = [e for s, _, e in statements if e]
        neutral = [float(c) for s, c, _ in statements if s == NEUTRAL]
        return FoldedStance(NEUTRAL, round(sum(neutral) / len(neutral), 3) if neutral else 0.0,
                            " | ".join(dict.fromkeys(evidence)))
    totals: dict[str, float] = {}
    for stance, confidence, _ in sided:
        totals[stance] = totals.get(stance, 0.0) + confidence
    if CONDITIONAL in totals and SUPPORT in totals:
        totals[CONDITIONAL] += totals.pop(SUPPORT)
    winner = max(totals, key=lambda s: (round(totals[s], 6), _PRECEDENCE[s]))
    absorbed = {winner, SUPPORT} if winner == CONDITIONAL else {winner}
    behind = [c for s, c, _ in sided if s in absorbed]
    confidence = sum(behind) / len(behind) * totals[winner] / sum(totals.values())
    chosen = sorted(((c, e) for s, c, e in sided if s in absorbed and e), key=lambda pair: -pair[0])
    return FoldedStance(winner, round(confidence, 3), " | ".join(dict.fromkeys(e for _, e in chosen)))
