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


# --- affiliations: doc._.actor_info ------------------------------------------------


def test_actors_info_from_the_registry(run_doc):
    doc = run_doc("Sergei Lavrov spoke to reporters in Minsk after the Kremlin had declined to comment.")
    assert doc._.actor_info["Sergei Lavrov"] == {
        "actor_id": "Sergei Lavrov", "label": "PERSON", "gender": "m",
        "affiliation": "Russian Foreign Ministry", "country": "Russia",
    }
    assert doc._.actor_info["Kremlin"]["affiliation"] == "Kremlin"
    assert doc._.actor_info["Kremlin"]["country"] == "Russia"


def test_actors_info_places_are_their_own_country_or_the_registrys(run_doc):
    doc = run_doc("Convoys left Moscow for Estonia and reached Tallinn on Friday.")
    info = doc._.actor_info
    assert info["Moscow"]["country"] == "Russia"
    assert info["Estonia"]["country"] == "Estonia"


def test_actors_info_affiliation_from_an_apposition(run_doc):
    doc = run_doc("Ms Oksana Melnyk, a spokeswoman for the Kremlin, said the convoy had left Minsk.")
    melnyk = doc._.actor_info["Oksana Melnyk"]
    assert (melnyk["affiliation"], melnyk["country"], melnyk["gender"]) == ("Kremlin", "Russia", "f")


def test_actors_info_country_from_a_nationality_title(run_doc):
    doc = run_doc("Estonian Defence Minister Jaak Tamm visited the base near Narva on Tuesday.")
    assert doc._.actor_info["Jaak Tamm"]["country"] == "Estonia"


def test_actors_info_organisation_of_a_nationality(run_doc):
    doc = run_doc("Mr Pavel Kowal, an adviser to the Polish Defence Ministry, met envoys in Vienna.")
    assert doc._.actor_info["Polish Defence Ministry"]["country"] == "Poland"
    kowal = doc._.actor_info["Pavel Kowal"]
    assert (kowal["affiliation"], kowal["country"], kowal["gender"]) == ("Polish Defence Ministry", "Poland", "m")


def test_actors_info_a_critic_is_not_affiliated(run_doc):
    doc = run_doc("Kremlin critic Ilya Sorokin said the vote was rigged.")
    assert doc._.actor_info["Ilya Sorokin"]["affiliation"] == ""


def test_actors_registry_exposes_one_title_list(nlp):
    registry = nlp.get_pipe("parley_actors").registry
    assert {"spokesman", "minister", "negotiator"} <= registry.title_words
    assert registry.honorifics["mrs"] == "f" and registry.honorifics["mr"] == "m"
    assert {"Minister", "Mr.", "Russian", "Foreign"} <= registry.name_prefixes


# --- entity precision ----------------------------------------------------------


@pytest.mark.parametrize(
    "text, junk",
    [
        ("Time is a precious commodity in Odesa, and the mayor knows it.", "Time"),
        ("Unofficial estimates suggest only 20,000 soldiers remain near Kherson.", "Unofficial"),
        ("The order went to Defense Minister Pavel Kowal on Friday.", "Defense"),
        ("The envoy left Oslo.\n\nBackground: The Austrian Foreign Ministry said it would host the meeting.",
         "Background"),
    ],
)
def test_actors_capitalised_common_word_is_no_actor(run_doc, text, junk):
    doc = run_doc(text)
    assert junk not in {e.text for e in doc.ents}
    assert junk not in doc._.actor_info


def test_actors_common_word_used_as_a_name_elsewhere_is_kept():
    from pipeline.components.actors.mentions import CommonWords, common_word_groups

    nlp = spacy.blank("en")
    doc = nlp("Congress met . The bill went to Congress on Monday .")
    doc[0].is_sent_start = True
    doc[3].is_sent_start = True
    first, second = Span(doc, 0, 1, label="ORG"), Span(doc, 7, 8, label="ORG")
    common = CommonWords(["web2"])
    assert common.is_common("Congress") and not common.is_common("Moscow")
    assert common_word_groups({"Congress": [first, second]}, common, set(), set()) == set()
    assert common_word_groups({"Congress": [first]}, common, set(), set()) == {"Congress"}


# --- near spellings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second, near",
    [
        ("vladmir", "vladimir", True),  # a dropped letter
        ("zelenky", "zelensky", True),
        ("tatiana", "tatyana", True),  # a replaced letter in a long word
        ("machon", "macron", False),  # a replaced letter in a short word: another name
        ("ivanov", "ivanova", False),  # another ending: another person
        ("kim", "kin", False),
    ],
)
def test_actors_one_edit_apart(first, second, near):
    from pipeline.components.actors import one_edit_apart

    assert one_edit_apart(first, second) is near


def test_actors_misspelt_name_joins_the_actor(run_doc):
    doc = run_doc("Analyst Oleksandr Hrytsenko said the offensive had stalled. "
                  "Oleksander Hrytsenko added that Kyiv would wait. Oleksandr Hrytsenko left on Monday.")
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    assert len(people) == 3  # the rarer spelling joins the actor and is not its canonical name
    assert {e._.canonical for e in people} == {"Oleksandr Hrytsenko"}


def test_actors_misspelt_surname_alone_joins_the_registry_actor():
    nlp = spacy.blank("en")
    doc = nlp("Volodymyr Zelenskyy spoke . Later Zelenky left .")
    mentions = [Span(doc, 0, 2, label="PERSON", span_id="Volodymyr Zelensky"), Span(doc, 5, 6, label="PERSON")]
    registry = Registry.from_dict({"actors": [{"canonical": "Volodymyr Zelensky", "label": "PERSON"}]})
    names = canonical_names(mentions, registry, "")
    assert [(c, a) for _, c, a in names] == [("Volodymyr Zelenskyy", "Volodymyr Zelensky")] * 2


