"""One run per output folder: the lock, a killed holder, and two real concurrent runs."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline.lock import LOCK_FILE, OutputLock, OutputLocked

REPO = Path(__file__).resolve().parents[1]

HOLD = """
import sys, time
from pipeline.lock import OutputLock
lock = OutputLock(sys.argv[1])
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def _holder(out: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert process.stdout.readline().strip() == "held"
    return process


def test_lock_second_holder_refused_then_free_after_a_kill(tmp_path):
    holder = _holder(tmp_path)
    try:
        with pytest.raises(OutputLocked, match=f"process {holder.pid} on"):
            OutputLock(tmp_path).acquire()
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    assert (tmp_path / LOCK_FILE).is_file()  # the killed run's file is still there, and not stale
    with OutputLock(tmp_path):
        assert (tmp_path / LOCK_FILE).read_text().split()[0] == str(os.getpid())
    assert not (tmp_path / LOCK_FILE).exists()


def test_lock_released_on_error(tmp_path):
    with pytest.raises(RuntimeError):
        with OutputLock(tmp_path):
            raise RuntimeError("boom")
    with OutputLock(tmp_path):
        pass


@pytest.mark.slow
def test_lock_two_concurrent_runs_second_exits_2(tmp_path):
    from batch_helpers import ARTICLES, write_corpus

    corpus = write_corpus(tmp_path / "corpus", {f"{doc_id}{i}": text for i in range(6) for doc_id, text in ARTICLES.items()})
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--out", str(out), "--workers", "1",
               "--quiet"]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    try:
        deadline = time.monotonic() + 60
        while not (out / LOCK_FILE).exists():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.05)
        started = time.monotonic()
        second = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
        assert second.returncode == 2, second.stderr
        assert "another parley run" in second.stderr and f"process {first.pid}" in second.stderr
        assert time.monotonic() - started < 30  # refused at once, not after waiting for the first
        assert first.poll() is None, "the second run was refused only because the first had finished"
        stdout, stderr = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, stderr
    documents = pd.read_parquet(out / "documents.parquet")
    assert len(documents) == 4 * 6 and set(documents["status"]) == {"ok"}
    for name in ("documents", "entities", "quotes", "dates", "stances", "texts", "actors", "statements"):
        assert (out / f"{name}.parquet").is_file() and (out / f"{name}.csv").is_file()
    assert (out / "network.graphml").is_file() and not (out / LOCK_FILE).exists()
