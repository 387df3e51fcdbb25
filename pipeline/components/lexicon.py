"""The one way a stage loads, validates and saves its ``configs/*.yml`` file.

A stage declares the keys its file may hold in a ``LexiconSchema`` and registers it
under its factory name and the setting that names the file; ``nlp.check_config``
asks this registry to check every path a config names before any article is read,
and the stage loads the same file the same way when it is built.

How a stage uses it::

    from .lexicon import LexiconSchema, load_lexicon, lexicon_from_disk, lexicon_to_disk, register_schema

    SCHEMA = LexiconSchema(
        required={"months": dict, "weekdays": dict},
        optional={"hedges": list, "weekend_mod": str},
    )
    register_schema("parley_dates", "settings_path", SCHEMA)

    class DateStage:
        def __init__(self, nlp, name, *, settings_path):
            self.name, self.settings_path = name, settings_path
            self.settings = load_lexicon(settings_path, SCHEMA, stage=name, missing_ok=True)

        def __call__(self, doc):
            if self.settings is None:  # neither the file nor from_disk: raise the not-found error
                self.settings = load_lexicon(self.settings_path, SCHEMA, stage=self.name)
            ...

        def to_disk(self, path, *, exclude=()):
            lexicon_to_disk(path, self.settings)

        def from_disk(self, path, *, exclude=()):
            self.settings = lexicon_from_disk(path, SCHEMA, stage=self.name)
            return self

A missing file, malformed YAML, a top level that is not a mapping, a missing
required key, an unknown key or a value of the wrong type raises ``LexiconError``
(a ``ConfigError``: ``parley run`` exits with status 2) naming the file and the key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from pipeline.errors import ConfigError

SAVED_FILE = "lexicon.yml"
# libyaml's safe loader when PyYAML was built with it (several times faster), else PyYAML's own
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LexiconError(ConfigError):
    """A stage's lexicon file is missing, malformed, or holds a missing or unknown key."""


ValueType = type | tuple[type, ...]


@dataclass(frozen=True)
class LexiconSchema:
    """The top-level keys a lexicon file may hold, each with the type its value must have.

    Args:
        required: keys the file must hold.
        optional: keys the file may hold (the stage has a default for each).
    """

    required: Mapping[str, ValueType] = field(default_factory=dict)
    optional: Mapping[str, ValueType] = field(default_factory=dict)

    def allowed(self) -> dict[str, ValueType]:
        return {**self.optional, **self.required}

    def validate(self, data: Any, source: str) -> dict[str, Any]:
        """Check ``data`` (read from ``source``) against the schema; LexiconError if it does not fit."""
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise LexiconError(f"{source}: the file must hold a mapping of keys, not a {type(data).__name__}")
        allowed = self.allowed()
        for key in data:
            if key not in allowed:
                raise LexiconError(f"{source}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        for key in self.required:
            if key not in data:
                raise LexiconError(f"{source}: missing required key {key!r}")
        for key, value in data.items():
            expected = allowed[key]
            if value is not None and not isinstance(value, expected):
                raise LexiconError(f"{source}: key {key!r} must be {_type_names(expected)}, "
                                   f"not {type(value).__name__}")
        return data


def _type_names(expected: ValueType) -> str:
    types = expected if isinstance(expected, tuple) else (expected,)
    return " or ".join(kind.__name__ for kind in types)


def load_lexicon(path: str | Path, schema: LexiconSchema, *, stage: str,
                 missing_ok: bool = False) -> dict[str, Any] | None:
    """Read a stage's YAML file and validate it against the stage's schema.

    Args:
        path: the file (a ``*_path`` setting of the config).
        schema: the keys the file may and must hold.
        stage: the component's name, used in messages.
        missing_ok: return None for a missing file instead of raising. A component's
            constructor passes True: when ``spacy.load`` rebuilds a saved pipeline, the
            file may be gone and ``from_disk`` brings the saved lexicon instead; the
            component calls ``load_lexicon`` again (strictly) if it is used without one.
            ``nlp.check_config`` has already stopped a run whose file is missing.

    Returns:
        The file's top-level mapping (None: missing and ``missing_ok``).

    Raises:
        LexiconError: the file is missing or malformed, or a key is missing, unknown or mistyped.
    """
    file = Path(path) if path else None
    if file is None or not file.is_file():
        if missing_ok:
            return None
        raise LexiconError(f"{stage}: lexicon file {str(path)!r} not found")
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconError(f"{file}: cannot read lexicon file: {err}") from err
    except yaml.YAMLError as err:
        raise LexiconError(f"{file}: malformed YAML: {err}") from err
    return schema.validate(data, str(file))


def lexicon_to_disk(directory: str | Path, data: Mapping[str, Any]) -> None:
    """Save a stage's lexicon into its component folder (spaCy ``to_disk``), as YAML."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SAVED_FILE).write_text(yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False),
                                     encoding="utf-8")


def lexicon_from_disk(directory: str | Path, schema: LexiconSchema, *, stage: str) -> dict[str, Any]:
    """Read back a lexicon saved by ``lexicon_to_disk`` (spaCy ``from_disk``), validated."""
    return load_lexicon(Path(directory) / SAVED_FILE, schema, stage=stage)


# --- the registry check_config asks -------------------------------------------

_SCHEMAS: dict[tuple[str, str], LexiconSchema] = {}


def register_schema(factory: str, setting: str, schema: LexiconSchema) -> None:
    """Declare that ``setting`` (a ``*_path`` setting of factory ``factory``) names a file of ``schema``."""
    _SCHEMAS[(factory, setting)] = schema


def schema_for(factory: str, setting: str) -> LexiconSchema | None:
    """The schema registered for a factory's path setting; None when the stage registered none."""
    return _SCHEMAS.get((factory, setting))


_CHECKERS: dict[tuple[str, str], Callable[[str], None]] = {}


def register_checker(factory: str, setting: str, check: Callable[[str], None]) -> None:
    """Declare how to check a ``*_path`` setting that names something other than a lexicon
    (a trained model folder): ``check(value)`` raises a ConfigError naming the path."""
    _CHECKERS[(factory, setting)] = check


def checker_for(factory: str, setting: str) -> Callable[[str], None] | None:
    """The checker registered for a factory's path setting; None when there is none."""
    return _CHECKERS.get((factory, setting))
