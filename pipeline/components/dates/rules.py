"""The normalisation rules of the dates stage, in the order they are tried.

A rule reads one cleaned expression (lower case, hedges and a mod phrase already
stripped, see ``normaliser.py``) and its ``Context`` and returns a ``DateValue``
when the expression is its kind (``NOT_A_DATE`` when it is its kind but no date),
or None to pass it to the next rule. The first rule that answers decides, and its
name becomes the value's ``rule`` (the span's ``date_rule``).

Order matters where patterns overlap: "the day before" is an anaphor before it
is a relative day; a bare year before a decade; "summer 2023" before "summer";
"last June" before "June"; "2015-16" (two years) before "2015-12" (a month);
anything left is a day/month/year combination.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Callable

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

from .values import (
    FUTURE,
    NOT_A_DATE,
    PAST,
    PRESENT,
    DateValue,
    choose,
    day_value,
    decade_value,
    half_value,
    month_value,
    period_of,
    quarter_value,
    season_value,
    unresolved,
    vague_value,
    week_value,
    weekend_value,
    year_value,
)
from .words import DateLexicon


@dataclass(frozen=True)
class Context:
    """What a rule reads besides the expression.

    Args:
        lexicon: the compiled ``configs/dates.yml``.
        anchor: the document's anchor date, or None (relative dates stay unresolved).
        tense: ``past``, ``present``, ``future`` or "" for the clause the date sits in.
        bare_ok: a hedge or mod was stripped ("in May", "early fall"), so an
            ambiguous bare word (May, fall) is a date.
        parse: dateparser, cached: (text, base date) → date or None.
        normalise_core: runs the rules on another expression (for "Sunday night").
    """

    lexicon: DateLexicon
    anchor: dt.date | None
    tense: str
    bare_ok: bool
    parse: Callable[[str, dt.date | None], dt.date | None]
    normalise_core: Callable[[str, Context], DateValue]


Rule = Callable[[str, Context], DateValue | None]


# --- whole expressions (before hedges and mods are stripped) -----------------------


def rejected(text: str, context: Context) -> DateValue | None:
    """``reject_patterns``: expressions that look like dates but are not ("the 2022 talks")."""
    return NOT_A_DATE if any(pattern.fullmatch(text) for pattern in context.lexicon.reject_res) else None


def vague_reference(text: str, context: Context) -> DateValue | None:
    """``vague_patterns``: "recent weeks", "the near future" → PAST_REF / FUTURE_REF."""
    for value, pattern in context.lexicon.vague_res:
        if pattern.fullmatch(text):
            return vague_value(value)
    return None


# --- the core of an expression -----------------------------------------------------


def deictic_day(text: str, context: Context) -> DateValue | None:
    """``deictic_days``: "yesterday", "tonight"; "today" in a present clause is the present."""
    lexicon = context.lexicon
    if text not in lexicon.deictic_days:
        return None
    if text == "today" and lexicon.today_present_ref and context.tense in (PRESENT, ""):
        return vague_value("PRESENT_REF")
    if context.anchor is None:
        return unresolved("day")
    return day_value(context.anchor + dt.timedelta(days=lexicon.deictic_days[text]))


def part_of_day(text: str, context: Context) -> DateValue | None:
    """``day_parts``: "Sunday night" is Sunday; a part of anything but a day is no date."""
    pattern = context.lexicon.day_part_re
    match = pattern.match(text) if pattern is not None else None
    if not match:
        return None
    day = context.normalise_core(match.group(1), replace(context, bare_ok=False))
    return day if day.granularity == "day" else NOT_A_DATE


def anaphoric_day(text: str, context: Context) -> DateValue | None:
    """``anaphoric_days``: "the day before" leans on the last day mentioned (resolved by the stage)."""
    offset = context.lexicon.anaphoric_days.get(text)
    return None if offset is None else DateValue("", "day", anaphor_offset=offset)


def named_day(text: str, context: Context) -> DateValue | None:
    """``holidays``: "Victory Day" → its date in the year the tense points to."""
    if text not in context.lexicon.holidays:
        return None
    month, day = context.lexicon.holidays[text]
    anchor = context.anchor
    if anchor is None:
        return unresolved("day")
    return choose((day_value(dt.date(year, month, day)) for year in range(anchor.year - 1, anchor.year + 2)
                   if day <= calendar.monthrange(year, month)[1]), anchor, context.tense)


def movable_feast(text: str, context: Context) -> DateValue | None:
    """``movable_holidays``: "Easter", "Orthodox Easter" → that year's date by its reckoning."""
    reckoning = context.lexicon.movable_holidays.get(text)
    if reckoning is None:
        return None
    anchor = context.anchor
    if anchor is None:
        return unresolved("day")
    method = EASTER_ORTHODOX if reckoning == "orthodox" else EASTER_WESTERN
    return choose((day_value(easter(year, method)) for year in range(anchor.year - 1, anchor.year + 2)),
                  anchor, context.tense)


