"""Shared fixtures: the real pipeline, built once per test session, and a --slow flag."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="also run tests marked slow")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running; only with --slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def nlp():
    """The whole configured pipeline (configs/default.cfg), loaded once."""
    from pipeline.nlp import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def run_doc(nlp):
    """Process a short text as an article published on ``anchor``."""

    def process(text: str, anchor: str = "2024-03-15"):
        doc = nlp.make_doc(text)
        doc._.anchor = anchor
        return nlp(doc)

    return process


@pytest.fixture(scope="session")
def raw_outputs(tmp_path_factory):
    """The tables of one real run on raw/ (the development corpus)."""
    from pipeline.runner import run

    out = tmp_path_factory.mktemp("raw_outputs")
    run(RAW, out, quiet=True)
    return out
