"""Dates stage: find date expressions and normalise them to TIMEX3-style values.

The logic is in pure functions and small classes that need no statistical model:

- ``DateLexicon`` compiles the settings and word lists of ``configs/dates.yml``;
- ``DateNormaliser.normalise(text, anchor, tense)`` turns one expression into a
  ``DateValue`` (``dateparser`` parses absolute dates and "N units ago"; this module
  adds granularity, mods, tense-aware years/weekdays, seasons, weeks, vague
  references and ranges), with a cache keyed on (text, anchor, tense);
- ``clause_tense(span, lexicon)`` reads the tense of the clause a span sits in from
  the parser's verb tags;
- ``find_candidates(doc, lexicon)`` collects spaCy DATE/TIME entities and the
  configured patterns.

``DateNormalizer`` is the thin spaCy component that ties them together and writes
``doc.spans["dates"]``.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import dateparser
from spacy.language import Language
from spacy.tokens import Doc, Span

from .extensions import DATES_KEY
from .lexicon import LexiconSchema, lexicon_from_disk, lexicon_to_disk, load_lexicon, register_schema

SETTINGS_SCHEMA = LexiconSchema(
    required={"months": dict, "weekdays": dict, "seasons": dict, "season_months": dict},
    optional={
        "dateparser": dict, "entity_labels": list, "candidate_patterns": list, "weekday_name_guard": bool,
        "blocking_entity_labels": list, "split_words": list, "span_trim_words": list, "reject_patterns": list,
        "ambiguous_months": list, "weekday_abbreviations": list, "ambiguous_seasons": list, "day_parts": list,
        "mods": dict, "hedges": list, "relative_words": dict, "deictic_days": dict, "today_present_ref": bool,
        "anaphoric_days": dict, "units": dict, "numbers": dict, "ordinals": dict, "weekend_mod": str,
        "week_rollover_weekdays": list, "vague_patterns": dict, "reject_title_case_relative": bool,
        "holidays": dict, "tense": dict,
    },
)
register_schema("parley_dates", "settings_path", SETTINGS_SCHEMA)

PAST, PRESENT, FUTURE = "past", "present", "future"
VAGUE_VALUES = ("PAST_REF", "PRESENT_REF", "FUTURE_REF")


@dataclass(frozen=True)
class DateValue:
    """A normalised date expression.

    ``granularity`` is empty when the text is not a calendar date at all; ``value``
    is empty when it is one but cannot be resolved (no anchor, anaphoric).
    """

    value: str = ""
    granularity: str = ""
    mod: str = ""
    range_start: str = ""
    range_end: str = ""
    # anaphoric day ("the day before"): offset in days from the date it leans on
    anaphor_offset: int | None = None

    @property
    def is_date(self) -> bool:
        return bool(self.granularity)

    def with_mod(self, mod: str) -> "DateValue":
        return DateValue(self.value, self.granularity, mod or self.mod,
                         self.range_start, self.range_end, self.anaphor_offset)


NOT_A_DATE = DateValue()


# --------------------------------------------------------------------------- periods
def _iso(day: dt.date) -> str:
    return day.isoformat()


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def day_value(day: dt.date) -> DateValue:
    return DateValue(_iso(day), "day", "", _iso(day), _iso(day))


def week_value(day: dt.date) -> DateValue:
    """The ISO week containing ``day``."""
    iso_year, week, weekday = day.isocalendar()
    monday = day - dt.timedelta(days=weekday - 1)
    return DateValue(f"{iso_year}-W{week:02d}", "week", "",
                     _iso(monday), _iso(monday + dt.timedelta(days=6)))


def month_value(year: int, month: int) -> DateValue:
    return DateValue(f"{year:04d}-{month:02d}", "month", "",
                     _iso(dt.date(year, month, 1)), _iso(_month_end(year, month)))


def quarter_value(year: int, quarter: int) -> DateValue:
    first = 3 * (quarter - 1) + 1
    return DateValue(f"{year:04d}-Q{quarter}", "quarter", "",
                     _iso(dt.date(year, first, 1)), _iso(_month_end(year, first + 2)))


def half_value(year: int, half: int) -> DateValue:
    first = 6 * (half - 1) + 1
    return DateValue(f"{year:04d}-H{half}", "half", "",
                     _iso(dt.date(year, first, 1)), _iso(_month_end(year, first + 5)))


def year_value(year: int) -> DateValue:
    return DateValue(f"{year:04d}", "year", "", f"{year:04d}-01-01", f"{year:04d}-12-31")


def decade_value(decade: int) -> DateValue:
    """``decade`` is the year's first three digits (199 for the 1990s)."""
    return DateValue(f"{decade:03d}", "decade", "",
                     f"{decade * 10:04d}-01-01", f"{decade * 10 + 9:04d}-12-31")