def year(text: str, context: Context) -> DateValue | None:
    """A four-digit year: "2022", "the year 2022"."""
    match = context.lexicon.year_re.match(text)
    return year_value(int(match.group(1))) if match else None


def decade(text: str, context: Context) -> DateValue | None:
    """"the 1990s"; "the '80s" is this century's only when it is over by the anchor."""
    match = context.lexicon.decade_re.match(text)
    if not match:
        return None
    if match.group(1):
        return decade_value(int(match.group(1)))
    digit = int(match.group(2))
    reference_year = context.anchor.year if context.anchor else 0
    return decade_value(200 + digit if 2000 + digit * 10 + 9 < reference_year else 190 + digit)


def units_ago(text: str, context: Context) -> DateValue | None:
    """"three months ago" → the month three months before the anchor."""
    match = context.lexicon.ago_re.match(text)
    if not match:
        return None
    return _offset(_count(match.group(1), context), context.lexicon.units[match.group(2)], -1, context)


def units_ahead(text: str, context: Context) -> DateValue | None:
    """"in two weeks", "two weeks from now" → the week two weeks after the anchor."""
    match = context.lexicon.in_re.match(text)
    if not match:
        return None
    number, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    return _offset(_count(number, context), context.lexicon.units[unit], 1, context)


def quarter_or_half(text: str, context: Context) -> DateValue | None:
    """"the first quarter of 2024", "Q1 2024", "the second half of next year", "H2 2023"."""
    lexicon = context.lexicon
    match = lexicon.part_re.match(text)
    if not match:
        short = lexicon.part_short_re.match(text)
        if not short:
            return None
        code, year_text = short.groups()  # q1 2024 / h2 2023
        return _part_of_year("quarter" if code.startswith("q") else "half", int(code[1]), int(year_text))
    ordinal, kind, year_text, relative = match.groups()
    number = lexicon.ordinals[ordinal]
    if year_text:
        return _part_of_year(kind, number, int(year_text))
    anchor = context.anchor
    if anchor is None:
        return unresolved(kind)
    if relative is not None or match.group(0).endswith("year"):
        return _part_of_year(kind, number, anchor.year + (lexicon.relative_words.get(relative, 0) if relative else 0))
    if not _valid_part(kind, number):
        return NOT_A_DATE
    make = quarter_value if kind == "quarter" else half_value
    return choose((make(year, number) for year in range(anchor.year - 1, anchor.year + 2)), anchor, context.tense)


def season_of_year(text: str, context: Context) -> DateValue | None:
    """"summer 2023", "the winter of 2022"."""
    match = context.lexicon.season_year_re.match(text)
    if not match:
        return None
    return season_value(int(match.group(2)), context.lexicon.seasons[match.group(1)], context.lexicon.season_months)


def season(text: str, context: Context) -> DateValue | None:
    """"the summer"; an ambiguous season word ("fall") only after "the" or a stripped hedge."""
    match = context.lexicon.season_re.match(text)
    if not match:
        return None
    word = match.group(1)
    if word in context.lexicon.ambiguous_seasons and not (context.bare_ok or text.startswith("the ")):
        return NOT_A_DATE
    return _season(context.lexicon.seasons[word], context, None)


def month_of_relative_year(text: str, context: Context) -> DateValue | None:
    """"June of next year", "March this year"."""
    lexicon = context.lexicon
    match = lexicon.month_rel_year_re.match(text)
    if not match:
        return None
    if context.anchor is None:
        return unresolved("month")
    return month_value(context.anchor.year + lexicon.relative_words[match.group(2)], lexicon.months[match.group(1)])


def relative_period(text: str, context: Context) -> DateValue | None:
    """``relative_words`` + a unit, season, month or weekday: "last week", "next June", "this winter"."""
    match = context.lexicon.relative_re.match(text)
    if not match:
        return None
    return _relative(context.lexicon.relative_words[match.group(1)], match.group(2), context)


def the_current_unit(text: str, context: Context) -> DateValue | None:
    """"(the) weekend"; "the week" after a stripped hedge ("during the week") is the current one."""
    rest = text[4:] if text.startswith("the ") else text
    if rest == "weekend" or (rest != text and context.bare_ok and context.lexicon.unit_re.match(rest)):
        return _relative(0, rest, context)
    return None


def month(text: str, context: Context) -> DateValue | None:
    """A month name in the year the tense points to; an ambiguous one ("may") only after a hedge."""
    match = context.lexicon.month_re.match(text)
    if not match:
        return None
    if text in context.lexicon.ambiguous_months and not context.bare_ok:
        return NOT_A_DATE
    return _month(context.lexicon.months[match.group(1)], context, None)


