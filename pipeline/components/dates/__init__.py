"""Dates stage: find date expressions and normalise them to TIMEX3-style values.

The modules, each importing only those above it::

    values.py      DateValue, the periods (day … decade, season), choose()
    words.py       configs/dates.yml through the shared loader, compiled (DateLexicon)
    rules.py       the normalisation rules, in order (DATE_RULES)
    normaliser.py  DateNormaliser: clean, strip hedges and mods, first rule that answers
    tense.py       clause_tense: past/present/future from the parser's verb tags
    candidates.py  find_candidates: model entities and configured patterns
    stage.py       DateStage, the spaCy component writing doc.spans["dates"]

Everything but ``stage.py`` needs no statistical model.
"""
from .candidates import find_candidates
from .normaliser import DateNormaliser, clean_text
from .rules import DATE_RULES, EXPRESSION_RULES
from .stage import DateStage, normalise, parse_anchor
from .tense import clause_tense
from .values import (
    NOT_A_DATE,
    DateValue,
    choose,
    day_value,
    month_value,
    season_value,
    week_value,
    year_value,
)
from .words import DEFAULT_SETTINGS, SETTINGS_SCHEMA, DateLexicon

__all__ = [
    "DATE_RULES", "DEFAULT_SETTINGS", "EXPRESSION_RULES", "NOT_A_DATE", "SETTINGS_SCHEMA", "DateLexicon",
    "DateNormaliser", "DateStage", "DateValue", "choose", "clause_tense", "clean_text", "day_value",
    "find_candidates", "month_value", "normalise", "parse_anchor", "season_value", "week_value", "year_value",
]