def season_value(year: int, code: str, season_months: dict[str, tuple[int, int]]) -> DateValue:
    """A season of ``year``; a season that wraps the new year belongs to its first year."""
    first, last = season_months[code]
    end_year = year + 1 if last < first else year
    return DateValue(f"{year:04d}-{code}", "season", "",
                     _iso(dt.date(year, first, 1)), _iso(_month_end(end_year, last)))


def vague_value(value: str) -> DateValue:
    return DateValue(value, "vague")


def unresolved(granularity: str) -> DateValue:
    return DateValue("", granularity)


def _bounds(value: DateValue) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(value.range_start), dt.date.fromisoformat(value.range_end)


def choose(candidates: Iterable[DateValue], anchor: dt.date, tense: str,
           step: int | None = None) -> DateValue:
    """Pick the instance of a repeating period the text means.

    Args:
        candidates: instances of one period (e.g. "June" in several years), any order.
        anchor: the document's anchor date.
        tense: ``past``/``present``/``future`` or "" (unknown).
        step: -1 for "last X" (strictly before the anchor), +1 for "next X"
            (strictly after), 0 or None to follow the tense.

    Returns:
        past: the latest instance that has started by the anchor; future: the
        earliest that has not ended; otherwise the one containing or nearest to it.
    """
    spans = sorted((_bounds(c), c) for c in candidates)
    if step is not None and step < 0:
        before = [c for (s, e), c in spans if e < anchor]
        return before[-1] if before else NOT_A_DATE
    if step is not None and step > 0:
        after = [c for (s, e), c in spans if s > anchor]
        return after[0] if after else NOT_A_DATE
    if tense == PAST:
        started = [c for (s, e), c in spans if s <= anchor]
        if started:
            return started[-1]
    if tense == FUTURE:
        open_ = [c for (s, e), c in spans if e >= anchor]
        if open_:
            return open_[0]

    def distance(item: tuple[tuple[dt.date, dt.date], DateValue]) -> tuple[int, int]:
        (s, e), _ = item
        if s <= anchor <= e:
            return (0, 0)
        gap = (s - anchor).days if s > anchor else (anchor - e).days
        return (gap, 0 if e < anchor else 1)  # ties go to the past

    return min(spans, key=distance)[1] if spans else NOT_A_DATE


# --------------------------------------------------------------------------- lexicon
def _alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first so prefixes lose."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _title(word: str) -> str:
    return " ".join(part[:1].upper() + part[1:] for part in word.split(" "))


