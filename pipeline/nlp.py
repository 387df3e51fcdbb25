"""Build the parley spaCy pipeline from a config file; the model is a setting."""
from __future__ import annotations

import re
from pathlib import Path

import spacy
from confection import Config
from spacy.language import Language
from spacy.util import is_package

import pipeline.components  # noqa: F401  (registers the factories and their lexicon schemas)
from pipeline.components.lexicon import LexiconError, checker_for, load_lexicon, schema_for
from pipeline.corpus import load_settings
from pipeline.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "default.cfg"


__all__ = ["ConfigError", "LexiconError", "DEFAULT_CONFIG", "load_config", "check_config", "build_nlp"]


def load_config(config_path: Path | str = DEFAULT_CONFIG, overrides: dict | None = None) -> Config:
    """Read and interpolate a parley config; ``${paths.configs}`` is the file's folder.
    ``overrides`` replaces settings by dotted name (``{"components.parley_stance.model_path": ""}``)."""
    path = Path(config_path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = Config().from_disk(path, interpolate=False, overrides=overrides or {})
    except Exception as err:  # confection raises several types for bad syntax
        raise ConfigError(f"{path}: cannot parse config: {err}") from err
    raw.setdefault("paths", {})["configs"] = str(path.resolve().parent)
    return raw.interpolate()


def check_config(config_path: Path | str = DEFAULT_CONFIG, overrides: dict | None = None) -> Config:
    """Load a config and check, without loading the model, that a pipeline can be built
    from it and a run can read its files.

    Checked: the model is installed, every stage has its section, every file a
    component setting ending in ``_path`` names loads with the schema its stage
    registered (``components/lexicon.py``), every ``*_pattern`` setting compiles,
    and the ``[corpus]`` settings file loads.

    Returns:
        The interpolated config (parse it once per run and pass it on).

    Raises:
        ConfigError: naming the config, or the file and key at fault (LexiconError).
    """
    config = load_config(config_path, overrides)
    try:
        settings = config["parley"]
        model = settings["model"]
        stages = list(settings.get("before_parser", [])) + list(settings["pipeline"])
    except (KeyError, TypeError) as err:
        raise ConfigError(f"{config_path}: missing or invalid setting: {err}") from err
    if not (is_package(model) or Path(model).is_dir()):
        raise ConfigError(f"{config_path}: spaCy model {model!r} is not installed "
                          "(install it as a package; parley never downloads models)")
    missing = [name for name in stages if name not in config.get("components", {})]
    if missing:
        raise ConfigError(f"{config_path}: no [components.{missing[0]}] section")
    for name in stages:
        _check_component_settings(name, config["components"][name])
    if "corpus" in config:
        _check_corpus_settings(config_path, config["corpus"])
    return config


def _check_component_settings(name: str, component: dict) -> None:
    """Load every file a component's ``*_path`` settings name, with its stage's schema (or
    checker), and compile every ``*_pattern`` setting as a regular expression."""
    factory = component.get("factory", name)
    for setting, value in component.items():
        if setting.endswith("_pattern"):
            try:
                re.compile(str(value))
            except re.error as err:
                raise ConfigError(f"[components.{name}] {setting}: invalid regular expression: {err}") from err
        if not setting.endswith("_path"):
            continue
        schema, checker = schema_for(factory, setting), checker_for(factory, setting)
        if checker is not None:
            checker(value)
        elif schema is not None:
            load_lexicon(value, schema, stage=f"[components.{name}] {setting}")
        elif not (value and Path(value).is_file()):
            raise LexiconError(f"[components.{name}] {setting}: file {str(value)!r} not found")


def _check_corpus_settings(config_path: Path | str, corpus: dict) -> None:
    """Read the ``[corpus]`` settings file and check ``max_bytes``."""
    try:
        settings_path, max_bytes = corpus["settings_path"], int(corpus["max_bytes"])
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(f"{config_path}: [corpus] missing or invalid setting: {err}") from err
    if max_bytes <= 0:
        raise ConfigError(f"{config_path}: [corpus] max_bytes must be positive")
    load_settings(settings_path, max_bytes)


def build_nlp(config: Path | str | Config = DEFAULT_CONFIG) -> Language:
    """Load the configured model and add the parley stages after its own components.

    Args:
        config: a parley ``.cfg`` file (see ``configs/default.cfg``), checked here; or a
            config already returned by ``check_config`` (the runner checks it once per run).

    Returns:
        The ready ``Language``.
    """
    if not isinstance(config, Config):
        config = check_config(config)
    settings = config["parley"]
    nlp = spacy.load(settings["model"], exclude=list(settings.get("exclude", [])))
    components = config["components"]
    early = list(settings.get("before_parser", []))
    for name in early + list(settings["pipeline"]):
        component_config = dict(components[name])
        factory = component_config.pop("factory", name)
        position = {"before": "parser"} if name in early and "parser" in nlp.pipe_names else {}
        nlp.add_pipe(factory, name=name, config=component_config, **position)
    return nlp
