"""``DateNormaliser``: one date expression and its context → a ``DateValue``, cached.

The steps, in order: clean the text; the whole-expression rules (rejections,
vague references); strip hedges ("just", "as early as") and one mod phrase
("early", "the end of": START/MID/END); then the date rules of ``rules.py`` in
their order, the first that answers deciding. A part of any period keeps the
mod ("late Monday" → the day, END); a vague reference takes none. ``dateparser`` does the calendar arithmetic the rules ask of it.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Callable

import dateparser

from .rules import DATE_RULES, EXPRESSION_RULES, Context, Rule
from .values import NOT_A_DATE, DateValue
from .words import DateLexicon

_SPACE_RE = re.compile(r"\s+")
_PUNCT_EDGES = " \t\n,.;:!?()[]\"“”‘"


def clean_text(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces, no edge punctuation or 's."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("‐", "-")
    text = _SPACE_RE.sub(" ", text.lower()).strip(_PUNCT_EDGES)
    if text.endswith("'s") and not re.search(r"\d'?0's$", text):
        text = text[:-2]
    return text.strip(_PUNCT_EDGES)


def first_answer(rules: tuple[Rule, ...], text: str, context: Context) -> DateValue | None:
    """The value of the first rule that answers, recording its name; None when none does."""
    for rule in rules:
        value = rule(text, context)
        if value is not None:
            return value.by_rule(rule.__name__) if value.is_date else value
    return None


class DateNormaliser:
    """Normalises date expressions against an anchor; results are cached.

    Args:
        lexicon: the compiled ``configs/dates.yml``.
        cache_size: how many (text, anchor, tense) results to keep.
    """

    def __init__(self, lexicon: DateLexicon, cache_size: int = 65536):
        self.lexicon = lexicon
        self.normalise: Callable[[str, dt.date | None, str], DateValue] = lru_cache(cache_size)(self._normalise)
        self._parse = lru_cache(cache_size)(self._dateparse)

    def _dateparse(self, text: str, base: dt.date | None) -> dt.date | None:
        settings: dict[str, Any] = {"DATE_ORDER": self.lexicon.date_order, "PREFER_DAY_OF_MONTH": "first"}
        if base is not None:
            settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
        parsed = dateparser.parse(text, languages=self.lexicon.languages, settings=settings)
        return parsed.date() if parsed else None

    def _normalise(self, text: str, anchor: dt.date | None, tense: str = "") -> DateValue:
        """Normalise one expression (``normalise`` is the cached entry point).

        Args:
            text: the expression as written ("the end of September").
            anchor: the document's anchor date, or None (relative dates stay unresolved).
            tense: ``past``, ``present``, ``future`` or "" for the clause it sits in.

        Returns:
            A ``DateValue`` whose ``rule`` names the rule that decided; ``NOT_A_DATE``
            (empty granularity) when the text is no date.
        """
        cleaned = clean_text(text)
        if not cleaned:
            return NOT_A_DATE
        context = Context(self.lexicon, anchor, tense, False, self._parse, self._core)
        decided = first_answer(EXPRESSION_RULES, cleaned, context)
        if decided is not None:
            return decided
        mod, core, stripped = self._strip(cleaned)
        if not core:
            return NOT_A_DATE
        result = self._core(core, Context(self.lexicon, anchor, tense, bool(mod) or stripped, self._parse, self._core))
        if not result.is_date:
            return NOT_A_DATE
        return result if result.granularity == "vague" else result.with_mod(mod)

    def _core(self, core: str, context: Context) -> DateValue:
        """The date rules on an expression without hedges or mod."""
        decided = first_answer(DATE_RULES, core, context)
        return NOT_A_DATE if decided is None else decided

    def _strip(self, text: str) -> tuple[str, str, bool]:
        """Split off hedges and one mod phrase; return (mod, core, whether anything was stripped)."""
        mod = ""
        stripped = False
        changed = True
        while changed and text:
            changed = False
            hedge = next((hedge for hedge in self.lexicon.hedges if text.startswith(hedge + " ")), None)
            if hedge is not None:
                text = text[len(hedge) + 1:]
                stripped = changed = True
                continue
            if not mod:
                for phrase, phrase_mod in self.lexicon.mods:
                    if text.startswith(phrase) and len(text) > len(phrase) and text[len(phrase)] in " -":
                        rest = text[len(phrase) + 1:].lstrip(" -")
                        mod, text = phrase_mod, rest[3:] if rest.startswith("of ") else rest
                        changed = True
                        break
        return mod, text.strip(), stripped