def test_actors_different_people_with_near_surnames_stay_apart():
    nlp = spacy.blank("en")
    doc = nlp("Anna Kovacs met Peter Kovac . Kovacs and Kovac left .")
    mentions = [Span(doc, 0, 2, label="PERSON"), Span(doc, 3, 5, label="PERSON"),
                Span(doc, 6, 7, label="PERSON"), Span(doc, 8, 9, label="PERSON")]
    names = [c for _, c, _ in canonical_names(mentions, Registry(), "")]
    assert names == ["Anna Kovacs", "Peter Kovac", "Anna Kovacs", "Peter Kovac"]


def test_actors_office_running_into_another_role_names_nobody(run_doc):
    doc = run_doc("US President-elect Alan Brooks said he would meet the envoys.", anchor="2024-11-20")
    assert "Joe Biden" not in {e._.canonical for e in doc.ents}


def test_actors_component_round_trips_its_registry(nlp, tmp_path):
    component = nlp.get_pipe("parley_actors")
    component.to_disk(tmp_path / "actors")
    before = component.registry.to_dict()
    component.from_disk(tmp_path / "actors")
    assert component.registry.to_dict() == before


@pytest.mark.parametrize(
    "headline, kept",
    [
        ("Kremlin Warns Against Hasty Deals, Cites Security Concerns", {"Kremlin"}),
        ("Pentagon Weighs New Options For Ukraine", {"Pentagon", "Ukraine"}),
    ],
)
def test_actors_title_case_headline_words_are_no_actors(run_doc, headline, kept):
    doc = run_doc(f"{headline}\n\nOfficials said on Monday that nothing had been decided.")
    headline_actors = {e.text for e in doc.ents if e.end_char <= len(headline) and e.label_ in ("PERSON", "ORG", "GPE")}
    assert headline_actors == kept


def test_actors_info_survives_docbin(run_doc, nlp):
    from spacy.tokens import DocBin

    doc = run_doc("Russian officials said Dmitry Peskov would travel to Minsk.")
    restored = next(DocBin(docs=[doc], store_user_data=True).get_docs(nlp.vocab))
    assert restored._.actor_info == doc._.actor_info
    assert restored._.actor_info["Dmitry Peskov"]["country"] == "Russia"
    assert [list(span) for span in restored._.affiliation_spans] == doc._.affiliation_spans
    assert [country for _, _, _, country in restored._.affiliation_spans] == ["Russia", "Belarus"]


def test_actors_name_after_a_title_inside_an_entity():
    from spacy.tokens import Doc

    from pipeline.components.actors.mentions import CommonWords, name_after_title

    vocab = spacy.blank("en").vocab
    words = ["Interior", "Ministry", "Spokeswoman", "Irina", "Volk", "spoke", "at", "the", "General", "Assembly"]
    pos = ["PROPN", "PROPN", "PROPN", "PROPN", "PROPN", "VERB", "ADP", "DET", "PROPN", "PROPN"]
    doc = Doc(vocab, words=words, pos=pos)
    common, titles = CommonWords(["web2"]), {"spokeswoman", "general"}
    name = name_after_title(Span(doc, 0, 5, label="ORG"), titles, common)
    assert (name.text, name.label_) == ("Irina Volk", "PERSON")
    assert name_after_title(Span(doc, 8, 10, label="ORG"), titles, common) is None  # "Assembly" is no person


def test_actors_title_before_a_name_is_no_organisation():
    from spacy.tokens import Doc

    from pipeline.components.actors.mentions import is_title_before_name

    words = ["Chief", "Trade", "Envoy", "Lena", "Ortiz", "met", "the", "Trade", "Council", "."]
    pos = ["PROPN", "PROPN", "PROPN", "PROPN", "PROPN", "VERB", "DET", "PROPN", "PROPN", "PUNCT"]
    doc = Doc(spacy.blank("en").vocab, words=words, pos=pos)
    assert is_title_before_name(Span(doc, 0, 3, label="ORG"), {"envoy"})
    assert not is_title_before_name(Span(doc, 7, 9, label="ORG"), {"envoy"})


@pytest.mark.parametrize(
    "entry, message",
    [
        ("{canonical: Ana Lund, label: PERSON, afiliation: Kremlin}", "actors entry 'Ana Lund': unknown key 'afiliation'"),
        ("{canonical: Ana Lund}", "actors entry 'Ana Lund': missing key 'label'"),
        ("{canonical: Ana Lund, label: PERSONS}", "label must be one of"),
        ("{canonical: Ana Lund, label: PERSON, gender: x}", "gender must be m or f"),
    ],
)
def test_actors_registry_entry_typo_names_file_entry_and_key(tmp_path, entry, message):
    from pipeline.components.actors.registry import check_registry_file
    from pipeline.components.lexicon import LexiconError, checker_for

    path = tmp_path / "actors.yml"
    path.write_text(f"actors:\n  - {entry}\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=message) as caught:
        check_registry_file(str(path))
    assert str(path) in str(caught.value)
    assert checker_for("parley_actors", "registry_path") is check_registry_file  # what check_config runs


def test_actors_the_other_party_of_a_relation_is_no_affiliation(run_doc):
    doc = run_doc("Ukraine's ally, Czech President Petr Novak, said the talks should wait. "
                  "Russia's critics said the same.")
    assert doc._.actor_info["Petr Novak"]["country"] == "Czech Republic"
    critics = doc.text.index("Russia's critics")
    from pipeline.components.actors import describe_span

    assert describe_span(doc, critics, critics + len("Russia's critics")) == ("", "")
