"""Build the parley spaCy pipeline from a config file; the model is a setting."""
from __future__ import annotations

from pathlib import Path

import spacy
from confection import Config
from spacy.language import Language
from spacy.util import is_package

import pipeline.components  # noqa: F401  (registers the factories)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "default.cfg"


class ConfigError(ValueError):
    """The configuration cannot be used (missing file, unknown model or component)."""


def load_config(config_path: Path | str = DEFAULT_CONFIG) -> Config:
    """Read and interpolate a parley config; ``${paths.configs}`` is the file's folder."""
    path = Path(config_path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        raw = Config().from_disk(path, interpolate=False)
    except Exception as err:  # confection raises several types for bad syntax
        raise ConfigError(f"{path}: cannot parse config: {err}") from err
    raw.setdefault("paths", {})["configs"] = str(path.resolve().parent)
    return raw.interpolate()


def check_config(config_path: Path | str = DEFAULT_CONFIG) -> Config:
    """Load a config and check, without loading the model, that a pipeline can be built
    from it: the model is installed and every stage has its section. ConfigError if not."""
    config = load_config(config_path)
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
    return config


def build_nlp(config_path: Path | str = DEFAULT_CONFIG) -> Language:
    """Load the configured model and add the parley stages after its own components.

    Args:
        config_path: a parley ``.cfg`` file (see ``configs/default.cfg``).

    Returns:
        The ready ``Language``.
    """
    config = check_config(config_path)
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
