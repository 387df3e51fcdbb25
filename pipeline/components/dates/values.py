"""Normalised date values (TIMEX3-style) and the periods they are built from.

Pure functions: no lexicon, no spaCy. ``choose`` picks which instance of a
repeating period ("June", "Friday", "the summer") an expression means.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Iterable

PAST, PRESENT, FUTURE = "past", "present", "future"
VAGUE_VALUES = ("PAST_REF", "PRESENT_REF", "FUTURE_REF")


@dataclass(frozen=True)
class DateValue:
    """A normalised date expression.

    ``granularity`` is empty when the text is not a calendar date at all; ``value``
    is empty when it is one but cannot be resolved (no anchor, anaphoric). ``rule``
    names the normalisation rule that decided (``rules.DATE_RULES``).
    """

    value: str = ""
    granularity: str = ""
    mod: str = ""
    range_start: str = ""
    range_end: str = ""
    # anaphoric day ("the day before"): offset in days from the date it leans on
    anaphor_offset: int | None = None
    rule: str = field(default="", compare=False)  # provenance, not part of the value

    @property
    def is_date(self) -> bool:
        return bool(self.granularity)

    def with_mod(self, mod: str) -> DateValue:
        """The same value with ``mod`` (an existing mod is kept when ``mod`` is empty)."""
        return replace(self, mod=mod or self.mod)

    def by_rule(self, rule: str) -> DateValue:
        """The same value, recording the rule that decided it."""
        return replace(self, rule=rule)


NOT_A_DATE = DateValue()


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
    return DateValue(f"{iso_year}-W{week:02d}", "week", "", _iso(monday), _iso(monday + dt.timedelta(days=6)))


def weekend_value(saturday: dt.date) -> DateValue:
    """The weekend starting on ``saturday`` (an instance for ``choose``)."""
    return DateValue(_iso(saturday), "weekend", "", _iso(saturday), _iso(saturday + dt.timedelta(days=1)))


def month_value(year: int, month: int) -> DateValue:
    return DateValue(f"{year:04d}-{month:02d}", "month", "", _iso(dt.date(year, month, 1)), _iso(_month_end(year, month)))


def quarter_value(year: int, quarter: int) -> DateValue:
    first = 3 * (quarter - 1) + 1
    return DateValue(f"{year:04d}-Q{quarter}", "quarter", "", _iso(dt.date(year, first, 1)), _iso(_month_end(year, first + 2)))


def half_value(year: int, half: int) -> DateValue:
    first = 6 * (half - 1) + 1
    return DateValue(f"{year:04d}-H{half}", "half", "", _iso(dt.date(year, first, 1)), _iso(_month_end(year, first + 5)))


def year_value(year: int) -> DateValue:
    return DateValue(f"{year:04d}", "year", "", f"{year:04d}-01-01", f"{year:04d}-12-31")


def decade_value(decade: int) -> DateValue:
    """``decade`` is the year's first three digits (199 for the 1990s)."""
    return DateValue(f"{decade:03d}", "decade", "", f"{decade * 10:04d}-01-01", f"{decade * 10 + 9:04d}-12-31")


def season_value(year: int, code: str, season_months: dict[str, tuple[int, int]]) -> DateValue:
    """A season of ``year``; a season that wraps the new year belongs to its first year."""
    first, last = season_months[code]
    end_year = year + 1 if last < first else year
    return DateValue(f"{year:04d}-{code}", "season", "", _iso(dt.date(year, first, 1)), _iso(_month_end(end_year, last)))


def vague_value(value: str) -> DateValue:
    return DateValue(value, "vague")


def unresolved(granularity: str) -> DateValue:
    """A date of this granularity that cannot be resolved (no anchor)."""
    return DateValue("", granularity)


def period_of(day: dt.date, granularity: str) -> DateValue:
    """The day, week, month or (otherwise) year containing ``day``."""
    if granularity == "day":
        return day_value(day)
    if granularity == "week":
        return week_value(day)
    if granularity == "month":
        return month_value(day.year, day.month)
    return year_value(day.year)


def _bounds(value: DateValue) -> tuple[dt.date, dt.date]:
    return dt.date.fromisoformat(value.range_start), dt.date.fromisoformat(value.range_end)


def choose(candidates: Iterable[DateValue], anchor: dt.date, tense: str, step: int | None = None) -> DateValue:
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
    spans = sorted((_bounds(candidate), candidate) for candidate in candidates)
    if step is not None and step < 0:
        before = [candidate for (start, end), candidate in spans if end < anchor]
        return before[-1] if before else NOT_A_DATE
    if step is not None and step > 0:
        after = [candidate for (start, end), candidate in spans if start > anchor]
        return after[0] if after else NOT_A_DATE
    if tense == PAST:
        started = [candidate for (start, end), candidate in spans if start <= anchor]
        if started:
            return started[-1]
    if tense == FUTURE:
        still_open = [candidate for (start, end), candidate in spans if end >= anchor]
        if still_open:
            return still_open[0]

    def distance(item: tuple[tuple[dt.date, dt.date], DateValue]) -> tuple[int, int]:
        (start, end), _ = item
        if start <= anchor <= end:
            return (0, 0)
        gap = (start - anchor).days if start > anchor else (anchor - end).days
        return (gap, 0 if end < anchor else 1)  # ties go to the past

    return min(spans, key=distance)[1] if spans else NOT_A_DATE
