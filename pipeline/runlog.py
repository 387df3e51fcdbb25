"""What a run leaves about itself: the run record in the output folder, and a log file.

``OUT/run.json`` records where the tables came from (the corpus folder, the config,
parley's version, when and how long): ``report`` finds the corpus there when no
``--corpus`` is given. ``--log-file FILE`` appends to FILE what ran, the
configuration fingerprint, every problem (manifest problems and each failed
article's error) and the timings.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

RUN_RECORD = "run.json"
log = logging.getLogger("pipeline")


def version() -> str:
    """parley's installed version."""
    from importlib import metadata

    try:
        return metadata.version("parley")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_run_record(out_dir: Path, corpus_dir: Path, config_path: Path, seconds: float, result: Any) -> Path:
    """Write ``OUT/run.json`` (atomically) for the run that just wrote ``out_dir``."""
    from pipeline.runner import atomic_write

    record = {
        "corpus": str(Path(corpus_dir).resolve()),
        "config": str(Path(config_path).resolve()),
        "parley_version": version(),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(seconds, 3),
        "n_articles": result.n_articles,
        "n_failed": result.n_failed,
        "n_cached": result.n_cached,
    }
    path = Path(out_dir) / RUN_RECORD
    atomic_write(path, lambda temporary: Path(temporary).write_text(json.dumps(record, indent=2), encoding="utf-8"))
    return path


def read_run_record(out_dir: Path) -> dict:
    """The run record of an output folder; {} when there is none or it is unreadable."""
    try:
        record = json.loads((Path(out_dir) / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


class RunLog:
    """Logs one run to ``path`` (appending) while the context is open; does nothing without a path."""

    def __init__(self, path: Path | str | None):
        self.path = Path(path) if path else None
        self.handler: logging.Handler | None = None
        self.start = time.monotonic()
        self.level = log.level

    def __enter__(self) -> "RunLog":
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handler = logging.FileHandler(self.path, encoding="utf-8")
            self.handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
            log.addHandler(self.handler)
            log.setLevel(logging.INFO)
        self.start = time.monotonic()
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc is not None:
            log.error("run stopped after %.1f s: %s: %s", self.elapsed, type(exc).__name__, exc)
        if self.handler is not None:
            log.removeHandler(self.handler)
            self.handler.close()
            log.setLevel(self.level)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def started(self, corpus_dir: Path, out_dir: Path, config_path: Path, options: dict) -> None:
        """What runs: the command line, parley's version, folders, config and its fingerprint."""
        if self.handler is None:
            return
        from pipeline.nlp import load_config
        from pipeline.runner import config_fingerprint

        log.info("parley %s: %s", version(), " ".join(sys.argv))
        log.info("corpus %s, output %s, config %s, options %s", Path(corpus_dir).resolve(), Path(out_dir).resolve(),
                 Path(config_path).resolve(), options)
        try:
            log.info("config fingerprint %s", config_fingerprint(load_config(config_path)))
        except Exception as err:  # noqa: BLE001  (the run itself reports a bad config)
            log.info("config fingerprint unavailable: %s", err)

    def finished(self, result: Any, documents) -> None:
        """Every problem, each failed article's error, and the timings."""
        for problem in result.problems:
            (log.warning if problem.severity == "warning" else log.error)("%s", problem)
        failed = documents[documents["status"] != "ok"] if len(documents) else documents
        for row in failed.itertuples():
            log.error("article %s failed: %s", row.doc_id, row.error)
        seconds = self.elapsed
        computed = result.n_articles - result.n_cached
        rate = f", {computed / seconds:.2f} articles/s computed" if computed and seconds > 0 else ""
        log.info("done in %.1f s: %d articles (%d from the cache), %d failed, exit status %d%s", seconds,
                 result.n_articles, result.n_cached, result.n_failed, result.exit_status, rate)
