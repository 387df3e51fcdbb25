"""The statement stance model: fitting, saving, loading, refusing broken files, and the
stage with a model on blank and saved pipelines. Sentences are our own."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.lang.en import English
from typer.testing import CliRunner

import pipeline.components  # noqa: F401  (registers the factories and extensions)
from pipeline.cli import app
from pipeline.components.extensions import QUOTES_KEY
from pipeline.components.stance import ModelError, StatementModel
from pipeline.train import Example, fit

REPO = Path(__file__).resolve().parents[1]
LEXICON = REPO / "configs" / "stance.yml"

# a made-up target: a treaty about a canal; the words that carry the stance are the model's to learn
SYNTHETIC = [
    ({"word:back": 1.0, "word:treaty": 1.0}, "support"),
    ({"word:welcome": 1.0, "word:treaty": 1.0}, "support"),
    ({"word:back": 1.0, "word:canal": 1.0}, "support"),
    ({"word:reject": 1.0, "word:treaty": 1.0}, "oppose"),
    ({"word:scrap": 1.0, "word:treaty": 1.0}, "oppose"),
    ({"word:reject": 1.0, "word:canal": 1.0}, "oppose"),
    ({"word:weather": 1.0}, "neutral"),
    ({"word:visit": 1.0}, "neutral"),
]


def synthetic_examples() -> list[Example]:
    return [Example(features, stance, f"doc{i}", "neutral", "no_target", "") for i, (features, stance) in enumerate(SYNTHETIC)]


def test_fit_is_deterministic(tmp_path):
    first = fit(synthetic_examples(), seed=3).save(tmp_path / "a")
    second = fit(synthetic_examples(), seed=3).save(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()


def test_model_predicts_what_it_learned_and_names_its_evidence():
    model = fit(synthetic_examples())
    probs = model.predict_proba({"word:back": 1.0, "word:bridge": 1.0})
    assert max(probs, key=probs.get) == "support"
    assert sum(probs.values()) == pytest.approx(1.0)
    assert model.weighed_most({"word:reject": 1.0, "word:bridge": 1.0}, "oppose")[0][0] == "word:reject"


def test_model_file_round_trip(tmp_path):
    model = fit(synthetic_examples(), meta={"note": "synthetic"})
    model.save(tmp_path)
    loaded = StatementModel.load(tmp_path)
    assert loaded.labels == model.labels and loaded.meta["note"] == "synthetic"
    features = {"word:welcome": 1.0}
    assert loaded.predict_proba(features) == pytest.approx(model.predict_proba(features), abs=1e-5)


@pytest.mark.parametrize("content,message", [
    (None, "not found"),
    ("{not json", "not readable JSON"),
    (json.dumps({"format": "parley.stance_model.v0", "labels": []}), "format"),
    (json.dumps({"format": "parley.stance_model.v1", "labels": ["a", "b"], "intercepts": [0.0]}), "corrupt"),
])
def test_broken_model_files_are_refused_with_the_rebuild_hint(tmp_path, content, message):
    if content is not None:
        (tmp_path / "model.json").write_text(content, encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        StatementModel.load(tmp_path)
    assert message in str(caught.value) and "model.json" in str(caught.value)
    assert "make train" in str(caught.value)


def test_run_with_a_corrupt_model_stops_with_exit_2_before_reading(tmp_path):
    models = tmp_path / "models" / "stance"
    models.mkdir(parents=True)
    (models / "model.json").write_text("garbage", encoding="utf-8")
    config = tmp_path / "broken.cfg"
    text = (REPO / "configs" / "default.cfg").read_text(encoding="utf-8")
    config.write_text(text.replace('model_path = "${paths.configs}/../models/stance"', f'model_path = "{models}"')
                      .replace("${paths.configs}", str(REPO / "configs")), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", "--corpus", str(REPO / "raw"), "--out", str(out), "--config", str(config)])
    assert result.exit_code == 2
    assert str(models / "model.json") in result.output and "make train" in result.output
    assert not (out / "quotes.csv").exists()


def _plant(nlp, text: str, quote: str, speaker: str = "the mayor"):
    doc = nlp(text)
    start = text.index(quote)
    span = doc.char_span(start, start + len(quote), alignment_mode="expand")
    span._.quote_id, span._.speaker = "q1", speaker
    doc.spans[QUOTES_KEY] = [span]
    return doc


def test_stage_with_a_model_works_on_a_blank_english_pipeline(tmp_path):
    fit(synthetic_examples()).save(tmp_path / "model")
    nlp = English()
    nlp.add_pipe("parley_stance", config={"lexicon_path": str(LEXICON), "model_path": str(tmp_path / "model")})
    doc = nlp.get_pipe("parley_stance")(_plant(nlp, "The mayor said they reject the treaty.", "they reject the treaty"))
    quote = doc.spans[QUOTES_KEY][0]
    assert quote._.stance == "oppose"
    assert sum(quote._.stance_probs.values()) == pytest.approx(1.0, abs=1e-3)
    assert quote._.stance_confidence == pytest.approx(quote._.stance_probs["oppose"], abs=1e-3)
    assert "model: reject" in quote._.stance_evidence


def test_saved_pipeline_keeps_the_model_when_its_files_are_gone(tmp_path):
    model_dir = tmp_path / "model"
    fit(synthetic_examples()).save(model_dir)
    lexicon = tmp_path / "stance.yml"
    shutil.copy(LEXICON, lexicon)
    nlp = English()
    nlp.add_pipe("parley_stance", config={"lexicon_path": str(lexicon), "model_path": str(model_dir)})
    nlp.to_disk(tmp_path / "saved")
    shutil.rmtree(model_dir)
    lexicon.unlink()
    loaded = spacy.load(tmp_path / "saved")
    doc = loaded.get_pipe("parley_stance")(_plant(loaded, "The mayor said they welcome the treaty.",
                                                  "they welcome the treaty"))
    assert doc.spans[QUOTES_KEY][0]._.stance == "support"


# -- the committed model on the misses the rules alone made (issue 11); sentences of our own --

MODEL_DIR = REPO / "models" / "stance"


@pytest.fixture(scope="module")
def trained(stages):
    """The bare shared model for parsing, and the stance stage with the committed model."""
    from pipeline.components.stance import StanceClassifier

    with stages() as bare:
        yield bare, StanceClassifier(bare, "parley_stance", lexicon_path=str(LEXICON), model_path=str(MODEL_DIR))


def stance_of(trained, sentence: str, quote: str, speaker: str = "the envoy") -> str:
    nlp, stage = trained
    doc = stage(_plant(nlp, sentence, quote, speaker))
    return doc.spans[QUOTES_KEY][0]._.stance


@pytest.mark.parametrize("sentence,quote", [
    ("The Irish minister repeated her call for a truce in the east.", "her call for a truce in the east"),
    ("“Our first priority is to reach a ceasefire as quickly as possible,” the envoy said.",
     "Our first priority is to reach a ceasefire as quickly as possible"),
    ("The envoy said his country would agree to sit down at the negotiating table with both sides.",
     "his country would agree to sit down at the negotiating table with both sides"),
    ("“We remain open to negotiations,” the envoy said.", "We remain open to negotiations"),
    ("The envoy said she hoped the two delegations could find common ground in the talks.",
     "she hoped the two delegations could find common ground in the talks"),
])
def test_model_calls_and_offers_are_support(trained, sentence, quote):
    assert stance_of(trained, sentence, quote) == "support"


@pytest.mark.parametrize("sentence,quote", [
    ("“Any settlement must include guarantees for our eastern border,” the envoy said.",
     "Any settlement must include guarantees for our eastern border"),
    ("The envoy said a peace deal would have to respect the territorial integrity of his country.",
     "a peace deal would have to respect the territorial integrity of his country"),
])
def test_model_terms_of_a_deal_without_only_if_are_conditional(trained, sentence, quote):
    assert stance_of(trained, sentence, quote) == "conditional"


@pytest.mark.parametrize("sentence,quote", [
    ("Two analysts argue that the junta has little incentive to stop the offensive.",
     "the junta has little incentive to stop the offensive"),
    ("The envoy blamed the other side for the lack of progress toward a deal.",
     "the other side for the lack of progress toward a deal"),
])
def test_model_cues_about_another_actor_are_not_the_speakers_support(trained, sentence, quote):
    assert stance_of(trained, sentence, quote, speaker="the analysts") != "support"
