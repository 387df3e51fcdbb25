"""Stance toward negotiations (SPEC s.4), one statement at a time, then one row per speaker.

- :mod:`.lexicon`: the word lists of ``configs/stance.yml``;
- :mod:`.grammar`: targets, negation, subjects, conditions, a quote's context;
- :mod:`.rules`: the named rules, in order (:data:`.rules.RULES`);
- :mod:`.features`: what the statement model reads;
- :mod:`.model`: the statement model (trained by ``parley train``);
- :mod:`.folding`: a speaker's statements → the ``stances`` row;
- :mod:`.component`: the ``parley_stance`` pipeline component.
"""
from .component import StanceClassifier
from .folding import FoldedStance, fold_statements
from .grammar import find_phrases
from .lexicon import STANCES, StanceLexicon, load_lexicon
from .model import ModelError, StatementModel
from .rules import RULES, Statement, Verdict, apply_rules

__all__ = [
    "RULES", "STANCES", "FoldedStance", "ModelError", "StanceClassifier", "StanceLexicon", "StatementModel",
    "Statement", "Verdict", "apply_rules", "find_phrases", "fold_statements", "load_lexicon",
]