class DateLexicon:
    """The compiled settings and word lists of ``configs/dates.yml``."""

    def __init__(self, settings: dict[str, Any]):
        self.settings = settings
        s = settings
        self.languages = list(s.get("dateparser", {}).get("languages", ["en"]))
        self.date_order = s.get("dateparser", {}).get("date_order", "MDY")
        self.entity_labels = set(s.get("entity_labels", ["DATE", "TIME"]))
        self.blocking_entity_labels = set(s.get("blocking_entity_labels", []))
        self.weekday_name_guard = bool(s.get("weekday_name_guard", True))
        self.months: dict[str, int] = {k.lower(): int(v) for k, v in s["months"].items()}
        self.ambiguous_months = set(s.get("ambiguous_months", []))
        self.weekdays: dict[str, int] = {k.lower(): int(v) for k, v in s["weekdays"].items()}
        self.weekday_abbreviations = set(s.get("weekday_abbreviations", []))
        self.seasons: dict[str, str] = dict(s["seasons"])
        self.season_months = {k: (int(v[0]), int(v[1])) for k, v in s["season_months"].items()}
        self.ambiguous_seasons = set(s.get("ambiguous_seasons", []))
        self.day_parts = set(s.get("day_parts", []))
        self.mods: list[tuple[str, str]] = sorted(
            ((phrase.lower(), mod) for mod, phrases in s.get("mods", {}).items() for phrase in phrases),
            key=lambda item: len(item[0]), reverse=True)
        self.hedges = sorted((h.lower() for h in s.get("hedges", [])), key=len, reverse=True)
        self.relative_words: dict[str, int] = {k: int(v) for k, v in s.get("relative_words", {}).items()}
        self.deictic_days: dict[str, int] = {k: int(v) for k, v in s.get("deictic_days", {}).items()}
        self.today_present_ref = bool(s.get("today_present_ref", True))
        self.anaphoric_days: dict[str, int] = {k: int(v) for k, v in s.get("anaphoric_days", {}).items()}
        self.units: dict[str, str] = dict(s.get("units", {}))
        self.numbers: dict[str, int] = {str(k): int(v) for k, v in s.get("numbers", {}).items()}
        self.ordinals: dict[str, int] = {str(k).lower(): int(v) for k, v in s.get("ordinals", {}).items()}
        self.weekend_mod = s.get("weekend_mod", "END")
        self.week_rollover_weekdays = set(int(d) for d in s.get("week_rollover_weekdays", []))
        self.holidays: dict[str, tuple[int, int]] = {
            k.lower(): (int(v.split("-")[0]), int(v.split("-")[1])) for k, v in s.get("holidays", {}).items()}
        self.reject_title_case_relative = bool(s.get("reject_title_case_relative", True))
        self.split_re = re.compile(r"\s+(?:%s)\s+" % _alternation(s.get("split_words", [])), re.I) \
            if s.get("split_words") else None
        trim = s.get("span_trim_words", [])
        self.trim_re = re.compile(r"(?:(?:%s)\s+)+" % _alternation(trim), re.I) if trim else None
        tense = s.get("tense", {})
        self.future_aux = {w.lower() for w in tense.get("future_aux", [])}
        self.future_governors = {w.lower() for w in tense.get("future_governors", [])}
        self.past_prepositions = {w.lower() for w in tense.get("past_prepositions", [])}
        self.future_prepositions = {w.lower() for w in tense.get("future_prepositions", [])}
        self.future_path_words = {w.lower() for w in tense.get("future_path_words", [])}

        fill = self._fill
        self.reject_res = [re.compile(fill(p)) for p in s.get("reject_patterns", [])]
        self.vague_res = [(value, re.compile(fill(p)))
                          for value, patterns in s.get("vague_patterns", {}).items() for p in patterns]
        self.candidate_res = [re.compile(fill(p)) for p in s.get("candidate_patterns", [])]
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
            "holidays": _alternation(_title(h) for h in self.holidays),
            "mods": _alternation(m for m, _ in self.mods),
            "numbers": _alternation(self.numbers),
        }
        return re.sub(r"\{(\w+)\}", lambda m: subst.get(m.group(1), m.group(0)), pattern)

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
    def from_path(cls, path: str | Path, stage: str = "parley_dates") -> "DateLexicon":
        """Read ``configs/dates.yml`` through the shared lexicon loader (LexiconError if unusable)."""
        return cls(load_lexicon(path, SETTINGS_SCHEMA, stage=stage))

    @classmethod
    def from_path_if_present(cls, path: str | Path, stage: str) -> "DateLexicon | None":
        """As ``from_path``, but None for a missing file (a saved pipeline brings its own)."""
        settings = load_lexicon(path, SETTINGS_SCHEMA, stage=stage, missing_ok=True)
        return None if settings is None else cls(settings)


# --------------------------------------------------------------------------- normaliser
_SPACE_RE = re.compile(r"\s+")
_PUNCT_EDGES = " \t\n,.;:!?()[]\"“”‘"


