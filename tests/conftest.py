"""Shared fixtures: the real pipeline, built once per test session, and views of it.

Every test that needs the spaCy model uses ``nlp`` (the whole configured pipeline,
``configs/default.cfg``), ``run_doc`` or ``stages`` (the same pipeline with only
some parley stages switched on); nothing else loads the model. Tests slower than about two
seconds are marked ``@pytest.mark.slow`` (registered in pyproject.toml):
``make test`` runs everything, ``make test-fast`` runs ``-m "not slow"``.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
PARLEY_PREFIX = "parley_"


@pytest.fixture(scope="session")
def shared_nlp():
    """The whole configured pipeline (configs/default.cfg), loaded once per session.

    It is the runner's own pipeline of that config (``pipeline_for``), so a test run
    of the pipeline in this process (``run(..., workers=1)``) on a copy of configs/
    reuses it instead of loading the model again.
    """
    from pipeline.nlp import check_config
    from pipeline.runner.partition import pipeline_for

    return pipeline_for(check_config())


@pytest.fixture(scope="session")
def nlp(shared_nlp):
    """The shared pipeline; a test module may override ``nlp`` (e.g. with ``stages``)."""
    return shared_nlp


@pytest.fixture(scope="session")
def stages(shared_nlp):
    """The shared pipeline with only the named parley stages on, as a context manager::

        with stages("parley_dates") as dates_only:
            doc = dates_only("Talks resume on Monday.")

    The model's own components always run; the other parley stages are off inside
    the block and back on after it. ``stages()`` is the bare model.
    """

    @contextmanager
    def enabled(*names: str):
        off = [name for name in shared_nlp.pipe_names if name.startswith(PARLEY_PREFIX) and name not in names]
        with shared_nlp.select_pipes(disable=off):
            yield shared_nlp

    return enabled


@pytest.fixture(scope="session")
def run_doc(shared_nlp):
    """Process a short text with the whole pipeline, as an article published on ``anchor``."""

    def process(text: str, anchor: str = "2024-03-15"):
        doc = shared_nlp.make_doc(text)
        doc._.anchor = anchor
        return shared_nlp(doc)

    return process


@pytest.fixture(scope="session")
def raw_outputs(tmp_path_factory):
    """The tables of one real run on raw/ (the development corpus)."""
    from pipeline.runner import run

    out = tmp_path_factory.mktemp("raw_outputs")
    run(RAW, out, quiet=True)
    return out
