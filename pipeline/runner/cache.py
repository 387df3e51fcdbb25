"""The row cache: each article's table rows under a key of everything that decides them.

A key hashes the article's file, its manifest fields and the config fingerprint
(the interpolated config, every file it names, package versions and the source of
the row-making code), so an unchanged article under an unchanged config is never
processed twice, and any edit that could change its rows recomputes it.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from confection import Config

from pipeline.corpus import CorpusProblem, ManifestRow
from pipeline.atomic import atomic_write

if TYPE_CHECKING:
    from pipeline.tables import TableRows

CACHE_DIR = ".cache"
CACHE_FORMAT = "1"
PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Modules whose code decides an article's rows (besides every stage under components/).
ROW_MAKING_MODULES = ("corpus.py", "nlp.py", "tables.py", "schema.py", "runner/partition.py")


def config_fingerprint(config: Config) -> str:
    """Hash of what decides an article's rows besides its file.

    The interpolated config, the content of every file it points to (registries,
    lexicons, corpus settings), the versions of parley, spaCy and the model, and
    the source of the row-making code.
    """
    digest = hashlib.sha256()
    digest.update(config.to_str().encode("utf-8"))
    for value in sorted(set(_config_strings(config))):
        path = Path(value)
        if len(value) < 4096 and path.is_file():
            digest.update(value.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    model = config["parley"]["model"]
    for package in ("parley", "spacy", model):
        digest.update(f"{package}={_version(package)}\0".encode("utf-8"))
    # An edited stage invalidates the cache even before the package version is
    # bumped (cheap: a few hundred kB).
    for path in _row_making_sources():
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode("utf-8") + b"\0" + path.read_bytes())
    digest.update(CACHE_FORMAT.encode("ascii"))
    return digest.hexdigest()


def _row_making_sources() -> list[Path]:
    stages = sorted(PACKAGE_DIR.glob("components/**/*.py"))
    return stages + [PACKAGE_DIR / name for name in ROW_MAKING_MODULES if (PACKAGE_DIR / name).is_file()]


def _config_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _config_strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _config_strings(item)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def article_key(corpus_dir: Path, row: ManifestRow, fingerprint: str) -> str:
    """The cache key of one manifest row: its file's content, its manifest fields, the config."""
    digest = hashlib.sha256()
    for value in (fingerprint, *row.key_fields()):
        digest.update(value.encode("utf-8") + b"\0")
    if not row.error:
        try:
            with open(Path(corpus_dir) / row.file, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError as err:  # read again (and reported) when processed
            digest.update(f"unreadable:{err}".encode("utf-8"))
    return digest.hexdigest()


def run_signature(keys: list[str], problems: list[CorpusProblem], window: str, group_by: str = "person") -> str:
    """Hash of everything a run's tables depend on: every article's key, in order, the
    problems, and the actors table's time window and level (``group_by``)."""
    digest = hashlib.sha256(window.encode("utf-8") + b"\0" + group_by.encode("utf-8") + b"\0")
    for key in keys:
        digest.update(key.encode("ascii"))
    for problem in problems:
        digest.update(str(problem).encode("utf-8") + b"\0")
    return digest.hexdigest()


class RowCache:
    """Each article's table rows, one JSON file per key under ``OUT/.cache/``, written atomically."""

    def __init__(self, cache_dir: Path | str | None):
        self.dir = Path(cache_dir) if cache_dir else None

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def has(self, key: str) -> bool:
        return self.dir is not None and self._path(key).is_file()

    def get(self, key: str) -> TableRows | None:
        """The cached rows, or None when absent or damaged (then computed again)."""
        if self.dir is None:
            return None
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def put(self, key: str, rows: TableRows) -> None:
        if self.dir is None:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"), default=str)
        atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
