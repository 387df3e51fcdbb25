"""Every parley component: registered, configurable, and kept by to_disk/spacy.load."""
from __future__ import annotations

import pytest
import spacy
from spacy.lang.en import English
from spacy.language import Language

from pipeline.nlp import DEFAULT_CONFIG, load_config

FACTORIES = ["parley_actors", "parley_dates", "parley_quotes", "parley_stance"]


def test_components_factory_names_are_registered():
    import pipeline.components  # noqa: F401

    registered = set(Language.factories)
    assert set(FACTORIES) <= registered
    config = load_config(DEFAULT_CONFIG)
    assert sorted(config["components"][name]["factory"] for name in config["parley"]["pipeline"]) == FACTORIES


def test_components_each_runs_on_a_blank_english_pipeline():
    config = load_config(DEFAULT_CONFIG)
    nlp = English()
    nlp.add_pipe("sentencizer")
    for name in config["parley"]["pipeline"]:
        settings = dict(config["components"][name])
        nlp.add_pipe(settings.pop("factory"), name=name, config=settings)
    doc = nlp("The Kremlin said on Monday that talks with Kyiv could resume next week.")
    assert [e.text for e in doc.ents][:1] == ["Kremlin"]


def test_components_survive_to_disk_and_spacy_load(nlp, tmp_path):
    nlp.to_disk(tmp_path / "saved")
    reloaded = spacy.load(tmp_path / "saved")
    assert reloaded.pipe_names == nlp.pipe_names
    text = "Joe Biden said on Friday that a ceasefire was needed, the White House said."
    original, copy = nlp(text), reloaded(text)
    assert [(e.text, e._.canonical) for e in original.ents] == [(e.text, e._.canonical) for e in copy.ents]


def test_components_paragraph_break_is_a_sentence_break(nlp):
    doc = nlp("Ceasefire hopes fade in Doha\n\nNegotiators from both sides left the hotel without a statement.")
    starts = [sent.text.strip() for sent in doc.sents]
    assert starts[0] == "Ceasefire hopes fade in Doha"
    assert starts[1].startswith("Negotiators")


def test_components_stance_reads_dates_a_time_is_not_a_condition(run_doc):
    doc = run_doc("Diplomats in Vienna believe that neither side will be ready for serious talks before the spring.")
    (quote,) = doc.spans["quotes"]
    assert "before the spring" in quote.text
    assert quote._.stance != "conditional"


@pytest.mark.parametrize(
    "text",
    [
        "LVIV, May 4 (Reuters) - Poland's envoy to the talks said on Tuesday that a deal was close.",
        "May 4 (Reuters) - Poland's envoy to the talks said on Tuesday that a deal was close.",
    ],
)
def test_components_dateline_is_not_the_speaker(run_doc, text):
    doc = run_doc(text)
    (quote,) = doc.spans["quotes"]
    assert quote._.speaker == "Poland's envoy to the talks"


def test_components_every_path_setting_loads_through_the_lexicon_contract():
    # a stage's file is checked by check_config only when its stage registered how
    from pipeline.components.lexicon import checker_for, schema_for

    config = load_config(DEFAULT_CONFIG)
    for name in config["parley"]["pipeline"]:
        settings = config["components"][name]
        for setting in (key for key in settings if key.endswith("_path")):
            factory = settings["factory"]
            assert schema_for(factory, setting) or checker_for(factory, setting), (name, setting)