def weekday(text: str, context: Context) -> DateValue | None:
    """A weekday in the week the tense points to: "on Friday"."""
    match = context.lexicon.weekday_re.match(text)
    return _weekday(context.lexicon.weekdays[match.group(1)], context, None) if match else None


def year_range(text: str, context: Context) -> DateValue | None:
    """"2015-16", "2022/23": a span of two years is dated by its first."""
    match = re.fullmatch(r"((?:1[89]|20)\d\d)[-/](\d\d)", text)
    if not match or int(match.group(2)) != (int(match.group(1)) + 1) % 100:
        return None
    return year_value(int(match.group(1)))


def numeric_date(text: str, context: Context) -> DateValue | None:
    """"2022-02-24", "24/02/2022" (``dateparser.date_order``), "2022-02" (a month)."""
    if not context.lexicon.numeric_re.match(text):
        return None
    day = context.parse(text, context.anchor)
    if day is None:
        return NOT_A_DATE
    return month_value(day.year, day.month) if len(re.split(r"[-/.]", text)) == 2 else day_value(day)


def day_month_year(text: str, context: Context) -> DateValue | None:
    """Day, month and year words in any order ("10 February 2022", "Feb. 10", "February 2022");
    a missing year is the one the tense points to. Anything else is no date."""
    lexicon = context.lexicon
    tokens = re.findall(r"[a-z]+\.?|\d+(?:st|nd|rd|th)?|,", text)
    if not tokens or "".join(tokens).replace(",", "") != text.replace(" ", "").replace(",", ""):
        return NOT_A_DATE
    if not all(lexicon.absolute_token_re.match(token) for token in tokens):
        return NOT_A_DATE
    month_tokens = [token for token in tokens if lexicon.month_re.match(token)]
    numbers = [re.match(r"\d+", token).group(0) for token in tokens if token[0].isdigit()]
    years = [number for number in numbers if len(number) == 4]
    days = [number for number in numbers if len(number) <= 2]
    if len(month_tokens) != 1 or len(years) > 1 or len(days) > 1:
        return NOT_A_DATE
    month_number = lexicon.months[month_tokens[0].rstrip(".")]
    if days and not 1 <= int(days[0]) <= 31:
        return NOT_A_DATE
    date_text = " ".join(token for token in tokens if not lexicon.weekday_re.match(token) and token not in ("the", ","))
    anchor = context.anchor
    if years:
        if not days:
            return month_value(int(years[0]), month_number)
        parsed = context.parse(date_text, dt.date(int(years[0]), 1, 1) if anchor is None else anchor)
        return day_value(parsed) if parsed else NOT_A_DATE
    if not days:
        return _month(month_number, context, None)
    if anchor is None:
        return unresolved("day")
    parsed = context.parse(date_text, anchor)
    if parsed is None:  # 29 February against a common year: ask in a leap year
        leap = next(year for year in range(anchor.year, anchor.year + 8) if calendar.isleap(year))
        parsed = context.parse(date_text, dt.date(leap, 1, 1))
        if parsed is None:
            return NOT_A_DATE
    return choose((day_value(dt.date(year, parsed.month, parsed.day)) for year in range(anchor.year - 4, anchor.year + 5)
                   if parsed.day <= calendar.monthrange(year, parsed.month)[1]), anchor, context.tense)


# The order rules are tried in; see the module docstring.
EXPRESSION_RULES: tuple[Rule, ...] = (rejected, vague_reference)
DATE_RULES: tuple[Rule, ...] = (
    rejected,
    deictic_day,
    part_of_day,
    anaphoric_day,
    named_day,
    movable_feast,
    year,
    decade,
    units_ago,
    units_ahead,
    quarter_or_half,
    season_of_year,
    season,
    month_of_relative_year,
    relative_period,
    the_current_unit,
    month,
    weekday,
    year_range,
    numeric_date,
    day_month_year,
)


# --- shared pieces of the grammar ------------------------------------------------


def _count(number: str, context: Context) -> int:
    return int(number) if number.isdigit() else context.lexicon.numbers[number]


def _valid_part(kind: str, number: int) -> bool:
    return number <= (4 if kind == "quarter" else 2)


def _part_of_year(kind: str, number: int, year_number: int) -> DateValue:
    if not _valid_part(kind, number):
        return NOT_A_DATE
    return quarter_value(year_number, number) if kind == "quarter" else half_value(year_number, number)


# units counted by a multiple of another: "a fortnight" is two weeks
_UNIT_AS = {"fortnight": ("week", 2), "quarter": ("month", 3), "weekend": ("week", 1), "decade": ("year", 10)}
_UNIT_GRANULARITY = {"fortnight": "week", "weekend": "week", "quarter": "month", "decade": "year"}


