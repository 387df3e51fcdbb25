"""Throughput of the dates normalisation layer alone (no spaCy model).

Prints expressions/second for a cold cache (every (expression, anchor, tense) is
new, so every one is parsed) and a warm cache (the same calls again), and how
often each normalisation rule (``dates/rules.py``) decided.

    .venv/bin/python benchmarks/bench_dates.py [--count 3000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import itertools
from collections import Counter
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.components.dates import DATE_RULES, EXPRESSION_RULES, DateLexicon, DateNormaliser  # noqa: E402

# the shapes found in news text, absolute and relative, with and without dateparser
TEMPLATES = [
    "{day} {month}", "{month} {day}", "{month} {day}, {year}", "{day} {month} {year}", "{month} {year}",
    "{month}", "in {year}", "early {year}", "the end of {month}", "mid-{month}", "late in {year}",
    "{weekday}", "last {weekday}", "{weekday} night", "last week", "this week", "next week", "the weekend",
    "last month", "earlier this month", "the end of this year", "last year", "{n} months ago",
    "{n} years ago", "{n} days ago", "nearly a month ago", "this winter", "{season}", "last {season}",
    "the coming months", "recent days", "the past", "today", "tomorrow", "yesterday", "the 1990s",
    "the first quarter of {year}", "the second half of {year}", "an hour", "nine months",
]
MONTHS = ["January", "February", "March", "April", "June", "July", "August", "September", "October",
          "November", "December", "Feb", "Sept"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SEASONS = ["spring", "summer", "autumn", "winter"]
NUMBERS = ["two", "three", "four", "five", "six", "2", "10"]
TENSES = ["past", "present", "future", ""]


def expressions(count: int, seed: int = 7) -> list[tuple[str, dt.date | None, str]]:
    """``count`` distinct (text, anchor, tense) triples."""
    rng = random.Random(seed)
    seen: set[tuple[str, dt.date | None, str]] = set()
    start = dt.date(2014, 1, 1)
    while len(seen) < count:
        text = rng.choice(TEMPLATES).format(
            day=rng.randint(1, 28), month=rng.choice(MONTHS), year=rng.randint(1990, 2030),
            weekday=rng.choice(WEEKDAYS), season=rng.choice(SEASONS), n=rng.choice(NUMBERS))
        anchor = None if rng.random() < 0.05 else start + dt.timedelta(days=rng.randint(0, 4000))
        seen.add((text, anchor, rng.choice(TENSES)))
    return sorted(seen, key=lambda item: (item[0], str(item[1]), item[2]))


def measure(normaliser: DateNormaliser, items: list[tuple[str, dt.date | None, str]]) -> float:
    start = time.perf_counter()
    for text, anchor, tense in items:
        normaliser.normalise(text, anchor, tense)
    return len(items) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="distinct expressions (cold cache)")
    parser.add_argument("--settings", default=str(REPO / "configs" / "dates.yml"))
    args = parser.parse_args()

    lexicon = DateLexicon.from_path(args.settings)
    # dateparser loads its English data on first use; do that outside the timing
    DateNormaliser(lexicon).normalise("24 February 2022", dt.date(2022, 3, 1), "past")

    items = expressions(args.count)
    normaliser = DateNormaliser(lexicon)
    cold = measure(normaliser, items)
    warm = measure(normaliser, list(itertools.chain.from_iterable([items] * 3)))
    resolved = sum(1 for item in items if normaliser.normalise(*item).value)
    print(f"distinct expressions: {len(items)} ({resolved} resolved to a value)")
    print(f"cold cache: {cold:,.0f} expr/s")
    print(f"warm cache: {warm:,.0f} expr/s")
    decided = Counter(normaliser.normalise(*item).rule or "(no date)" for item in items)
    print("decided by rule, in rule order:")
    for name in dict.fromkeys([rule.__name__ for rule in (*EXPRESSION_RULES, *DATE_RULES)] + ["(no date)"]):
        if decided[name]:
            print(f"  {name:<24} {decided[name]:>6}")


if __name__ == "__main__":
    main()