def clean_text(text: str) -> str:
    """Lower-case, straight apostrophes, single spaces, no edge punctuation or 's."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("‐", "-")
    text = _SPACE_RE.sub(" ", text.lower()).strip(_PUNCT_EDGES)
    if text.endswith("'s") and not re.search(r"\d'?0's$", text):
        text = text[:-2]
    return text.strip(_PUNCT_EDGES)


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

    # -- dateparser, the parsing core
    def _dateparse(self, text: str, base: dt.date | None) -> dt.date | None:
        settings: dict[str, Any] = {"DATE_ORDER": self.lexicon.date_order,
                                    "PREFER_DAY_OF_MONTH": "first"}
        if base is not None:
            settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
        parsed = dateparser.parse(text, languages=self.lexicon.languages, settings=settings)
        return parsed.date() if parsed else None

    def _normalise(self, text: str, anchor: dt.date | None, tense: str = "") -> DateValue:
        """Normalise one expression; see ``normalise`` (the cached entry point)."""
        lex = self.lexicon
        t = clean_text(text)
        if not t or any(r.fullmatch(t) for r in lex.reject_res):
            return NOT_A_DATE
        for value, regex in lex.vague_res:
            if regex.fullmatch(t):
                return vague_value(value)
        mod, core, stripped = self._strip(t)
        if not core:
            return NOT_A_DATE
        if any(r.fullmatch(core) for r in lex.reject_res):
            return NOT_A_DATE
        result = self._core(core, anchor, tense, bool(mod) or stripped)
        if not result.is_date:
            return NOT_A_DATE
        if mod and result.granularity in ("day", "vague"):
            mod = ""
        return result.with_mod(mod)

    def _strip(self, t: str) -> tuple[str, str, bool]:
        """Split off hedges and a mod phrase; return (mod, core, anything stripped)."""
        lex = self.lexicon
        mod = ""
        stripped = False
        changed = True
        while changed and t:
            changed = False
            for hedge in lex.hedges:
                if t.startswith(hedge + " "):
                    t = t[len(hedge) + 1:]
                    stripped = changed = True
                    break
            if changed:
                continue
            if not mod:
                for phrase, m in lex.mods:
                    if t.startswith(phrase) and len(t) > len(phrase) and t[len(phrase)] in " -":
                        rest = t[len(phrase) + 1:].lstrip(" -")
                        if rest.startswith("of "):
                            rest = rest[3:]
                        mod, t = m, rest
                        changed = True
                        break
        return mod, t.strip(), stripped

    def _core(self, t: str, anchor: dt.date | None, tense: str, bare_ok: bool) -> DateValue:
        lex = self.lexicon
        if t in lex.deictic_days:
            if t == "today" and lex.today_present_ref and tense in (PRESENT, ""):
                return vague_value("PRESENT_REF")
            return self._deictic(lex.deictic_days[t], anchor)
        # parts of the day do not change the day ("Sunday night")
        m = lex.day_part_re.match(t) if lex.day_part_re is not None else None
        if m:
            day = self._core(m.group(1), anchor, tense, False)
            return day if day.granularity == "day" else NOT_A_DATE
        if t in lex.anaphoric_days:
            return DateValue("", "day", anaphor_offset=lex.anaphoric_days[t])
        if t in lex.holidays:
            month, day = lex.holidays[t]
            if anchor is None:
                return unresolved("day")
            return choose((day_value(dt.date(y, month, day)) for y in range(anchor.year - 1, anchor.year + 2)
                           if day <= calendar.monthrange(y, month)[1]), anchor, tense)
        m = lex.year_re.match(t)
        if m:
            return year_value(int(m.group(1)))
        m = lex.decade_re.match(t)
        if m:
            return self._decade(m, anchor)
        m = lex.ago_re.match(t)
        if m:
            num = m.group(1)
            return self._offset(int(num) if num.isdigit() else lex.numbers[num], lex.units[m.group(2)], -1, anchor)
        m = lex.in_re.match(t)
        if m:
            num, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            n = int(num) if num.isdigit() else lex.numbers[num]
            return self._offset(n, lex.units[unit], 1, anchor)
        m = lex.part_re.match(t) or lex.part_short_re.match(t)
        if m:
            return self._part(m, anchor, tense)
        m = lex.season_year_re.match(t)
        if m:
            return season_value(int(m.group(2)), lex.seasons[m.group(1)], lex.season_months)
        m = lex.season_re.match(t)
        if m:
            word = m.group(1)
            if word in lex.ambiguous_seasons and not (bare_ok or t.startswith("the ")):
                return NOT_A_DATE
            return self._season(lex.seasons[word], anchor, tense, None)
        m = lex.month_rel_year_re.match(t)
        if m:
            if anchor is None:
                return unresolved("month")
            year = anchor.year + lex.relative_words[m.group(2)]
            return month_value(year, lex.months[m.group(1)])
        m = lex.relative_re.match(t)
        if m:
            return self._relative(lex.relative_words[m.group(1)], m.group(2), anchor, tense)
        rest = t[4:] if t.startswith("the ") else t
        if rest == "weekend" or (rest != t and bare_ok and lex.unit_re.match(rest)):
            return self._relative(0, rest, anchor, tense)  # "the weekend", "weekend", "the week"
        m = lex.month_re.match(t)
        if m:
            if t in lex.ambiguous_months and not bare_ok:
                return NOT_A_DATE
            return self._month(lex.months[m.group(1)], anchor, tense, None)
        m = lex.weekday_re.match(t)
        if m:
            return self._weekday(lex.weekdays[m.group(1)], anchor, tense, None)
        return self._absolute(t, anchor, tense)

    # -- the pieces of the grammar
    def _deictic(self, offset: int, anchor: dt.date | None) -> DateValue:
        if anchor is None:
            return unresolved("day")
        return day_value(anchor + dt.timedelta(days=offset))

    def _decade(self, m: re.Match, anchor: dt.date | None) -> DateValue:
        if m.group(1):
            return decade_value(int(m.group(1)))
        digit = int(m.group(2))
        # a two-digit decade is this century's only when it is over by the anchor
        ref_year = anchor.year if anchor else 0
        if 2000 + digit * 10 + 9 < ref_year:
            return decade_value(200 + digit)
        return decade_value(190 + digit)

    def _offset(self, n: int, unit: str, sign: int, anchor: dt.date | None) -> DateValue:
        """"three months ago" / "in two weeks": dateparser moves the anchor."""
        granularity = {"fortnight": "week", "weekend": "week", "quarter": "month"}.get(unit, unit)
        if unit == "decade":
            granularity = "year"
        if anchor is None:
            return unresolved(granularity)
        if unit in ("fortnight", "quarter", "weekend"):
            factor = {"fortnight": 2, "quarter": 3, "weekend": 1}[unit]
            unit = {"fortnight": "week", "quarter": "month", "weekend": "week"}[unit]
            n *= factor
        if unit == "decade":
            unit, n = "year", n * 10
        phrase = f"{n} {unit}{'s' if n != 1 else ''} ago" if sign < 0 else f"in {n} {unit}{'s' if n != 1 else ''}"
        day = self._parse(phrase, anchor)
        if day is None:
            return NOT_A_DATE
        return self._period_of(day, granularity)

    def _period_of(self, day: dt.date, granularity: str) -> DateValue:
        if granularity == "day":
            return day_value(day)
        if granularity == "week":
            return week_value(day)
        if granularity == "month":
            return month_value(day.year, day.month)
        return year_value(day.year)

    def _part(self, m: re.Match, anchor: dt.date | None, tense: str) -> DateValue:
        lex = self.lexicon
        groups = m.groups()
        if len(groups) == 2:  # q1 2024 / h2 2023
            code, year = groups
            kind = "quarter" if code.startswith("q") else "half"
            n, year_n = int(code[1]), int(year)
        else:
            ordinal, kind, year, rel = groups
            n = lex.ordinals[ordinal]
            if year:
                year_n = int(year)
            elif rel is not None or m.group(0).endswith("year"):
                if anchor is None:
                    return unresolved(kind)
                year_n = anchor.year + (lex.relative_words.get(rel, 0) if rel else 0)
            else:
                if anchor is None:
                    return unresolved(kind)
                make = quarter_value if kind == "quarter" else half_value
                if (kind == "quarter" and n > 4) or (kind == "half" and n > 2):
                    return NOT_A_DATE
                return choose((make(y, n) for y in range(anchor.year - 1, anchor.year + 2)), anchor, tense)
        if (kind == "quarter" and n > 4) or (kind == "half" and n > 2):
            return NOT_A_DATE
        return quarter_value(year_n, n) if kind == "quarter" else half_value(year_n, n)

    def _season(self, code: str, anchor: dt.date | None, tense: str, step: int | None) -> DateValue:
        if anchor is None:
            return unresolved("season")
        sm = self.lexicon.season_months
        return choose((season_value(y, code, sm) for y in range(anchor.year - 2, anchor.year + 2)),
                      anchor, tense, step)

    def _month(self, month: int, anchor: dt.date | None, tense: str, step: int | None) -> DateValue:
        if anchor is None:
            return unresolved("month")
        return choose((month_value(y, month) for y in range(anchor.year - 1, anchor.year + 2)),
                      anchor, tense, step)

    def _weekday(self, weekday: int, anchor: dt.date | None, tense: str, step: int | None) -> DateValue:
        if anchor is None:
            return unresolved("day")
        delta = weekday - anchor.weekday()
        return choose((day_value(anchor + dt.timedelta(days=delta + 7 * k)) for k in (-1, 0, 1)),
                      anchor, tense, step)

    def _weekend(self, anchor: dt.date, tense: str, step: int | None) -> DateValue:
        saturday = anchor + dt.timedelta(days=5 - anchor.weekday())
        instances = []
        for k in (-1, 0, 1):
            sat = saturday + dt.timedelta(days=7 * k)
            instances.append(DateValue(_iso(sat), "weekend", "", _iso(sat), _iso(sat + dt.timedelta(days=1))))
        picked = choose(instances, anchor, tense, step)
        if not picked.is_date:
            return NOT_A_DATE
        return week_value(dt.date.fromisoformat(picked.value)).with_mod(self.lexicon.weekend_mod)

    def _relative(self, step: int, rest: str, anchor: dt.date | None, tense: str) -> DateValue:
        """"last week", "this winter", "next June", "last Friday", "the weekend"."""
        lex = self.lexicon
        m = lex.unit_re.match(rest)
        if m:
            unit = lex.units[m.group(1)]
            if rest.endswith("s") and unit not in ("weekend",):
                return NOT_A_DATE  # "last weeks"
            granularity = {"weekend": "week", "fortnight": "week", "decade": "decade"}.get(unit, unit)
            if anchor is None:
                return unresolved(granularity)
            if unit == "weekend":
                return self._weekend(anchor, tense, step if step else None)
            if unit == "day":
                return day_value(anchor + dt.timedelta(days=step))
            if unit == "week":
                # on a day that starts the coming week, "this week" is the coming week
                # (unless it is already past) and "last week" the one ending now
                shift = 0
                if anchor.weekday() in lex.week_rollover_weekdays and not (step == 0 and tense == PAST):
                    shift = 1
                return week_value(anchor + dt.timedelta(days=7 * (step + shift)))
            if unit == "fortnight":
                return week_value(anchor + dt.timedelta(days=14 * step))
            if unit == "month":
                index = anchor.year * 12 + anchor.month - 1 + step
                return month_value(index // 12, index % 12 + 1)
            if unit == "quarter":
                index = anchor.year * 4 + (anchor.month - 1) // 3 + step
                return quarter_value(index // 4, index % 4 + 1)
            if unit == "year":
                return year_value(anchor.year + step)
            if unit == "decade":
                return decade_value(anchor.year // 10 + step)
            return NOT_A_DATE
        directional = step if step else None
        m = lex.season_re.match(rest)
        if m:
            return self._season(lex.seasons[m.group(1)], anchor, tense, directional)
        m = lex.month_re.match(rest)
        if m:
            return self._month(lex.months[m.group(1)], anchor, tense, directional)
        m = lex.weekday_re.match(rest)
        if m:
            return self._weekday(lex.weekdays[m.group(1)], anchor, tense, directional)
        return NOT_A_DATE

    def _absolute(self, t: str, anchor: dt.date | None, tense: str) -> DateValue:
        """Day/month/year combinations, parsed by dateparser; the year is inferred."""
        lex = self.lexicon
        if lex.numeric_re.match(t):
            parts = re.split(r"[-/.]", t)
            day = self._parse(t, anchor)
            if day is None:
                return NOT_A_DATE
            if len(parts) == 2:
                return month_value(day.year, day.month)
            return day_value(day)
        tokens = re.findall(r"[a-z]+\.?|\d+(?:st|nd|rd|th)?|,", t)
        if not tokens or "".join(tokens).replace(",", "") != t.replace(" ", "").replace(",", ""):
            return NOT_A_DATE
        if not all(lex.absolute_token_re.match(tok) for tok in tokens):
            return NOT_A_DATE
        month_tokens = [tok for tok in tokens if lex.month_re.match(tok)]
        numbers = [re.match(r"\d+", tok).group(0) for tok in tokens if tok[0].isdigit()]
        years = [n for n in numbers if len(n) == 4]
        days = [n for n in numbers if len(n) <= 2]
        if len(month_tokens) != 1 or len(years) > 1 or len(days) > 1:
            return NOT_A_DATE
        month = lex.months[month_tokens[0].rstrip(".")]
        if days and not 1 <= int(days[0]) <= 31:
            return NOT_A_DATE
        text = " ".join(tok for tok in tokens if not lex.weekday_re.match(tok) and tok not in ("the", ","))
        if years:
            year = int(years[0])
            if not days:
                return month_value(year, month)
            parsed = self._parse(text, dt.date(year, 1, 1) if anchor is None else anchor)
            return day_value(parsed) if parsed else NOT_A_DATE
        if not days:
            return self._month(month, anchor, tense, None)
        if anchor is None:
            return unresolved("day")
        parsed = self._parse(text, anchor)
        if parsed is None:  # 29 February against a common year: ask in a leap year
            leap = next(y for y in range(anchor.year, anchor.year + 8) if calendar.isleap(y))
            parsed = self._parse(text, dt.date(leap, 1, 1))
            if parsed is None:
                return NOT_A_DATE
        month, day = parsed.month, parsed.day
        return choose((day_value(dt.date(y, month, day)) for y in range(anchor.year - 4, anchor.year + 5)
                       if day <= calendar.monthrange(y, month)[1]), anchor, tense)


# --------------------------------------------------------------------------- tense
def clause_tense(span: Span, lexicon: DateLexicon) -> str:
    """The tense of the clause ``span`` belongs to, from the parser's verb tags.

    Args:
        span: a date expression in a parsed Doc.
        lexicon: supplies the future auxiliaries, infinitive governors and
            direction-fixing prepositions.

    Returns:
        ``past``, ``present``, ``future`` or "" when the Doc has no parse or the
        clause shows no tense.
    """
    doc = span.doc
    if not doc.has_annotation("DEP"):
        return ""
    if span.start > 0:
        before = doc[span.start - 1].lower_
        if before in lexicon.past_prepositions:
            return PAST
        if before in lexicon.future_prepositions:
            return FUTURE
    if span[-1].lower_ in lexicon.past_prepositions:  # "... ago"
        return PAST
    token = span.root
    for _ in range(8):  # climb to the nearest verb; words on the way may point forward
        if token.pos_ in ("VERB", "AUX") or token.head == token:
            break
        token = token.head
        if token.lower_ in lexicon.future_path_words or any(
                c.dep_ == "amod" and c.lower_ in lexicon.future_path_words for c in token.children):
            return FUTURE
    for _ in range(6):
        if token.pos_ not in ("VERB", "AUX"):
            return ""
        auxes = [c for c in token.children if c.dep_ in ("aux", "auxpass")]
        words = {c.lower_ for c in auxes} | ({token.lower_} if token.tag_ == "MD" else set())
        if words & lexicon.future_aux:
            return FUTURE
        if any(c.tag_ == "TO" for c in auxes):
            if token.lemma_.lower() in lexicon.future_governors:
                return FUTURE  # "naive to expect talks before the summer"
            governor = token.head
            if governor == token:
                return ""
            if governor.lower_ in lexicon.future_governors or governor.lemma_.lower() in lexicon.future_governors:
                return FUTURE
            token = governor
            while token.pos_ not in ("VERB", "AUX") and token.head != token:
                if token.lower_ in lexicon.future_governors:
                    return FUTURE
                token = token.head
            continue
        tags = {token.tag_} | {c.tag_ for c in auxes}
        if "VBD" in tags:
            return PAST
        if token.tag_ == "VBN" and not auxes and token.dep_ in ("acl", "relcl", "amod"):
            # a reduced relative ("the poll done in February") reports the past,
            # unless the participle itself points forward ("talks scheduled for May")
            return FUTURE if token.lemma_.lower() in lexicon.future_governors else PAST
        if token.tag_ == "VBN" and any(c.lemma_ == "have" for c in auxes):
            return PAST
        if tags & {"VBZ", "VBP"}:
            return PRESENT
        if token.head == token:
            return ""
        token = token.head
        while token.pos_ not in ("VERB", "AUX") and token.head != token:
            token = token.head
    return ""


# --------------------------------------------------------------------------- candidates
def find_candidates(doc: Doc, lexicon: DateLexicon) -> list[tuple[int, int]]:
    """Character spans that may be date expressions: model entities and patterns.

    Each span is split at the configured conjunctions ("January 20 or before").
    """
    spans: set[tuple[int, int]] = set()
    names: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in lexicon.entity_labels:
            spans.add((ent.start_char, ent.end_char))
        elif ent.label_ in lexicon.blocking_entity_labels:
            names.append((ent.start_char, ent.end_char))
    text = doc.text
    for regex in lexicon.candidate_res:
        for m in regex.finditer(text):
            group = "d" if "d" in regex.groupindex and m.group("d") is not None else 0
            start, end = m.start(group), m.end(group)
            if clean_text(text[start:end]) in lexicon.holidays or not any(
                    s <= start and end <= e for s, e in names):
                spans.add((start, end))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for part_start, part_end in _split(text, start, end, lexicon):
            m = lexicon.trim_re.match(text, part_start, part_end) if lexicon.trim_re else None
            if m:
                part_start = m.end()
            if part_start < part_end:
                out.append((part_start, part_end))
    return sorted(set(out))


def _split(text: str, start: int, end: int, lexicon: DateLexicon) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    if lexicon.split_re is None:
        yield start, end
        return
    pos = 0
    for m in lexicon.split_re.finditer(piece):
        yield start + pos, start + m.start()
        pos = m.end()
    yield start + pos, end


def _is_part_of_name(span: Span, lexicon: DateLexicon) -> bool:
    """A title ("ABC's This Week") or a name with a weekday ("the Sunday Times")."""
    doc = span.doc
    first = span[0]
    if (lexicon.reject_title_case_relative and first.lower_ in lexicon.relative_words
            and first.text[:1].isupper() and not first.is_sent_start
            and len(span) > 1 and span[1].text[:1].isupper()):
        return True
    if (lexicon.weekday_name_guard and len(span) == 1 and first.lower_ in lexicon.weekdays
            and span.start > 0 and doc[span.start - 1].lower_ == "the" and span.end < len(doc)):
        after = doc[span.end]
        return after.text[:1].isupper() and after.lower_ not in lexicon.months \
            and after.lower_ not in lexicon.day_parts
    return False


# --------------------------------------------------------------------------- component
class DateNormalizer:
    """spaCy component: date expressions into ``doc.spans["dates"]`` with values.

    Args:
        nlp: the pipeline.
        name: the component's name.
        settings_path: ``configs/dates.yml`` (settings and lexicons).
    """

    def __init__(self, nlp: Language, name: str, *, settings_path: str):
        self.name = name
        self.settings_path = settings_path
        self.lexicon: DateLexicon | None = None
        self._set_lexicon(DateLexicon.from_path_if_present(settings_path, stage=name))

    def _set_lexicon(self, lexicon: DateLexicon | None) -> None:
        self.lexicon = lexicon
        self.normaliser = DateNormaliser(lexicon) if lexicon is not None else None

    def _require(self) -> DateLexicon:
        """The lexicon; when neither the file nor ``from_disk`` gave one, the loader's error."""
        if self.lexicon is None:
            self._set_lexicon(DateLexicon.from_path(self.settings_path, stage=self.name))
        return self.lexicon

    def __call__(self, doc: Doc) -> Doc:
        lexicon = self._require()
        anchor = parse_anchor(doc._.anchor)
        found: list[tuple[Span, DateValue]] = []
        for start, end in find_candidates(doc, lexicon):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not span.text.strip():
                continue
            if _is_part_of_name(span, lexicon):
                continue
            tense = clause_tense(span, lexicon)
            value = self.normaliser.normalise(span.text, anchor, tense)
            if value.is_date:
                found.append((span, value))
        kept = _drop_overlaps(found)
        kept = _resolve_anaphors(doc, kept)
        group = []
        for span, value in kept:
            span = Span(doc, span.start, span.end, label="DATE")
            span._.date_value = value.value
            span._.date_granularity = value.granularity
            span._.date_mod = value.mod
            span._.date_range_start = value.range_start
            span._.date_range_end = value.range_end
            group.append(span)
        doc.spans[DATES_KEY] = group
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        lexicon_to_disk(path, self._require().settings)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "DateNormalizer":
        self._set_lexicon(DateLexicon(lexicon_from_disk(path, SETTINGS_SCHEMA, stage=self.name)))
        return self