def _offset(count: int, unit: str, sign: int, context: Context) -> DateValue:
    """The period ``count`` units before (sign -1) or after (+1) the anchor; dateparser moves the anchor."""
    granularity = _UNIT_GRANULARITY.get(unit, unit)
    if context.anchor is None:
        return unresolved(granularity)
    base_unit, factor = _UNIT_AS.get(unit, (unit, 1))
    count *= factor
    plural = "s" if count != 1 else ""
    phrase = f"{count} {base_unit}{plural} ago" if sign < 0 else f"in {count} {base_unit}{plural}"
    day = context.parse(phrase, context.anchor)
    return NOT_A_DATE if day is None else period_of(day, granularity)


def _season(code: str, context: Context, step: int | None) -> DateValue:
    anchor = context.anchor
    if anchor is None:
        return unresolved("season")
    months = context.lexicon.season_months
    return choose((season_value(year, code, months) for year in range(anchor.year - 2, anchor.year + 2)),
                  anchor, context.tense, step)


def _month(month_number: int, context: Context, step: int | None) -> DateValue:
    anchor = context.anchor
    if anchor is None:
        return unresolved("month")
    return choose((month_value(year, month_number) for year in range(anchor.year - 1, anchor.year + 2)),
                  anchor, context.tense, step)


def _weekday(weekday_number: int, context: Context, step: int | None) -> DateValue:
    anchor = context.anchor
    if anchor is None:
        return unresolved("day")
    delta = weekday_number - anchor.weekday()
    return choose((day_value(anchor + dt.timedelta(days=delta + 7 * weeks)) for weeks in (-1, 0, 1)),
                  anchor, context.tense, step)


def _weekend(context: Context, step: int | None) -> DateValue:
    anchor = context.anchor
    saturday = anchor + dt.timedelta(days=5 - anchor.weekday())
    picked = choose((weekend_value(saturday + dt.timedelta(days=7 * weeks)) for weeks in (-1, 0, 1)),
                    anchor, context.tense, step)
    if not picked.is_date:
        return NOT_A_DATE
    return week_value(dt.date.fromisoformat(picked.value)).with_mod(context.lexicon.weekend_mod)


def _this_week(step: int, context: Context) -> DateValue:
    # on a day that starts the coming week, "this week" is the coming week (unless
    # it is already past) and "last week" the one ending now
    anchor = context.anchor
    shift = 1 if anchor.weekday() in context.lexicon.week_rollover_weekdays and not (
        step == 0 and context.tense == PAST) else 0
    return week_value(anchor + dt.timedelta(days=7 * (step + shift)))


def _this_month(step: int, context: Context) -> DateValue:
    index = context.anchor.year * 12 + context.anchor.month - 1 + step
    return month_value(index // 12, index % 12 + 1)


def _this_quarter(step: int, context: Context) -> DateValue:
    index = context.anchor.year * 4 + (context.anchor.month - 1) // 3 + step
    return quarter_value(index // 4, index % 4 + 1)


# "last <unit>", "this <unit>", "next <unit>": the unit's period ``step`` units from the anchor's
_RELATIVE_UNITS: dict[str, Callable[[int, Context], DateValue]] = {
    "weekend": lambda step, context: _weekend(context, step or None),
    "day": lambda step, context: day_value(context.anchor + dt.timedelta(days=step)),
    "week": _this_week,
    "fortnight": lambda step, context: week_value(context.anchor + dt.timedelta(days=14 * step)),
    "month": _this_month,
    "quarter": _this_quarter,
    "year": lambda step, context: year_value(context.anchor.year + step),
    "decade": lambda step, context: decade_value(context.anchor.year // 10 + step),
}
_RELATIVE_GRANULARITY = {"weekend": "week", "fortnight": "week"}


def _relative(step: int, rest: str, context: Context) -> DateValue:
    """A period ``step`` steps from the anchor's: "last week", "this winter", "next June", "last Friday"."""
    lexicon = context.lexicon
    unit_match = lexicon.unit_re.match(rest)
    if unit_match:
        unit = lexicon.units[unit_match.group(1)]
        if rest.endswith("s") and unit != "weekend":
            return NOT_A_DATE  # "last weeks"
        if context.anchor is None:
            return unresolved(_RELATIVE_GRANULARITY.get(unit, unit))
        make = _RELATIVE_UNITS.get(unit)
        return make(step, context) if make else NOT_A_DATE
    directional = step if step else None
    if not step and context.tense != PAST:  # "this Sunday" not in the past is the coming one
        context = replace(context, tense=FUTURE)
    for pattern, names, resolve in ((lexicon.season_re, lexicon.seasons, _season),
                                    (lexicon.month_re, lexicon.months, _month),
                                    (lexicon.weekday_re, lexicon.weekdays, _weekday)):
        match = pattern.match(rest)
        if match:
            return resolve(names[match.group(1)], context, directional)
    return NOT_A_DATE
