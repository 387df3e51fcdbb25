"""Tests for pipeline/runner/ (partition, cache, sink, engines, run).

Short hand-written articles; a frozen copy of configs/ so the cache keys do not move
while other work edits the originals.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import pipeline.runner.cache as cache_module
import pipeline.runner.partition as partition
import pipeline.runner.sink as sink
from pipeline.corpus import Article, ManifestRow
from pipeline.runner import RowCache, process_articles, recover_staging, run
from batch_helpers import ARTICLES, REPO, TABLES, frozen_config, read_tables, write_corpus


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    return frozen_config(tmp_path_factory.mktemp("cfg"))


@pytest.fixture(autouse=True)
def stable_sources(monkeypatch):
    # The stage sources are part of the cache key; other work may edit them mid-test.
    monkeypatch.setattr(cache_module, "_row_making_sources", lambda: [])


@pytest.fixture(scope="module")
def reference(tmp_path_factory, config):
    """One single-process run of the four short articles."""
    base = tmp_path_factory.mktemp("reference")
    corpus = write_corpus(base / "corpus", ARTICLES)
    mp = pytest.MonkeyPatch()
    mp.setattr(cache_module, "_row_making_sources", lambda: [])
    result = run(corpus, base / "out", config, quiet=True, workers=1)
    mp.undo()
    return corpus, base / "out", result


def _count_processed(monkeypatch) -> list[str]:
    """Record the doc_ids that reach the NLP core."""
    seen: list[str] = []
    real = partition.process_articles

    def counting(nlp, articles, batch_size=partition.BATCH_SIZE):
        articles = list(articles)
        seen.extend(a.doc_id for a in articles)
        return real(nlp, articles, batch_size)

    monkeypatch.setattr(partition, "process_articles", counting)
    return seen


def test_runner_process_articles_needs_no_engine(nlp):
    text = ARTICLES["talks"]
    good = Article(doc_id="a", file="a.txt", text=text, body=text, anchor="2024-03-15", anchor_source="manifest")
    bad = Article(doc_id="b", file="b.txt", status="error", error="b.txt: empty file")
    rows = process_articles(nlp, [good, bad])
    assert [d["doc_id"] for d in rows["documents"]] == ["a", "b"]
    assert [d["status"] for d in rows["documents"]] == ["ok", "error"]
    assert rows["entities"] and all(e["doc_id"] == "a" for e in rows["entities"])
    for entity in rows["entities"]:
        assert text[entity["start_char"]:entity["end_char"]] == entity["text"]


def test_runner_writes_every_table_as_parquet_and_csv(reference):
    _, out, result = reference
    assert result.exit_status == 0 and result.n_articles == 4
    for name in TABLES:
        parquet = pd.read_parquet(out / f"{name}.parquet")
        csv = pd.read_csv(out / f"{name}.csv")
        assert list(parquet.columns) == list(csv.columns)
        assert len(parquet) == len(csv)
    assert not (out / ".staging").exists()
    documents = pd.read_parquet(out / "documents.parquet")
    assert list(documents["doc_id"]) == list(ARTICLES)


def test_runner_streams_batches_into_row_groups(tmp_path, config, reference, monkeypatch):
    corpus, out, _ = reference
    monkeypatch.setattr(sink, "FLUSH_ARTICLES", 1)
    run(corpus, tmp_path / "out", config, quiet=True, workers=1, batch_size=1)
    assert pq.ParquetFile(tmp_path / "out" / "documents.parquet").num_row_groups == 4
    for name, frame in read_tables(tmp_path / "out").items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(out / f"{name}.parquet"))


def test_runner_unchanged_rerun_loads_no_model(tmp_path, config, reference, monkeypatch):
    corpus, out, _ = reference
    first = tmp_path / "out"
    run(corpus, first, config, quiet=True, workers=1)
    before = read_tables(first)

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded on an unchanged rerun")

    monkeypatch.setattr(partition, "get_nlp", no_model)
    seen = _count_processed(monkeypatch)
    result = run(corpus, first, config, quiet=True, workers=2)
    assert result.n_cached == 4 and seen == []
    # Tables gone but cache kept: rebuilt from the cache, still without the model.
    (first / "quotes.parquet").unlink()
    run(corpus, first, config, quiet=True, workers=2)
    for name, frame in read_tables(first).items():
        pd.testing.assert_frame_equal(frame, before[name])


def test_runner_changed_article_recomputes_only_it(tmp_path, config, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    run(corpus, out, config, quiet=True, workers=1)
    (corpus / "grain.txt").write_text(ARTICLES["grain"] + "Russia said it would study the plan.\n", encoding="utf-8")
    seen = _count_processed(monkeypatch)
    result = run(corpus, out, config, quiet=True, workers=1)
    assert seen == ["grain"] and result.n_cached == 3
    fresh = tmp_path / "fresh"
    run(corpus, fresh, config, quiet=True, workers=1)
    for name, frame in read_tables(out).items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(fresh / f"{name}.parquet"))


def test_runner_config_change_recomputes_everything(tmp_path, config, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus", ARTICLES)
    out = tmp_path / "out"
    run(corpus, out, config, quiet=True, workers=1)
    changed = frozen_config(tmp_path / "cfg2")
    stance = changed.parent / "stance.yml"
    stance.write_text(stance.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    seen = _count_processed(monkeypatch)
    result = run(corpus, out, changed, quiet=True, workers=1)
    assert sorted(seen) == sorted(ARTICLES) and result.n_cached == 0


@pytest.mark.slow
def test_runner_workers_match_single_process(tmp_path, config, reference):
    corpus, out, _ = reference
    result = run(corpus, tmp_path / "out", config, quiet=True, workers=2, batch_size=1)
    assert result.exit_status == 0
    for name, frame in read_tables(tmp_path / "out").items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(out / f"{name}.parquet"))


@pytest.mark.slow
def test_runner_dask_local_cluster_matches_local_run(tmp_path, config, reference):
    pytest.importorskip("distributed")
    corpus, out, _ = reference
    # Two worker processes, one thread each; partitions of two whole articles.
    result = run(corpus, tmp_path / "out", config, quiet=True, engine="dask", workers=2, batch_size=2)
    assert result.exit_status == 0
    for name, frame in read_tables(tmp_path / "out").items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(out / f"{name}.parquet"))


def _start(command: list[str], log: Path) -> subprocess.Popen:
    # Workers import this checkout's pipeline (a worker's own path does not start at REPO).
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with open(log, "w") as handle:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)


def _wait_for_scheduler_address(file: Path, process: subprocess.Popen, log: Path, timeout: float = 60) -> str:
    import json

    deadline = time.time() + timeout
    while time.time() < deadline:
        if file.is_file():
            try:
                return json.loads(file.read_text())["address"]
            except (ValueError, KeyError):
                pass  # being written
        assert process.poll() is None, f"dask scheduler exited: {log.read_text()[-2000:]}"
        time.sleep(0.2)
    raise AssertionError(f"dask scheduler did not start: {log.read_text()[-2000:]}")


@pytest.mark.slow
def test_runner_dask_scheduler_and_two_worker_processes_match_local_run(tmp_path, config, reference):
    """As users run it beyond one machine: `dask scheduler`, two `dask worker` processes, `--scheduler`."""
    pytest.importorskip("distributed")
    from distributed import Client

    corpus, out, _ = reference
    bin_dir = Path(sys.executable).parent
    scheduler_file = tmp_path / "scheduler.json"
    processes = []
    try:
        scheduler_log = tmp_path / "scheduler.log"
        scheduler = _start([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                            "--no-dashboard", "--scheduler-file", str(scheduler_file)], scheduler_log)
        processes.append(scheduler)
        address = _wait_for_scheduler_address(scheduler_file, scheduler, scheduler_log)
        for number in range(2):
            processes.append(_start([str(bin_dir / "dask"), "worker", address, "--host", "127.0.0.1",
                                     "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                     "--name", f"parley-test-{number}"], tmp_path / f"worker-{number}.log"))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        result = _cli("--corpus", str(corpus), "--out", str(tmp_path / "out"), "--config", str(config),
                      "--engine", "dask", "--scheduler", address)
        assert result.returncode == 0, result.stderr[-2000:]
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    for name, frame in read_tables(tmp_path / "out").items():
        pd.testing.assert_frame_equal(frame, pd.read_parquet(out / f"{name}.parquet"))


def test_runner_recover_staging_finishes_a_committed_move(tmp_path):
    staging = tmp_path / ".staging"
    staging.mkdir()
    (tmp_path / "documents.csv").write_text("old\n")
    (staging / "documents.csv").write_text("new\n")
    (staging / "COMMITTED").write_text("")
    recover_staging(tmp_path)
    assert (tmp_path / "documents.csv").read_text() == "new\n" and not staging.exists()
    staging.mkdir()
    (staging / "documents.csv").write_text("half")  # not committed: dropped
    recover_staging(tmp_path)
    assert (tmp_path / "documents.csv").read_text() == "new\n" and not staging.exists()


def test_runner_cache_entries_are_written_atomically(tmp_path):
    cache = RowCache(tmp_path)
    cache.put("ab" + "0" * 62, {"documents": [{"doc_id": "x"}]})
    assert cache.get("ab" + "0" * 62) == {"documents": [{"doc_id": "x"}]}
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    (tmp_path / "ab" / ("ab" + "0" * 62 + ".json")).write_text("{trunc")
    assert cache.get("ab" + "0" * 62) is None  # damaged: recomputed, never trusted


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "run", "--quiet", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_runner_exit_statuses(tmp_path, config, reference):
    corpus, _, _ = reference
    assert _cli("--corpus", str(corpus), "--out", str(tmp_path / "ok"), "--config", str(config), "--workers", "1").returncode == 0
    broken = write_corpus(tmp_path / "broken", ARTICLES)
    (broken / "summit.txt").write_bytes(b"")
    failed = _cli("--corpus", str(broken), "--out", str(tmp_path / "some"), "--config", str(config), "--workers", "1")
    assert failed.returncode == 1 and (tmp_path / "some" / "documents.csv").is_file()
    missing = _cli("--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x"), "--config", str(config))
    assert missing.returncode == 2 and "corpus folder not found" in missing.stderr
    bad_config = _cli("--corpus", str(corpus), "--out", str(tmp_path / "y"), "--config", str(tmp_path / "none.cfg"))
    assert bad_config.returncode == 2 and not (tmp_path / "y").exists()


@pytest.mark.slow
def test_runner_killed_run_leaves_complete_tables_and_rerun_finishes(tmp_path, config):
    # 96 articles in three batches of 32: killed once the first batch is cached.
    articles = {f"{name}-{i:02d}": text for i in range(24) for name, text in ARTICLES.items()}
    corpus = write_corpus(tmp_path / "corpus", dict(list(articles.items())[:8]))
    out = tmp_path / "out"
    args = ["--corpus", str(corpus), "--out", str(out), "--config", str(config), "--workers", "1"]
    assert _cli(*args).returncode == 0
    previous = read_tables(out)
    cached_before = len(list((out / ".cache").rglob("*.json")))

    write_corpus(corpus, articles)
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--quiet", *args], cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and process.poll() is None:
        if len(list((out / ".cache").rglob("*.json"))) > cached_before:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    # Every table file is complete: the previous set, untouched.
    for name, frame in read_tables(out).items():
        pd.testing.assert_frame_equal(frame, previous[name])
        assert len(pd.read_csv(out / f"{name}.csv")) == len(frame)
    assert len(list((out / ".cache").rglob("*.json"))) > cached_before  # work done is kept

    assert _cli(*args).returncode == 0
    documents = pd.read_parquet(out / "documents.parquet")
    assert list(documents["doc_id"]) == list(articles) and (documents["status"] == "ok").all()
    assert not (out / ".staging").exists()


def test_runner_window_shapes_the_actors_table_without_recomputing(tmp_path, config, reference, monkeypatch):
    corpus, _, _ = reference
    out = tmp_path / "out"
    run(corpus, out, config, quiet=True, workers=1)
    seen = _count_processed(monkeypatch)
    run(corpus, out, config, quiet=True, workers=1, window="year")
    actors = pd.read_parquet(out / "actors.parquet")
    assert seen == []  # the articles' rows come from the cache; only the actors table changes
    assert set(actors["window_kind"]) == {"all", "year"}


def test_runner_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    from pipeline.atomic import atomic_write

    target = tmp_path / "table.csv"
    atomic_write(target, lambda temporary: temporary.write_text("first\n"))
    mode = target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # an ordinary file, not mkstemp's private one

    def failing(temporary):
        temporary.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, failing)
    assert target.read_text() == "first\n"
    assert [path.name for path in tmp_path.iterdir()] == ["table.csv"]