def parse_anchor(anchor: str) -> dt.date | None:
    """``"YYYY-MM-DD"`` → date; "" or anything else → None (relative dates stay unresolved)."""
    try:
        return dt.date.fromisoformat(anchor) if anchor else None
    except ValueError:
        return None


def _drop_overlaps(found: list[tuple[Span, DateValue]]) -> list[tuple[Span, DateValue]]:
    """Keep the longest of overlapping expressions, then restore text order."""
    taken: set[int] = set()
    kept = []
    for span, value in sorted(found, key=lambda sv: (-(sv[0].end_char - sv[0].start_char), sv[0].start)):
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            continue
        taken |= tokens
        kept.append((span, value))
    return sorted(kept, key=lambda sv: sv[0].start)


def _resolve_anaphors(doc: Doc, kept: list[tuple[Span, DateValue]]) -> list[tuple[Span, DateValue]]:
    """Give "the day before" a value from the day it leans on.

    In apposition to a day ("On Friday, the day before the summit") it names that
    same day; otherwise it is counted from the last day mentioned before it.
    """
    out = []
    previous: tuple[Span, DateValue] | None = None
    for span, value in kept:
        if value.anaphor_offset is not None and previous is not None and previous[1].value:
            prev_span, prev_value = previous
            day = dt.date.fromisoformat(prev_value.range_start)
            between = doc.text[prev_span.end_char:span.start_char]
            if not re.fullmatch(r"\s*,\s*", between):
                day += dt.timedelta(days=value.anaphor_offset)
            value = day_value(day)
        if value.granularity == "day" and value.value:
            previous = (span, value)
        out.append((span, value))
    return out


_DEFAULT: dict[str, DateNormaliser] = {}
DEFAULT_SETTINGS = Path(__file__).resolve().parent.parent.parent / "configs" / "dates.yml"


def normalise(text: str, anchor: dt.date | None, tense: str = "",
              settings_path: str | Path = DEFAULT_SETTINGS) -> DateValue:
    """Normalise one date expression (cached per text, anchor and tense).

    Args:
        text: the expression as written ("the end of September").
        anchor: the document's anchor date, or None (relative dates stay unresolved).
        tense: ``past``, ``present``, ``future`` or "" for the clause it sits in.
        settings_path: the lexicon file; the default is ``configs/dates.yml``.

    Returns:
        A ``DateValue``; ``NOT_A_DATE`` (empty granularity) when the text is no date.
    """
    key = str(settings_path)
    if key not in _DEFAULT:
        _DEFAULT[key] = DateNormaliser(DateLexicon.from_path(settings_path))
    return _DEFAULT[key].normalise(text, anchor, tense)
