"""The dates stage's lexicon: ``configs/dates.yml`` loaded through the shared loader and compiled.

The code holds the grammar; every word it recognises comes from the file. The
schema registered here is what ``nlp.check_config`` checks the file against.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from ..lexicon import LexiconSchema, load_lexicon, register_schema

SETTINGS_SCHEMA = LexiconSchema(
    required={"months": dict, "weekdays": dict, "seasons": dict, "season_months": dict},
    optional={
        "dateparser": dict, "entity_labels": list, "candidate_patterns": list, "weekday_name_guard": bool,
        "blocking_entity_labels": list, "split_words": list, "span_trim_words": list, "reject_patterns": list,
        "ambiguous_months": list, "weekday_abbreviations": list, "ambiguous_seasons": list, "day_parts": list,
        "mods": dict, "hedges": list, "relative_words": dict, "deictic_days": dict, "today_present_ref": bool,
        "anaphoric_days": dict, "units": dict, "numbers": dict, "ordinals": dict, "weekend_mod": str,
        "week_rollover_weekdays": list, "vague_patterns": dict, "reject_title_case_relative": bool,
        "holidays": dict, "movable_holidays": dict, "tense": dict,
    },
)
register_schema("parley_dates", "settings_path", SETTINGS_SCHEMA)
DEFAULT_SETTINGS = Path(__file__).resolve().parents[3] / "configs" / "dates.yml"

def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so prefixes lose."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _title(word: str) -> str:
    return " ".join(part[:1].upper() + part[1:] for part in word.split(" "))


class DateLexicon:
    """The compiled settings and word lists of ``configs/dates.yml``."""

    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        self.languages = list(settings.get("dateparser", {}).get("languages", ["en"]))
        self.date_order = settings.get("dateparser", {}).get("date_order", "MDY")
        self.entity_labels = set(settings.get("entity_labels", ["DATE", "TIME"]))
        self.blocking_entity_labels = set(settings.get("blocking_entity_labels", []))
        self.weekday_name_guard = bool(settings.get("weekday_name_guard", True))
        self.months: dict[str, int] = {k.lower(): int(v) for k, v in settings["months"].items()}
        self.ambiguous_months = set(settings.get("ambiguous_months", []))
        self.weekdays: dict[str, int] = {k.lower(): int(v) for k, v in settings["weekdays"].items()}
        self.weekday_abbreviations = set(settings.get("weekday_abbreviations", []))
        self.seasons: dict[str, str] = dict(settings["seasons"])
        self.season_months = {k: (int(v[0]), int(v[1])) for k, v in settings["season_months"].items()}
        self.ambiguous_seasons = set(settings.get("ambiguous_seasons", []))
        self.ambiguous_words = self.ambiguous_months | self.ambiguous_seasons
        self.day_parts = set(settings.get("day_parts", []))
        self.mods: list[tuple[str, str]] = sorted(
            ((phrase.lower(), mod) for mod, phrases in settings.get("mods", {}).items() for phrase in phrases),
            key=lambda item: len(item[0]), reverse=True)
        self.hedges = sorted((h.lower() for h in settings.get("hedges", [])), key=len, reverse=True)
        self.relative_words: dict[str, int] = {k: int(v) for k, v in settings.get("relative_words", {}).items()}
        self.deictic_days: dict[str, int] = {k: int(v) for k, v in settings.get("deictic_days", {}).items()}
        self.today_present_ref = bool(settings.get("today_present_ref", True))
        self.anaphoric_days: dict[str, int] = {k: int(v) for k, v in settings.get("anaphoric_days", {}).items()}
        self.units: dict[str, str] = dict(settings.get("units", {}))
        self.numbers: dict[str, int] = {str(k): int(v) for k, v in settings.get("numbers", {}).items()}
        self.ordinals: dict[str, int] = {str(k).lower(): int(v) for k, v in settings.get("ordinals", {}).items()}
        self.weekend_mod = settings.get("weekend_mod", "END")
        self.week_rollover_weekdays = set(int(d) for d in settings.get("week_rollover_weekdays", []))
        self.holidays: dict[str, tuple[int, int]] = {
            k.lower(): (int(v.split("-")[0]), int(v.split("-")[1])) for k, v in settings.get("holidays", {}).items()}
        self.movable_holidays: dict[str, str] = {
            name.lower(): str(reckoning) for name, reckoning in settings.get("movable_holidays", {}).items()}
        self.holiday_names = set(self.holidays) | set(self.movable_holidays)
        self.reject_title_case_relative = bool(settings.get("reject_title_case_relative", True))
        self.split_re = re.compile(r"\s+(?:%s)\s+" % _alternation(settings.get("split_words", [])), re.I) \
            if settings.get("split_words") else None
        trim = settings.get("span_trim_words", [])
        self.trim_re = re.compile(r"(?:(?:%s)\s+)+" % _alternation(trim), re.I) if trim else None
        tense = settings.get("tense", {})
        self.future_aux = {w.lower() for w in tense.get("future_aux", [])}
        self.future_governors = {w.lower() for w in tense.get("future_governors", [])}
        self.past_prepositions = {w.lower() for w in tense.get("past_prepositions", [])}
        self.future_prepositions = {w.lower() for w in tense.get("future_prepositions", [])}
        self.future_path_words = {w.lower() for w in tense.get("future_path_words", [])}

        fill = self._fill
        self.reject_res = [re.compile(fill(p)) for p in settings.get("reject_patterns", [])]
        self.vague_res = [(value, re.compile(fill(p)))
                          for value, patterns in settings.get("vague_patterns", {}).items() for p in patterns]
        self.candidate_res = [re.compile(fill(p)) for p in settings.get("candidate_patterns", [])]
        self._compile_grammar()

    def _fill(self, pattern: str) -> str:
        months = [m for m in self.months]
        weekdays = [w for w in self.weekdays if w not in self.weekday_abbreviations]
        subst = {
            "months": _alternation(months),
            "Months": _alternation(_title(m) for m in months),
            "Months_unambiguous": _alternation(_title(m) for m in months if m not in self.ambiguous_months),
            "Months_ambiguous": _alternation(_title(m) for m in months if m in self.ambiguous_months),
            "weekdays": _alternation(weekdays),
            "Weekdays": _alternation(_title(w) for w in weekdays),
            "seasons": _alternation(w for w in self.seasons if w not in self.ambiguous_seasons),
            "all_seasons": _alternation(self.seasons),
            "holidays": _alternation(_title(name) for name in self.holiday_names),
            "mods": _alternation(m for m, _ in self.mods),
            "numbers": _alternation(self.numbers),
            "day_parts": _alternation(self.day_parts),
        }
        return re.sub(r"\{(\w+)\}", lambda match: subst.get(match.group(1), match.group(0)), pattern)

    def _compile_grammar(self) -> None:
        """Regexes of the expression grammar, built from the word lists."""
        months = _alternation(self.months)
        weekdays = _alternation(self.weekdays)
        seasons = _alternation(self.seasons)
        rel = _alternation(self.relative_words)
        units = _alternation(self.units)
        nums = _alternation(self.numbers)
        parts = _alternation(self.day_parts)
        ordinals = _alternation(self.ordinals)
        self.day_part_re = re.compile(r"^(.*\S)\s+(?:%s)$" % parts) if parts else None
        self.relative_re = re.compile(r"^(?:the\s+)?(%s)\s+(.+)$" % rel)
        self.unit_re = re.compile(r"^(%s)$" % units)
        self.month_re = re.compile(r"^(%s)\.?$" % months)
        self.weekday_re = re.compile(r"^(%s)\.?$" % weekdays)
        self.season_re = re.compile(r"^(?:the\s+)?(%s)$" % seasons)
        self.season_year_re = re.compile(r"^(?:the\s+)?(%s)\s+(?:of\s+)?((?:1[0-9]|20)\d\d)$" % seasons)
        self.month_rel_year_re = re.compile(r"^(%s)\.?\s+(?:of\s+)?(%s)\s+year$" % (months, rel))
        self.ago_re = re.compile(r"^(\d+|%s)\s+(%s)\s+ago$" % (nums, units))
        self.in_re = re.compile(r"^in\s+(\d+|%s)\s+(%s)(?:\s+time)?$|^(\d+|%s)\s+(%s)\s+from\s+now$"
                                % (nums, units, nums, units))
        self.year_re = re.compile(r"^(?:the\s+year\s+)?((?:1[0-9]|20)\d\d)$")
        self.decade_re = re.compile(r"^(?:the\s+)?(?:((?:1[0-9]|20)\d)0|['’]?(\d)0)'?s$")
        self.part_re = re.compile(
            r"^(?:the\s+)?(%s)\s+(quarter|half)(?:\s+(?:of\s+)?(?:((?:19|20)\d\d)|(?:the\s+)?(%s)?\s*year))?$"
            % (ordinals, rel))
        self.part_short_re = re.compile(r"^(q[1-4]|h[12])\s+((?:19|20)\d\d)$")
        self.absolute_token_re = re.compile(
            r"^(?:(?:%s|%s)\.?|\d{1,2}(?:st|nd|rd|th)?|\d{4}|of|the|,)$" % (months, weekdays))
        self.numeric_re = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?$|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")

    @classmethod
    def from_path(cls, path: str | Path = DEFAULT_SETTINGS, stage: str = "parley_dates") -> DateLexicon:
        """Read ``configs/dates.yml`` through the shared lexicon loader (LexiconError if unusable)."""
        return cls(load_lexicon(path, SETTINGS_SCHEMA, stage=stage))

    @classmethod
    def from_path_if_present(cls, path: str | Path, stage: str) -> DateLexicon | None:
        """As ``from_path``, but None for a missing file (a saved pipeline brings its own)."""
        settings = load_lexicon(path, SETTINGS_SCHEMA, stage=stage, missing_ok=True)
        return None if settings is None else cls(settings)
