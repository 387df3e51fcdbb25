"""Tests for the speaker rules of the quotes stage (pipeline/components/quotes/speakers.py).

Each test runs the real pipeline (up to the quotes stage) on short texts written for it.
"""
import pytest

from pipeline.components.extensions import QUOTES_KEY
from pipeline.components.quotes.speakers import SPEAKER_RULES


@pytest.fixture(scope="module")
def nlp(stages):
    """The shared pipeline (tests/conftest.py) with only the stages up to quotes on."""
    with stages("parley_paragraphs", "parley_actors", "parley_quotes") as pipeline:
        yield pipeline


def speakers(nlp, text, anchor="2024-03-15"):
    """(quote text, speaker, speaker kind, speaker rule) of each quote of ``text``."""
    doc = nlp.make_doc(text)
    doc._.anchor = anchor
    doc = nlp(doc)
    return [(s.text, s._.speaker, s._.speaker_kind, s._.speaker_rule) for s in doc.spans[QUOTES_KEY]]


def test_speakers_rules_are_listed_in_order():
    names = [name for name, _ in SPEAKER_RULES]
    assert names[0] == "entity" and names[-1] == "anonymous"
    assert names.index("pronoun") < names.index("description") < names.index("proper_noun")


def test_speakers_two_people_alternating_he_and_she(nlp):
    text = (
        "Ms Olena Marchuk met Mr Tomas Berg in Vienna on Monday to prepare the prisoner exchange. "
        "“We have found common ground on the lists,” she said. "
        "“Nothing is agreed until everything is agreed,” he replied. "
        "She added that the first buses could cross the border within a week."
    )
    found = speakers(nlp, text)
    assert len(found) == 3
    assert "Marchuk" in found[0][1] and found[0][3] == "pronoun"
    assert found[1][1] == "Tomas Berg"
    assert "Marchuk" in found[2][1]


def test_speakers_pronoun_after_a_quote_of_someone_else_goes_to_the_subject(nlp):
    text = (
        "“The corridor is open,” Tomas Berg said on Monday. "
        "Olena Marchuk, the mayor of the port city, reacted with caution. "
        "“I will believe it when the first ship leaves,” she said."
    )
    assert speakers(nlp, text)[-1][1] == "Olena Marchuk"


@pytest.mark.parametrize("anchor, holder", [("2022-05-01", "Joe Biden"), ("2025-06-01", "Donald Trump")])
def test_speakers_role_resolved_by_the_articles_date(nlp, anchor, holder):
    text = (
        "The US President spoke to reporters at the airport. "
        "He said that sanctions would stay in place until the troops withdraw."
    )
    assert speakers(nlp, text, anchor)[0][1:3] == (holder, "named")


def test_speakers_former_office_holder_by_the_articles_date(nlp):
    text = (
        "Donald Trump spoke to supporters in Ohio on Monday, while Joe Biden stayed in Delaware. "
        "The former president said that the war could be ended within a day."
    )
    assert speakers(nlp, text, "2024-03-15")[0][1:] == ("Donald Trump", "named", "former_holder")


def test_speakers_description_resolves_to_the_titled_person(nlp):
    text = (
        "Kremlin spokesman Dmitry Peskov held his daily call with journalists on Wednesday. "
        "Olaf Scholz said that Europe would not be divided. "
        "Later, the Kremlin spokesman said that no date had been set for a meeting."
    )
    found = speakers(nlp, text)
    assert [f[1] for f in found] == ["Olaf Scholz", "Dmitry Peskov"]
    assert found[1][3] == "description"


def test_speakers_nationality_description_goes_to_the_compatriot(nlp):
    text = "Viktor Orbán met Olaf Scholz in Berlin on Monday.\n\nThe Hungarian PM told reporters that the sanctions had failed."
    assert speakers(nlp, text)[0][1:] == ("Viktor Orbán", "named", "compatriot")


def test_speakers_apposition_names_the_person_not_the_role(nlp):
    found = speakers(nlp, "Olena Marchuk, the city's deputy mayor, said the water supply had been restored.")
    assert found[0][1:3] == ("Olena Marchuk", "named")


def test_speakers_pronoun_before_its_main_clause_is_that_clause_subject(nlp):
    text = "Though it had rejected similar offers last year, Poland said it would study the new plan."
    found = speakers(nlp, text)
    assert ("similar offers", "Poland", "named", "pronoun") in found


def test_speakers_joint_statement_is_the_first_named_sources(nlp):
    text = "The draft and Olena Marchuk denied any knowledge of the secret annex."
    assert speakers(nlp, text)[0][1:3] == ("Olena Marchuk", "named")


def test_speakers_they_for_a_delegation(nlp):
    text = (
        "The Ukrainian delegation arrived in Istanbul on Friday morning. "
        "They said the talks would focus on the exchange of prisoners."
    )
    assert speakers(nlp, text)[0][1:3] == ("The Ukrainian delegation", "anonymous")


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("The communique said the parties would meet again in Geneva in June.", "The communique"),
        ("A joint statement called for an immediate ceasefire along the front line.", "A joint statement"),
    ],
)
def test_speakers_document_as_source(nlp, text, speaker):
    assert speakers(nlp, text)[0][1:3] == (speaker, "anonymous")


def test_speakers_quoted_as_saying_is_the_person_quoted(nlp):
    text = "“The door remains open,” Olena Marchuk was quoted as saying by the state news agency."
    assert speakers(nlp, text)[0][1] == "Olena Marchuk"
