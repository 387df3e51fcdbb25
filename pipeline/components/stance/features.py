"""What the statement model reads: the statement's words and the grammar the rules found.

Features are named strings a reader can understand (``word:ceasefire``,
``cue:urge``, ``rule:condition_marker``, ``speaker_acts:willingness``), so the ones
that weighed most double as the evidence shown to the analyst.
"""
from __future__ import annotations

from .grammar import CueWord, is_negated, subject_is_speaker
from .lexicon import norm_word
from .rules import Statement, Verdict

# lexicon families whose presence (and negation) is a feature of its own
_FAMILIES = ("support", "oppose", "willingness", "demand", "obligation", "conditions", "timing",
             "hedges", "reporting", "fight_on", "terms")
# families that describe an attitude: whose attitude it is matters
_ATTITUDES = ("support", "oppose", "willingness", "fight_on", "demand")


def _word(token) -> str:
    return norm_word(token.lemma_ if token.pos_ in ("VERB", "AUX", "NOUN") else token.lower_)


def _words(tokens) -> list[str]:
    return [_word(t) for t in tokens if not (t.is_punct or t.is_space or t.like_num)]


def statement_features(statement: Statement, verdict: Verdict) -> dict[str, float]:
    """The features of one statement, each with value 1 (present).

    - ``word:`` / ``pair:``: lemmas and adjacent lemma pairs of the statement;
    - ``cue:``: the words of the speech act the statement hangs from ("urged", "rejected");
    - ``ctx:``: the lemmas of the statement's sentence outside it;
    - ``rule:`` / ``rule_stance:``: which rule decided and what it said;
    - ``has:`` / ``not:``: a lexicon family present in the statement, and negated;
    - ``speaker_acts:`` / ``other_acts:``: an attitude cue whose subject is the speaker
      (or none) versus another actor ("Moscow has little incentive …");
    - ``speaker_country:``: the country the speaker speaks for (the actors stage's
      ``doc._.actor_info``), so the model can learn each side's usual positions;
    - ``target:``: where the target was found (statement, frame, previous sentence, none).
    """
    features: dict[str, float] = {}

    def add(name: str) -> None:
        features[name] = 1.0

    quote = statement.quote
    words = _words(quote)
    for word in words:
        add(f"word:{word}")
    for first, second in zip(words, words[1:]):
        add(f"pair:{first} {second}")
    for token in statement.governors:
        if isinstance(token, CueWord):
            add(f"cue:{norm_word(token.lower_)}")
        elif not (token.is_punct or token.is_space):
            add(f"cue:{_word(token)}")
    for word in _words(statement.frame):
        add(f"ctx:{word}")
    if statement.speaker_country:
        add(f"speaker_country:{statement.speaker_country}")
    add(f"rule:{verdict.rule}")
    add(f"rule_stance:{verdict.stance}")
    lexicon = statement.lexicon
    for family in _FAMILIES:
        for start, _, _ in statement.found(family):
            head = quote[start]
            add(f"has:{family}")
            if is_negated(head, lexicon.negators):
                add(f"not:{family}")
            if family in _ATTITUDES:
                own = subject_is_speaker(head, statement.speaker)
                add(f"{'speaker' if own else 'other'}_acts:{family}")
    if statement.targets:
        add("target:statement")
    elif statement.from_previous:
        add("target:previous")
    elif statement.frame_targets:
        add("target:frame")
    else:
        add("target:none")
    return features
