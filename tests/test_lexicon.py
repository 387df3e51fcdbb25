"""The lexicon contract: every stage's file loads one way, and a typo stops `run` with exit 2.

A typo in any path the config names, a malformed file or an unknown key must stop
the run before any article is read, with a message naming the file (and the key).
"""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from batch_helpers import ARTICLES, frozen_config, write_corpus
from pipeline.cli import app
from pipeline.components.lexicon import (
    LexiconError,
    LexiconSchema,
    lexicon_from_disk,
    lexicon_to_disk,
    load_lexicon,
    schema_for,
)
from pipeline.errors import ConfigError
from pipeline.nlp import check_config

SCHEMA = LexiconSchema(required={"words": list}, optional={"window": int})

# every file a stage reads: (the config line to edit, the setting, the file in configs/)
STAGE_FILES = [
    ("registry_path", "actors.yml"),
    ("cues_path", "quotes.yml"),
    ("settings_path = \"${paths.configs}/dates.yml\"", "dates.yml"),
    ("lexicon_path", "stance.yml"),
    ("settings_path = \"${paths.configs}/corpus.yml\"", "corpus.yml"),
]


def test_lexicon_loads_a_valid_file(tmp_path):
    path = tmp_path / "words.yml"
    path.write_text("words: [truce, ceasefire]\nwindow: 3\n", encoding="utf-8")
    assert load_lexicon(path, SCHEMA, stage="test") == {"words": ["truce", "ceasefire"], "window": 3}


@pytest.mark.parametrize("text, message", [
    ("words: [truce\n", "malformed YAML"),
    ("window: 3\n", "missing required key 'words'"),
    ("words: []\nwindwo: 3\n", "unknown key 'windwo'"),
    ("words: truce\n", "key 'words' must be list"),
    ("- truce\n", "must hold a mapping"),
])
def test_lexicon_rejects_a_bad_file_naming_file_and_key(tmp_path, text, message):
    path = tmp_path / "words.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as caught:
        load_lexicon(path, SCHEMA, stage="test")
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, ConfigError)


def test_lexicon_missing_file_is_an_error_unless_allowed(tmp_path):
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "nowhere.yml", SCHEMA, stage="test")
    assert load_lexicon(tmp_path / "nowhere.yml", SCHEMA, stage="test", missing_ok=True) is None


def test_lexicon_survives_to_disk_and_from_disk(tmp_path):
    data = {"words": ["truce", "перемирие"], "window": 3}
    lexicon_to_disk(tmp_path / "saved", data)
    assert lexicon_from_disk(tmp_path / "saved", SCHEMA, stage="test") == data


def _config_with_missing(tmp_path, line_start: str, file_name: str):
    config = frozen_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    edited = "\n".join(line.replace(file_name, "typo-" + file_name) if line.startswith(line_start) else line
                       for line in text.splitlines())
    assert edited != text.rstrip("\n")
    config.write_text(edited + "\n", encoding="utf-8")
    return config


@pytest.mark.parametrize("line_start, file_name", STAGE_FILES)
def test_lexicon_config_typo_stops_run_with_exit_2(tmp_path, line_start, file_name):
    config = _config_with_missing(tmp_path, line_start, file_name)
    with pytest.raises(ConfigError, match=f"typo-{file_name}"):
        check_config(config)
    corpus = write_corpus(tmp_path / "corpus", {"talks": ARTICLES["talks"]})
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--corpus", str(corpus), "--out", str(out), "--config", str(config),
                                      "--quiet"])
    assert result.exit_code == 2
    assert f"typo-{file_name}" in result.output
    assert not out.exists()


@pytest.mark.parametrize("factory, setting, file_name", [
    ("parley_actors", "registry_path", "actors.yml"),
    ("parley_quotes", "cues_path", "quotes.yml"),
    ("parley_dates", "settings_path", "dates.yml"),
    ("parley_stance", "lexicon_path", "stance.yml"),
    (None, None, "corpus.yml"),
])
def test_lexicon_unknown_key_in_a_stage_file_stops_run(tmp_path, factory, setting, file_name):
    if factory and schema_for(factory, setting) is None:
        pytest.skip(f"{factory} does not register a lexicon schema yet")
    config = frozen_config(tmp_path)
    lexicon = config.parent / file_name
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\nnot_a_setting: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{file_name}.*not_a_setting"):
        check_config(config)


def test_lexicon_bad_pattern_setting_stops_run(tmp_path):
    config = frozen_config(tmp_path)
    text = config.read_text(encoding="utf-8")
    lines = [line if not line.startswith("dateline_pattern") else 'dateline_pattern = "^([A-Z"'
             for line in text.splitlines()]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="parley_paragraphs.*dateline_pattern"):
        check_config(config)
