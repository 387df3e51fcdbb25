"""No change may lower a figure of `parley evaluate` on raw/ (the development corpus).

raw/ is run once (the session's ``raw_outputs``) and every pooled figure is compared
with the record in ``tests/figures_raw.json``. When a change improves a figure,
raise its record (``python tests/test_regression.py OUT`` prints the figures of the
run in OUT in the record's format); never lower one to make the test pass.
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest

RECORD = Path(__file__).resolve().parent / "figures_raw.json"
RAW = Path(__file__).resolve().parents[1] / "raw"


def flat_figures(pooled: dict, prefix: str = "") -> dict[str, float]:
    """Every figure of ``evaluate(...)["pooled"]`` as ``"part.figure": value`` (counts left out)."""
    figures: dict[str, float] = {}
    for key, value in pooled.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            figures.update(flat_figures(value, f"{name}."))
        elif isinstance(value, float):
            figures[name] = value
    return figures


def record_of(figures: dict[str, float]) -> dict[str, float]:
    """Figures rounded down to four decimals: a record a rerun of the same code always meets."""
    return {name: math.floor(value * 10_000) / 10_000 for name, value in sorted(figures.items())}


@pytest.mark.slow
def test_regression_raw_figures_do_not_drop(raw_outputs):
    from pipeline.evaluate import evaluate

    figures = flat_figures(evaluate(RAW, raw_outputs)["pooled"])
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    missing = sorted(set(record) - set(figures))
    dropped = {name: (figures[name], floor) for name, floor in record.items()
               if name in figures and figures[name] < floor}
    assert not missing, f"figures no longer reported: {missing}"
    assert not dropped, "figures below the record (now, recorded): " + ", ".join(
        f"{name} {now:.4f} < {floor:.4f}" for name, (now, floor) in sorted(dropped.items()))


def test_regression_record_is_readable():
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    assert record and all(0.0 <= value <= 1.0 for value in record.values())
    assert {"quotes.f1", "dates.value_acc", "stances.f1", "entities.f1"} <= set(record)


if __name__ == "__main__":  # print the record of the run in sys.argv[1]
    from pipeline.evaluate import evaluate

    print(json.dumps(record_of(flat_figures(evaluate(RAW, Path(sys.argv[1]))["pooled"])), indent=2))
