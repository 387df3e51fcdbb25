"""Tests for pipeline/components/dates/: the normaliser and its rules alone, then the component."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy
from spacy.lang.en import English

import pipeline.components  # noqa: F401  (registers the factories)
from pipeline.components.dates import (
    DATE_RULES,
    EXPRESSION_RULES,
    NOT_A_DATE,
    DateLexicon,
    DateNormaliser,
    choose,
    day_value,
    normalise,
    parse_anchor,
    season_value,
    week_value,
)
from pipeline.components.extensions import DATES_KEY

REPO = Path(__file__).resolve().parents[1]
SETTINGS = REPO / "configs" / "dates.yml"


# --------------------------------------------------------------------------- normaliser
@pytest.mark.parametrize(
    "text, anchor, tense, value, granularity",
    [
        # day
        ("3 March", dt.date(2023, 7, 1), "past", "2023-03-03", "day"),
        ("July 4th, 2019", dt.date(2023, 7, 1), "", "2019-07-04", "day"),
        ("Thursday, 9 May 2024", None, "", "2024-05-09", "day"),
        ("Dec. 30", dt.date(2024, 1, 3), "past", "2023-12-30", "day"),
        ("yesterday", dt.date(2023, 3, 1), "past", "2023-02-28", "day"),
        ("tomorrow", dt.date(2023, 12, 31), "future", "2024-01-01", "day"),
        ("Tuesday evening", dt.date(2023, 5, 18), "past", "2023-05-16", "day"),
        ("Christmas", dt.date(2023, 11, 2), "future", "2023-12-25", "day"),
        # week
        ("next week", dt.date(2023, 5, 18), "future", "2023-W21", "week"),
        ("this week", dt.date(2023, 5, 18), "present", "2023-W20", "week"),
        # month
        ("March 2021", dt.date(2023, 7, 1), "", "2021-03", "month"),
        ("next month", dt.date(2023, 12, 12), "future", "2024-01", "month"),
        ("two months ago", dt.date(2023, 1, 20), "past", "2022-11", "month"),
        ("October of last year", dt.date(2023, 1, 20), "past", "2022-10", "month"),
        # season
        ("last summer", dt.date(2023, 1, 20), "past", "2022-SU", "season"),
        ("the autumn", dt.date(2023, 7, 20), "future", "2023-FA", "season"),
        # quarter / half
        ("the third quarter of 2021", dt.date(2023, 1, 20), "", "2021-Q3", "quarter"),
        ("Q1 2024", None, "", "2024-Q1", "quarter"),
        ("the second half of the year", dt.date(2023, 1, 20), "future", "2023-H2", "half"),
        ("the first half of next year", dt.date(2023, 9, 20), "future", "2024-H1", "half"),
        # year
        ("1991", dt.date(2023, 1, 20), "", "1991", "year"),
        ("last year", dt.date(2023, 1, 1), "past", "2022", "year"),
        ("nearly two years ago", dt.date(2023, 1, 1), "past", "2021", "year"),
        ("in 2016", None, "", "2016", "year"),
        # decade
        ("the 1970s", dt.date(2023, 1, 1), "", "197", "decade"),
        ("the ’60s", dt.date(2023, 1, 1), "", "196", "decade"),
        # vague
        ("the coming weeks", dt.date(2023, 1, 1), "future", "FUTURE_REF", "vague"),
        ("the next few days", dt.date(2023, 1, 1), "future", "FUTURE_REF", "vague"),
        ("recent weeks", dt.date(2023, 1, 1), "past", "PAST_REF", "vague"),
        ("the recent past", dt.date(2023, 1, 1), "past", "PAST_REF", "vague"),
        ("the future", dt.date(2023, 1, 1), "", "FUTURE_REF", "vague"),
    ],
)
def test_dates_granularity(text, anchor, tense, value, granularity):
    result = normalise(text, anchor, tense)
    assert (result.value, result.granularity) == (value, granularity)


@pytest.mark.parametrize(
    "text, anchor, value, mod",
    [
        ("early 2019", dt.date(2023, 1, 1), "2019", "START"),
        ("the beginning of August", dt.date(2023, 9, 1), "2023-08", "START"),
        ("mid-June", dt.date(2023, 9, 1), "2023-06", "MID"),
        ("the middle of next year", dt.date(2023, 9, 1), "2024", "MID"),
        ("late 2021", dt.date(2023, 9, 1), "2021", "END"),
        ("late in 2017", dt.date(2023, 9, 1), "2017", "END"),
        ("the end of this month", dt.date(2023, 9, 1), "2023-09", "END"),
        ("the end of the year", dt.date(2023, 9, 1), "2023", "END"),
        ("the end July", dt.date(2023, 9, 1), "2023-07", "END"),  # "of" left out
        ("early this spring", dt.date(2023, 4, 1), "2023-SP", "START"),
        ("the weekend", dt.date(2023, 9, 4), "2023-W35", "END"),
        ("earlier this week", dt.date(2023, 9, 7), "2023-W36", ""),
    ],
)
def test_dates_mod(text, anchor, value, mod):
    result = normalise(text, anchor, "past")
    assert (result.value, result.mod) == (value, mod)


@pytest.mark.parametrize(
    "text, anchor, tense, value",
    [
        # a bare month goes to the nearest instance in the tense's direction
        ("in May", dt.date(2023, 12, 10), "past", "2023-05"),
        ("in May", dt.date(2023, 12, 10), "future", "2024-05"),
        ("in May", dt.date(2023, 12, 10), "present", "2024-05"),  # nearest either way
        ("in November", dt.date(2024, 1, 5), "past", "2023-11"),
        ("December", dt.date(2023, 12, 10), "past", "2023-12"),
        ("December", dt.date(2023, 12, 10), "future", "2023-12"),
        # day and month without a year
        ("11 January", dt.date(2024, 1, 5), "future", "2024-01-11"),
        ("11 January", dt.date(2024, 1, 5), "past", "2023-01-11"),
        ("December 28", dt.date(2024, 1, 5), "past", "2023-12-28"),
        # weekdays: the nearest one in the tense's direction; the anchor's own
        # weekday is the anchor itself
        ("on Friday", dt.date(2023, 6, 14), "past", "2023-06-09"),
        ("on Friday", dt.date(2023, 6, 14), "future", "2023-06-16"),
        ("Wednesday", dt.date(2023, 6, 14), "past", "2023-06-14"),
        ("Monday", dt.date(2023, 6, 14), "present", "2023-06-12"),
        ("last Friday", dt.date(2023, 6, 16), "past", "2023-06-09"),
        ("next Monday", dt.date(2023, 6, 12), "future", "2023-06-19"),
        # seasons
        ("winter", dt.date(2021, 12, 20), "present", "2021-WI"),
        ("winter", dt.date(2022, 1, 20), "present", "2021-WI"),
        ("the spring", dt.date(2022, 10, 1), "future", "2023-SP"),
        ("the spring", dt.date(2022, 10, 1), "past", "2022-SP"),
        ("last winter", dt.date(2022, 10, 1), "past", "2021-WI"),
    ],
)
def test_dates_tense_direction(text, anchor, tense, value):
    assert normalise(text, anchor, tense).value == value


@pytest.mark.parametrize(
    "text, anchor, tense, value, start, end",
    [
        ("last week", dt.date(2021, 1, 2), "past", "2020-W52", "2020-12-21", "2020-12-27"),
        ("this week", dt.date(2021, 1, 2), "past", "2020-W53", "2020-12-28", "2021-01-03"),
        ("this week", dt.date(2020, 12, 31), "present", "2020-W53", "2020-12-28", "2021-01-03"),
        ("next week", dt.date(2020, 12, 31), "future", "2021-W01", "2021-01-04", "2021-01-10"),
        ("last week", dt.date(2019, 1, 3), "past", "2018-W52", "2018-12-24", "2018-12-30"),
        ("this week", dt.date(2019, 12, 30), "present", "2020-W01", "2019-12-30", "2020-01-05"),
        ("next week", dt.date(2026, 12, 22), "future", "2026-W53", "2026-12-28", "2027-01-03"),
        ("a week ago", dt.date(2016, 1, 8), "past", "2015-W53", "2015-12-28", "2016-01-03"),
        ("the weekend", dt.date(2027, 1, 4), "past", "2026-W53", "2026-12-28", "2027-01-03"),
    ],
)
def test_dates_iso_weeks_at_year_boundaries(text, anchor, tense, value, start, end):
    result = normalise(text, anchor, tense)
    assert (result.value, result.range_start, result.range_end) == (value, start, end)


def test_dates_sunday_starts_the_coming_week():
    sunday = dt.date(2023, 10, 15)
    assert normalise("this week", sunday, "future").value == "2023-W42"
    assert normalise("this week", sunday, "past").value == "2023-W41"
    assert normalise("last week", sunday, "past").value == "2023-W41"


@pytest.mark.parametrize(
    "text, anchor, tense, value",
    [
        ("29 February", dt.date(2023, 6, 1), "past", "2020-02-29"),
        ("29 February", dt.date(2023, 6, 1), "future", "2024-02-29"),
        ("February 29, 2024", None, "", "2024-02-29"),
        ("the end of February", dt.date(2024, 3, 10), "past", "2024-02"),
        ("a year ago", dt.date(2024, 2, 29), "past", "2023"),
    ],
)
def test_dates_leap_days(text, anchor, tense, value):
    assert normalise(text, anchor, tense).value == value


def test_dates_leap_day_ranges():
    assert normalise("February 2024", None).range_end == "2024-02-29"
    assert normalise("February 2023", None).range_end == "2023-02-28"
    winter = normalise("this winter", dt.date(2023, 12, 5), "present")
    assert (winter.range_start, winter.range_end) == ("2023-12-01", "2024-02-29")


@pytest.mark.parametrize(
    "text, value, granularity",
    [
        ("last week", "", "week"),
        ("three days ago", "", "day"),
        ("on Tuesday", "", "day"),
        ("in August", "", "month"),
        ("this winter", "", "season"),
        ("the end of the year", "", "year"),
        ("October 12", "", "day"),
        ("October 12, 2022", "2022-10-12", "day"),
        ("June 2015", "2015-06", "month"),
        ("the 1980s", "198", "decade"),
        ("2008", "2008", "year"),
        ("the coming months", "FUTURE_REF", "vague"),
    ],
)
def test_dates_no_anchor_leaves_relative_unresolved(text, value, granularity):
    result = normalise(text, None, "past")
    assert (result.value, result.granularity) == (value, granularity)
    if not value or value.endswith("_REF"):
        assert result.range_start == result.range_end == ""


@pytest.mark.parametrize(
    "text",
    ["an hour", "nine months", "two-week", "the ninth month", "its third year", "a 30-year-old",
     "the 12 months", "now", "at the moment", "at the end of the day", "daily", "annually",
     "decades", "the years", "another three years", "the past five years", "10:30 pm", "seconds"],
)
def test_dates_rejects_non_dates(text):
    assert normalise(text, dt.date(2023, 1, 1), "") == NOT_A_DATE


def test_dates_today_is_present_ref_in_present_tense():
    assert normalise("today", dt.date(2023, 4, 4), "present").value == "PRESENT_REF"
    assert normalise("today", dt.date(2023, 4, 4), "past").value == "2023-04-04"


def test_dates_every_resolved_value_has_a_range():
    for text in ["mid-2020", "the 2010s", "Q4 2019", "the second half of 2019", "the summer of 2019", "summer",
                 "last month", "11 May 2020"]:
        result = normalise(text, dt.date(2021, 3, 3), "past")
        assert result.value and result.range_start <= result.range_end, text


def test_dates_choose_ties_go_to_the_past():
    anchor = dt.date(2023, 6, 14)  # a Wednesday: Sunday is 3 days back and 4 ahead
    picked = choose([day_value(dt.date(2023, 6, 11)), day_value(dt.date(2023, 6, 18))], anchor, "")
    assert picked.value == "2023-06-11"
    assert week_value(dt.date(2023, 1, 1)).value == "2022-W52"
    assert season_value(2023, "WI", {"WI": (12, 2)}).range_end == "2024-02-29"


def test_dates_normaliser_caches_results():
    normaliser = DateNormaliser(DateLexicon.from_path(SETTINGS))
    first = normaliser.normalise("last week", dt.date(2023, 1, 5), "past")
    second = normaliser.normalise("last week", dt.date(2023, 1, 5), "past")
    assert first is second
    assert normaliser.normalise.cache_info().hits == 1


def test_dates_parse_anchor():
    assert parse_anchor("2022-12-03") == dt.date(2022, 12, 3)
    assert parse_anchor("") is None
    assert parse_anchor("not a date") is None


# --------------------------------------------------------------------------- rules
@pytest.mark.parametrize("text, rule", [
    ("the coming months", "vague_reference"),
    ("the day after tomorrow", "deictic_day"),
    ("Thursday evening", "part_of_day"),
    ("the following day", "anaphoric_day"),
    ("Armistice Day", "named_day"),
    ("in 2019", "year"),
    ("the 1980s", "decade"),
    ("two months ago", "units_ago"),
    ("three months from now", "units_ahead"),
    ("the third quarter of 2021", "quarter_or_half"),
    ("the winter of 2021", "season_of_year"),
    ("early spring", "season"),
    ("April of next year", "month_of_relative_year"),
    ("next quarter", "relative_period"),
    ("over the weekend", "the_current_unit"),
    ("late September", "month"),
    ("on Tuesday", "weekday"),
    ("2021-11-30", "numeric_date"),
    ("30 November 2021", "day_month_year"),
])
def test_dates_rules_name_the_rule_that_decided(text, rule):
    result = normalise(text, dt.date(2022, 6, 15), "past")
    assert result.is_date and result.rule == rule


def test_dates_rules_are_listed_once_in_order():
    names = [rule.__name__ for rule in DATE_RULES]
    assert len(names) == len(set(names))
    assert [rule.__name__ for rule in EXPRESSION_RULES] == ["rejected", "vague_reference"]
    # a rule whose pattern another one covers must come first
    assert names.index("anaphoric_day") < names.index("relative_period")
    assert names.index("season_of_year") < names.index("season")
    assert names.index("relative_period") < names.index("month") < names.index("day_month_year")
    assert names[-1] == "day_month_year"  # what no other rule takes is a day/month/year or no date


def test_dates_rules_no_date_has_no_rule():
    assert normalise("a 12-year-old boy", dt.date(2022, 6, 15), "past") == NOT_A_DATE
    assert normalise("a 12-year-old boy", dt.date(2022, 6, 15), "past").rule == ""


# --------------------------------------------------------------------------- component
@pytest.fixture(scope="module")
def dates_nlp(stages):
    """The shared pipeline with the dates stage as its only parley stage."""
    with stages("parley_dates") as pipeline:
        yield pipeline


def run(nlp, text: str, anchor: str):
    doc = nlp.make_doc(text)
    doc._.anchor = anchor
    doc = nlp(doc)
    return [(s.text, s._.date_value, s._.date_mod) for s in doc.spans[DATES_KEY]]


def _value_of(found, text):
    return next(v for t, v, m in found if text in t or t in text)


def test_dates_component_tense_from_verbs(dates_nlp):
    found = run(dates_nlp, "The minister met his counterpart on Monday and will fly to Paris on Monday. "
                           "In June, the army retreated.", "2023-12-06")
    values = [v for t, v, m in found]
    assert values == ["2023-12-04", "2023-12-11", "2023-06"]


def test_dates_component_infinitive_of_expecting_points_forward(dates_nlp):
    found = run(dates_nlp, "The mayor said it was unrealistic to expect repairs before the winter.", "2024-08-10")
    assert _value_of(found, "winter") == "2024-WI"


def test_dates_component_finds_what_the_model_misses(dates_nlp):
    found = run(dates_nlp, "OSLO, Mar 3 (Reuters) - The deal, signed late in 2019, has held in the past.",
                "2021-03-03")
    assert ("Mar 3", "2021-03-03", "") in found
    assert ("late in 2019", "2019", "END") in found
    assert ("the past", "PAST_REF", "") in found


def test_dates_component_rejects_durations_and_ages(dates_nlp):
    found = run(dates_nlp, "The 52-year-old spoke for an hour as the siege entered its fourth month; "
                           "it has lasted nine months.", "2023-01-10")
    assert found == []


def test_dates_component_trims_alternatives(dates_nlp):
    found = run(dates_nlp, "The army must withdraw by March 31 or earlier, officials said.", "2023-03-01")
    assert [t for t, v, m in found] == ["March 31"]
    assert found[0][1] == "2023-03-31"


def test_dates_component_apposition_day_before(dates_nlp):
    found = run(dates_nlp, "On Thursday, the day before the vote opened, the president spoke.", "2023-09-11")
    assert [v for t, v, m in found] == ["2023-09-07", "2023-09-07"]


def test_dates_component_future_event_after_sunday(dates_nlp):
    found = run(dates_nlp, "Leaders gathered ahead of an EU summit in Brussels this week.", "2023-10-15")
    assert found == [("this week", "2023-W42", "")]


def test_dates_component_participle_reports_the_past(dates_nlp):
    found = run(dates_nlp, "Support fell from the survey carried out in November, which shows a drop.",
                "2023-01-20")
    assert _value_of(found, "November") == "2022-11"


def test_dates_component_title_is_not_a_date(dates_nlp):
    found = run(dates_nlp, "The senator told NBC's Meet the Press and CBS's This Morning that aid must go on.",
                "2023-01-20")
    assert found == []


def test_dates_component_without_anchor(dates_nlp):
    found = run(dates_nlp, "The treaty was signed on 5 December 1994. Talks resumed last week.", "")
    assert found == [("5 December 1994", "1994-12-05", ""), ("last week", "", "")]


def test_dates_component_empty_text(dates_nlp):
    doc = dates_nlp.make_doc("   ")
    doc = dates_nlp(doc)
    assert list(doc.spans[DATES_KEY]) == []


def test_dates_component_on_blank_pipeline_uses_patterns():
    nlp = English()
    nlp.add_pipe("parley_dates", config={"settings_path": str(SETTINGS)})
    doc = nlp.make_doc("Talks were held on 14 May 2022 and again in early 2023.")
    doc._.anchor = "2023-06-01"
    doc = nlp(doc)
    assert [(s.text, s._.date_value, s._.date_mod) for s in doc.spans[DATES_KEY]] == [
        ("14 May 2022", "2022-05-14", ""), ("early 2023", "2023", "START")]


def test_dates_component_survives_to_disk(tmp_path):
    settings = tmp_path / "dates.yml"
    settings.write_text(SETTINGS.read_text(encoding="utf-8"), encoding="utf-8")
    nlp = English()
    nlp.add_pipe("parley_dates", config={"settings_path": str(settings)})
    nlp.to_disk(tmp_path / "pipe")
    settings.unlink()  # the saved pipeline must not need the original file
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe("parley_dates").lexicon.settings == nlp.get_pipe("parley_dates").lexicon.settings
    doc = loaded.make_doc("It happened in 2014.")
    doc._.anchor = "2020-01-01"
    assert [s._.date_value for s in loaded(doc).spans[DATES_KEY]] == ["2014"]


def test_dates_component_spans_name_their_rule(dates_nlp):
    doc = dates_nlp.make_doc("The envoys met on Wednesday; they had last spoken in March 2021.")
    doc._.anchor = "2022-06-15"
    rules = {span.text: span._.date_rule for span in dates_nlp(doc).spans[DATES_KEY]}
    assert rules == {"Wednesday": "weekday", "March 2021": "day_month_year"}


def test_dates_component_weekday_in_a_name(dates_nlp):
    found = run(dates_nlp, "He told the Sunday Telegraph on Saturday that aid would continue.", "2023-05-08")
    assert found == [("Saturday", "2023-05-06", "")]


def test_dates_component_named_day(dates_nlp):
    found = run(dates_nlp, "Troops paraded through Moscow on Victory Day, as they do every year.", "2023-05-12")
    assert ("Victory Day", "2023-05-09", "") in found


def test_dates_component_does_not_need_model_date_entities(dates_nlp):
    # a later stage may replace doc.ents with actors only; the patterns still find dates
    doc = dates_nlp.make_doc("In October, the envoy said talks could resume over the weekend or in the spring.")
    doc._.anchor = "2023-12-06"
    for name, proc in dates_nlp.pipeline:
        doc = proc(doc)
        if name == "ner":
            doc.ents = [e for e in doc.ents if e.label_ not in ("DATE", "TIME")]
    found = [(s.text, s._.date_value, s._.date_mod) for s in doc.spans[DATES_KEY]]
    assert found == [("October", "2023-10", ""), ("the weekend", "2023-W49", "END"), ("the spring", "2024-SP", "")]


def test_dates_component_today_in_present_clause(dates_nlp):
    found = run(dates_nlp, "“Europe is stronger today than it was,” she said. He left today, aides said.", "2023-05-08")
    assert [v for t, v, m in found] == ["PRESENT_REF", "2023-05-08"]


def test_dates_factory_is_registered():
    assert "parley_dates" in spacy.registry.factories.get_all() or "parley_dates" in English.factories


def test_dates_component_fall_of_a_city_is_no_season(dates_nlp):
    found = run(dates_nlp, "After the fall of Avdiivka, the army planned to regroup by next fall.", "2024-03-01")
    assert found == [("next fall", "2024-FA", "")]


# --------------------------------------------------------------------------- parts of days, feasts, ranges
@pytest.mark.parametrize("text, anchor, tense, value, mod", [
    ("late Tuesday", dt.date(2024, 9, 12), "past", "2024-09-10", "END"),
    ("early on Friday", dt.date(2024, 9, 12), "future", "2024-09-13", "START"),
    ("this Saturday", dt.date(2024, 9, 11), "present", "2024-09-14", ""),  # not yet past: the coming one
    ("this Saturday", dt.date(2024, 9, 11), "past", "2024-09-07", ""),
    ("Easter", dt.date(2024, 2, 1), "future", "2024-03-31", ""),
    ("Orthodox Easter", dt.date(2024, 2, 1), "future", "2024-05-05", ""),
    ("2019-20", None, "", "2019", ""),
    ("2019-12", None, "", "2019-12", ""),  # a month, not two years
    ("a fortnight ago", dt.date(2024, 9, 12), "past", "2024-W35", ""),
    ("not long ago", dt.date(2024, 9, 12), "past", "PAST_REF", ""),
])
def test_dates_normaliser_more_expressions(text, anchor, tense, value, mod):
    result = normalise(text, anchor, tense)
    assert (result.value, result.mod) == (value, mod)


@pytest.mark.parametrize("text, expected", [
    ("The delegations left Vienna late on Tuesday night, a spokesman said.", [("late on Tuesday night", "2024-09-10", "END")]),
    ("Contacts between the envoys broke off in May.", [("May", "2024-05", "")]),
    ("Shelling eased between May and June, monitors reported.", [("May", "2024-05", ""), ("June", "2024-06", "")]),
    ("Earlier in the day, the foreign ministry summoned the ambassador.", [("Earlier in the day", "2024-09-12", "")]),
    ("Sirens sounded over the capital in the past 48 hours.", []),
    ("Both armies are stockpiling shells for an autumn-winter offensive.", []),
])
def test_dates_component_finds_these_expressions(dates_nlp, text, expected):
    assert run(dates_nlp, text, "2024-09-12") == expected
