"""Actors stage: registry ruler, canonical names in a document, office holders by date."""
from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

from pipeline.components.actors import Registry, canonical_names


def canonical_of(doc, text: str) -> tuple[str, str]:
    ent = next(e for e in doc.ents if e.text == text)
    return ent._.canonical, ent.label_


def test_actors_surname_and_title_map_to_fullest_name(run_doc):
    doc = run_doc(
        "Mr Kowalczyk arrived late. Prime Minister Anders Kowalczyk of Norway spoke to envoys in Oslo. "
        "Later, Kowalczyk said the meeting had gone well.",
        anchor="2024-02-10",
    )
    mentions = [e for e in doc.ents if "Kowalczyk" in e.text]
    assert len(mentions) == 3
    assert {e._.canonical for e in mentions} == {"Anders Kowalczyk"}
    assert {e.label_ for e in mentions} == {"PERSON"}


def test_actors_unknown_actor_found_without_registry(run_doc):
    doc = run_doc("Maria Lindqvist, a Swedish mediator, met Pavel Dorofeev in Stockholm on Monday.")
    names = {e._.canonical for e in doc.ents}
    assert {"Maria Lindqvist", "Pavel Dorofeev", "Stockholm"} <= names


def test_actors_registry_fixes_labels_and_spelling_variants(run_doc):
    doc = run_doc("Officials in Kiev said the Kremlin was silent. Kyiv later confirmed the report.")
    assert canonical_of(doc, "Kiev")[1] == "GPE"
    assert canonical_of(doc, "Kiev")[0] == canonical_of(doc, "Kyiv")[0]
    assert canonical_of(doc, "Kremlin") == ("Kremlin", "ORG")


@pytest.mark.parametrize(
    "anchor, holder",
    [("2022-06-01", "Joe Biden"), ("2025-06-01", "Donald Trump"), ("2019-03-01", "Donald Trump")],
)
def test_actors_office_resolves_by_article_date(run_doc, anchor, holder):
    doc = run_doc("The US President will travel to Warsaw next week, aides said.", anchor=anchor)
    office = next(e for e in doc.ents if e.text.lower().endswith("president"))
    assert office._.canonical == holder
    assert office.label_ == "PERSON"


def test_actors_office_without_date_needs_a_single_holder():
    registry = Registry.from_dict({
        "roles": [
            {"titles": ["Mayor of Lumen"], "holders": [{"actor": "A. One", "start": "2010-01-01", "end": "2015-01-01"},
                                                       {"actor": "B. Two", "start": "2015-01-01", "end": ""}]},
            {"titles": ["Harbour master"], "holders": [{"actor": "C. Three", "start": "2001-01-01", "end": ""}]},
        ]
    })
    assert registry.holder(0, "2012-05-05") == "A. One"
    assert registry.holder(0, "2015-01-01") == "B. Two"
    assert registry.holder(0, "2009-12-31") == ""
    assert registry.holder(0, "") == ""
    assert registry.holder(1, "") == "C. Three"


def test_actors_institution_named_after_a_leader(run_doc):
    doc = run_doc("The Obama administration rejected the plan, and Obama later defended the decision.")
    assert ("Obama administration", "ORG") in {(e._.canonical, e.label_) for e in doc.ents}


def test_actors_acronym_and_mislabelled_surname_join_their_names():
    nlp = spacy.blank("en")
    doc = nlp("The Financial Daily Herald quoted Ilse Brandauer . The FDH said Brandauer left .")
    mentions = [
        Span(doc, 1, 4, label="ORG"),  # Financial Daily Herald
        Span(doc, 5, 7, label="PERSON"),  # Ilse Brandauer
        Span(doc, 9, 10, label="ORG"),  # FDH
        Span(doc, 11, 12, label="GPE"),  # Brandauer, mislabelled by a model
    ]
    names = canonical_names(mentions, Registry(), "")
    assert [(label, canonical) for label, canonical, _ in names] == [
        ("ORG", "Financial Daily Herald"),
        ("PERSON", "Ilse Brandauer"),
        ("ORG", "Financial Daily Herald"),
        ("PERSON", "Ilse Brandauer"),
    ]


def test_actors_subheading_is_not_an_organisation(run_doc):
    text = "Envoys meet in Vienna\n\nDiplomats met in Vienna on Monday.\n\nFuture Regional Prospects\n\nThe talks ended late."
    doc = run_doc(text)
    assert not any("Prospects" in e.text for e in doc.ents)
    assert "Vienna" in {e.text for e in doc.ents}


def test_actors_registry_person_wins_over_a_title_run_into_an_org(run_doc):
    doc = run_doc("Kremlin spokesman Dmitry Peskov told reporters on Monday that Moscow was ready.")
    people = {e._.canonical for e in doc.ents if e.label_ == "PERSON"}
    assert "Dmitry Peskov" in people


def test_actors_title_before_a_name_keeps_the_organisation_in_it(run_doc):
    doc = run_doc("NATO Secretary General Mark Rutte met envoys in Vilnius on Monday.", anchor="2025-03-03")
    found = {(e._.canonical, e.label_) for e in doc.ents}
    assert {("NATO", "ORG"), ("Mark Rutte", "PERSON")} <= found


def test_actors_dateline_capitals_do_not_become_the_canonical_name(run_doc):
    doc = run_doc("TBILISI, May 2 (Reuters) - Talks resumed. Officials in Tbilisi said the venue would stay in Tbilisi.")
    assert {e._.canonical for e in doc.ents if e.text.lower() == "tbilisi"} == {"Tbilisi"}


@pytest.mark.parametrize("spelling", ["Volodymyr Zelenskiy", "Volodymyr Zelenskyy", "Volodymyr Zelensky"])
def test_actors_one_id_across_spellings(run_doc, spelling):
    doc = run_doc(f"{spelling} met envoys in Kyiv on Monday.")
    (person,) = [e for e in doc.ents if e.label_ == "PERSON"]
    assert person._.canonical == spelling
    assert person._.actor_id == "Volodymyr Zelensky"


def test_actors_name_beside_a_person_role_is_a_person(run_doc):
    doc = run_doc("Moldova’s chief negotiator, Tudor Vranceanu, told reporters that the talks had stalled.")
    assert ("Tudor Vranceanu", "PERSON") in {(e._.canonical, e.label_) for e in doc.ents}


def test_actors_entity_running_two_phrases_keeps_the_last():
    from spacy.tokens import Doc

    from pipeline.components.actors import last_constituent

    words = ["Commissioner", "for", "Arctic", "Affairs", "Ingrid", "Solberg", "spoke", "."]
    heads = [6, 0, 3, 1, 5, 0, 6, 6]
    deps = ["nsubj", "prep", "compound", "pobj", "compound", "appos", "ROOT", "punct"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps)
    run_together = Span(doc, 2, 6, label="ORG")  # "Arctic Affairs Ingrid Solberg"
    assert last_constituent(run_together).text == "Ingrid Solberg"
    whole = Span(doc, 4, 6, label="PERSON")
    assert last_constituent(whole) == whole


def test_actors_family_name_first_joins_the_full_name():
    nlp = spacy.blank("en")
    doc = nlp("Envoy Wang Qiang met Kuleba . Wang said the visit went well .")
    mentions = [Span(doc, 1, 3, label="PERSON"), Span(doc, 4, 5, label="PERSON"), Span(doc, 6, 7, label="PERSON")]
    assert [c for _, c, _ in canonical_names(mentions, Registry(), "")] == ["Wang Qiang", "Kuleba", "Wang Qiang"]
