"""Tests for the quotes stage: quote marks, cues, speakers (pipeline/components/quotes/)."""
from pathlib import Path

import pytest

from pipeline.components.extensions import QUOTES_KEY
from pipeline.components.quotes import QuoteExtractor, QuoteLexicon, find_quote_marks

CUES = Path(__file__).resolve().parent.parent / "configs" / "quotes.yml"


@pytest.fixture(scope="module")
def nlp(stages):
    """The shared pipeline (tests/conftest.py) with only the stages up to quotes on."""
    with stages("parley_paragraphs", "parley_actors", "parley_quotes") as pipeline:
        yield pipeline


@pytest.fixture(scope="module")
def lexicon():
    return QuoteLexicon.from_yaml(CUES)


def quotes(nlp, text):
    doc = nlp(text)
    return [
        {
            "text": s.text,
            "kind": s._.quote_kind,
            "speaker": s._.speaker,
            "speaker_kind": s._.speaker_kind,
            "cue": s._.cue,
            "id": s._.quote_id,
            "speaker_text": text[s._.speaker_start:s._.speaker_end] if s._.speaker_start >= 0 else "",
        }
        for s in doc.spans[QUOTES_KEY]
    ]


# ----------------------------------------------------------------- quote marks (no model)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("He said “we stay” today.", ["we stay"]),
        ('He said "we stay" and "we fight".', ["we stay", "we fight"]),
        ("Elle a dit « nous restons » hier.", [" nous restons "]),
        ("She called it ‘a farce’ and left.", ["a farce"]),
        ('He said \'no deal\' twice.', ["no deal"]),
        ("Don’t count the Kremlin’s apostrophes.", []),
    ],
)
def test_quotes_marks_pairs_every_kind(lexicon, text, expected):
    assert [text[m.start:m.end] for m in find_quote_marks(text, lexicon)] == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        # stray closing mark: dropped, the real quote kept
        ("The minister” arrived. “We will talk,” he said.", ["We will talk,"]),
        # an opening mark never closed at the end: dropped, earlier quotes kept
        ("“Yes,” she said. Then “no more", ["Yes,"]),
        # missing closing mark before the writer's lead-in to the next quote
        (
            "“We will stay. We will fight. Later, he told reporters: “Nobody leaves.”",
            ["We will stay. We will fight.", "Nobody leaves."],
        ),
    ],
)
def test_quotes_marks_unbalanced_never_fail(lexicon, text, expected):
    assert [text[m.start:m.end] for m in find_quote_marks(text, lexicon)] == expected


def test_quotes_marks_multi_paragraph(lexicon):
    text = "She said: “The first part runs on.\n\n“The second part ends here.”\n\nAfter."
    marks = find_quote_marks(text, lexicon)
    assert [text[m.start:m.end] for m in marks] == ["The first part runs on.", "The second part ends here."]
    assert marks[0].close_at == -1 and marks[1].continues


# ----------------------------------------------------------------- with the model


def test_quotes_direct_cue_after_and_before(nlp):
    found = quotes(nlp, "“We will never give up our land,” Olaf Scholz said. Emmanuel Macron added: “Europe stands united with Kyiv.”")
    assert [(q["kind"], q["speaker"]) for q in found] == [("direct", "Olaf Scholz"), ("direct", "Emmanuel Macron")]
    assert found[0]["text"] == "We will never give up our land,"
    assert [q["id"] for q in found] == ["q1", "q2"]


def test_quotes_split_by_cue_is_two_quotes_one_speaker(nlp):
    found = quotes(nlp, "“The talks are over,” Olaf Scholz said on Monday, “but the door to a settlement stays open.”")
    assert len(found) == 2
    assert {q["speaker"] for q in found} == {"Olaf Scholz"}
    assert all(q["kind"] == "direct" for q in found)


def test_quotes_multi_paragraph_quote_shares_speaker(nlp):
    text = (
        "Angela Merkel said: “The first winter will be the hardest for the people of Kharkiv.\n\n"
        "“We must send generators and fuel before the frost comes.”\n\nThe meeting ended at noon."
    )
    found = quotes(nlp, text)
    assert len(found) == 2
    assert all(q["speaker"] == "Angela Merkel" and q["kind"] == "direct" for q in found)


def test_quotes_verbless_paragraph_of_a_long_quote_is_kept(nlp):
    text = (
        "“The harbour must reopen,” the port director, Lena Vasquez, told the council.\n"
        "“No grain, no bread.\n"
        "“We will ship again as soon as the mines are cleared.”"
    )
    found = quotes(nlp, text)
    assert [q["text"] for q in found] == [
        "The harbour must reopen,", "No grain, no bread.", "We will ship again as soon as the mines are cleared."
    ]
    assert {q["speaker"] for q in found} == {"Lena Vasquez"}


@pytest.mark.parametrize(
    "text, content, speaker",
    [
        ("Any accord, the mediator said, would need the approval of both parliaments.",
         "Any accord, the mediator said, would need the approval of both parliaments", "the mediator"),
        ("Mirela Dragan spoke first. The old treaties, she added, had proved that guarantees were worthless.",
         "The old treaties, she added, had proved that guarantees were worthless", "Mirela Dragan"),
    ],
)
def test_quotes_cue_set_off_inside_the_reported_clause(nlp, text, content, speaker):
    found = quotes(nlp, text)
    assert [(q["text"], q["speaker"]) for q in found] == [(content, speaker)]


@pytest.mark.parametrize(
    "text, content",
    [
        ("The envoy said on Thursday the delegations were close to a deal.", "the delegations were close to a deal"),
        ("The governor told reporters last week the bridge would reopen soon.", "the bridge would reopen soon"),
    ],
)
def test_quotes_time_of_saying_is_not_content(nlp, text, content):
    assert [q["text"] for q in quotes(nlp, text)] == [content]


def test_quotes_subject_that_cannot_speak_is_no_source(nlp):
    text = "The offensive stalled near the river, suggesting the front has frozen for the winter."
    assert quotes(nlp, text) == []


def test_quotes_demand_addressed_to_someone(nlp):
    found = quotes(nlp, "The Pope urged both armies to lay down their weapons before Easter.")
    assert [(q["text"], q["speaker"]) for q in found] == [("both armies to lay down their weapons before Easter", "Pope")]


def test_quotes_anonymous_source_without_its_relative_clause(nlp):
    found = quotes(nlp, "The plan was dismissed by a regional governor, who described it as “a surrender”.")
    assert [(q["text"], q["speaker"]) for q in found] == [("a surrender", "a regional governor")]


@pytest.mark.parametrize(
    "text, content",
    [
        # the parser hangs the "that"-clause on the object or the prepositional phrase
        ("The governor assured farmers that the dam would hold through the floods.",
         "the dam would hold through the floods"),
        # the prepositional cue hangs on an intervening phrase
        ("The bishop has called on several occasions for a truce in the valley.",
         "a truce in the valley"),
        # a gerund after the particle of a phrasal cue
        ("The council has ruled out again selling the harbour to foreign investors.",
         "selling the harbour to foreign investors"),
    ],
)
def test_quotes_content_the_parser_attached_elsewhere(nlp, text, content):
    assert [q["text"] for q in quotes(nlp, text)] == [content]


def test_quotes_quoted_fragment_ending_a_reported_clause_is_one_quote(nlp):
    found = quotes(nlp, "The ombudsman told lawmakers on Monday that the new rules were “a step backwards.”")
    assert len(found) == 1 and found[0]["kind"] == "indirect"
    assert found[0]["text"].startswith("the new rules were “a step backwards")


def test_quotes_quote_without_cue_inherits_previous_speaker(nlp):
    text = "“We are ready to talk,” Antonio Guterres said on Friday. “The question is whether Moscow is ready as well.”"
    found = quotes(nlp, text)
    assert [q["speaker"] for q in found] == ["Antonio Guterres", "Antonio Guterres"]


def test_quotes_unbalanced_marks_keep_other_quotes(nlp):
    text = (
        "The envoy” left early. “Nothing has been agreed,” Antonio Guterres said. "
        "Officials in Geneva said the next round would start in May. Then “the talks"
    )
    found = quotes(nlp, text)
    assert [q["text"] for q in found if q["kind"] == "direct"] == ["Nothing has been agreed,"]
    assert any(q["kind"] == "indirect" and q["text"].startswith("the next round") for q in found)


@pytest.mark.parametrize(
    "text,content,speaker",
    [
        ("The grain corridor will be reopened next week, said Antonio Guterres.", "The grain corridor will be reopened next week", "Antonio Guterres"),
        ("The offensive had stalled near the river, as reported by two Polish officials.", "The offensive had stalled near the river", "two Polish officials"),
        ("According to the Pentagon, the shipment of shells arrived in March.", "the shipment of shells arrived in March", "Pentagon"),
    ],
)
def test_quotes_inverted_and_passive_attribution(nlp, text, content, speaker):
    found = quotes(nlp, text)
    assert len(found) == 1
    assert found[0]["kind"] == "indirect"
    assert found[0]["text"] == content
    assert found[0]["speaker"] == speaker


def test_quotes_apposition_names_the_speaker(nlp):
    found = quotes(nlp, "Mark Rutte, the secretary general of Nato, said the alliance would stand firm in the east.")
    assert found[0]["speaker"] == "Mark Rutte"
    assert found[0]["speaker_text"] == "Mark Rutte"
    assert found[0]["text"] == "the alliance would stand firm in the east"


def test_quotes_pronoun_resolved_across_sentences(nlp):
    text = (
        "Emmanuel Macron arrived in Warsaw on Tuesday for a meeting on air defence. "
        "He said that Europe must prepare for a long confrontation."
    )
    found = quotes(nlp, text)
    assert found[0]["speaker"] == "Emmanuel Macron"
    assert found[0]["speaker_kind"] == "named"
    assert found[0]["speaker_text"] == "He"


def test_quotes_pronoun_respects_gender(nlp):
    text = (
        "Ms Baerbock arrived in Kyiv after Mr Kuleba had left for Brussels. "
        "She said that Germany would send more air defence systems."
    )
    found = quotes(nlp, text)
    assert found[0]["speaker"] == "Baerbock"


def test_quotes_pronoun_picks_previous_anonymous_speaker(nlp):
    text = (
        "A senior European diplomat said the sanctions package was ready. "
        "He said that the vote would take place on Friday."
    )
    found = quotes(nlp, text)
    assert [q["speaker_kind"] for q in found] == ["anonymous", "anonymous"]
    assert found[1]["speaker"] == "A senior European diplomat"


def test_quotes_title_resolved_to_named_person(nlp):
    text = (
        "Foreign Minister Sergei Lavrov arrived in Ankara on Monday. "
        "The foreign minister said that Moscow would not withdraw its troops."
    )
    found = quotes(nlp, text)
    assert found[0]["speaker"] == "Sergei Lavrov"


@pytest.mark.parametrize(
    "text,speaker",
    [
        ("Two U.S. officials said the convoy had been delayed by fuel shortages.", "Two U.S. officials"),
        ("A senior diplomat from the West told reporters that the summit had failed.", "A senior diplomat from the West"),
        ("Western officials believe the Kremlin is preparing a spring offensive.", "Western officials"),
    ],
)
def test_quotes_anonymous_sources_keep_their_noun_phrase(nlp, text, speaker):
    found = quotes(nlp, text)
    assert found[0]["speaker_kind"] == "anonymous"
    assert found[0]["speaker"] == speaker


def test_quotes_mixed_quote_is_one_indirect_quote(nlp):
    text = "Antonio Guterres said the strike on the dam was “a clear violation of international law” and had to stop."
    found = quotes(nlp, text)
    assert len(found) == 1
    assert found[0]["kind"] == "indirect"
    assert "“a clear violation of international law”" in found[0]["text"]


def test_quotes_set_off_term_is_not_a_quote(nlp):
    assert quotes(nlp, "Leaders of the so-called “coalition of the willing” met in London on Thursday.") == []


def test_quotes_word_the_source_used_is_a_quote(nlp):
    found = quotes(nlp, "Western officials described the front line as a “meat grinder” on Tuesday.")
    assert len(found) == 1
    assert found[0]["text"] == "meat grinder"
    assert found[0]["speaker_kind"] == "anonymous"


def test_quotes_joint_statement_first_named_speaker(nlp):
    found = quotes(nlp, "Olaf Scholz and Emmanuel Macron said that Europe would keep supporting Kyiv.")
    assert len(found) == 1
    assert found[0]["speaker"] == "Olaf Scholz"


@pytest.mark.parametrize(
    "text,content,cue",
    [
        ("Poland accused Russia of sabotaging the grain deal.", "Russia of sabotaging the grain deal", "accused"),
        ("Antonio Guterres called for an immediate ceasefire in the region.", "an immediate ceasefire in the region", "called for"),
        ("Volodymyr Zelensky insisted on firm security guarantees from the West.", "firm security guarantees from the West", "insisted on"),
    ],
)
def test_quotes_noun_phrase_speech_acts(nlp, text, content, cue):
    found = quotes(nlp, text)
    assert len(found) == 1
    assert found[0]["text"] == content
    assert found[0]["cue"] == cue


@pytest.mark.parametrize(
    "text",
    [
        "Analysts could not predict when the fighting would end.",  # indirect question
        "When can we expect the talks in Istanbul to begin?",  # the writer's own voice
    ],
)
def test_quotes_unattributed_content_is_not_a_quote(nlp, text):
    assert quotes(nlp, text) == []


def test_quotes_plural_pronoun_takes_previous_group_speaker(nlp):
    text = "Western officials said the corridor was safe for cargo ships. They added that the first convoy would sail on Monday."
    found = quotes(nlp, text)
    assert [q["speaker"] for q in found] == ["Western officials", "Western officials"]
    assert found[1]["speaker_text"] == "They"


@pytest.mark.parametrize(
    "text, content, speaker, cue",
    [
        ("Lithuania accused Belarus of staging the border incident.",
         "Belarus of staging the border incident", "Lithuania", "accused"),
        ("The foreign ministry branded the proposal a provocation.",
         "the proposal a provocation", "The foreign ministry", "branded"),
        ("The Pope urged both sides to agree a Christmas truce.",
         "both sides to agree a Christmas truce", "Pope", "urged"),
        # the object and its infinitive are kept whole
        ("The Czech senator called for five neutral states to be monitors of any truce.",
         "five neutral states to be monitors of any truce", "The Czech senator", "called for"),
        ("The mayor called on both armies to open a corridor for the wounded.",
         "both armies to open a corridor for the wounded", "The mayor", "called on"),
    ],
)
def test_quotes_noun_phrase_speech_acts_whole(nlp, text, content, speaker, cue):
    found = quotes(nlp, text)
    assert [(q["text"], q["speaker"], q["cue"]) for q in found] == [(content, speaker, cue)]


@pytest.mark.parametrize(
    "text, content, speaker",
    [
        ("Zelensky: Ukraine ready to host talks on the grain corridor\n\nThe meeting is planned for May.",
         "Ukraine ready to host talks on the grain corridor", "Volodymyr Zelensky"),
        ("Ceasefire must come before any vote on borders – Kremlin\n\nOfficials gave no details.",
         "Ceasefire must come before any vote on borders", "Kremlin"),
        ("Grain corridor talks will resume next month, Erdoğan says\n\nOfficials gave no details.",
         "Grain corridor talks will resume next month", "Recep Tayyip Erdoğan"),
    ],
)
def test_quotes_headline_attribution(nlp, text, content, speaker):
    found = [q for q in quotes(nlp, text) if q["text"] == content]
    assert found and found[0]["speaker"] in (speaker, speaker.split()[-1])


def test_quotes_title_case_headline_is_read_in_sentence_case(nlp):
    text = "Kremlin Rules Out Returning Annexed Regions In Future Peace Talks\n\nThe Kremlin repeated its position."
    found = quotes(nlp, text)
    assert [(q["text"], q["speaker"]) for q in found][:1] == [
        ("Returning Annexed Regions In Future Peace Talks", "Kremlin")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Prospects for Peace: What the Summit in Geneva Could Bring\n\nThe summit opens on Monday.",
        "Ukraine war: the long road to the negotiating table\n\nThe summit opens on Monday.",
    ],
)
def test_quotes_headline_label_is_no_source(nlp, text):
    assert quotes(nlp, text) == []


def test_quotes_journalists_question_is_not_a_statement(nlp):
    text = (
        "Asked about reports of a new offensive in the south, the general declined to comment. "
        "Asked whether the talks would resume, Dmitry Peskov said the Kremlin was waiting for a reply from Kyiv."
    )
    found = quotes(nlp, text)
    assert [(q["text"], q["speaker"]) for q in found] == [
        ("the Kremlin was waiting for a reply from Kyiv", "Dmitry Peskov")
    ]


def test_quotes_speech_verb_subject_over_according_to(nlp):
    text = "According to diplomatic sources, presidential aide Olena Marchuk said the swap would happen soon."
    found = quotes(nlp, text)
    assert [(q["text"], q["speaker"]) for q in found] == [("the swap would happen soon", "Olena Marchuk")]


@pytest.mark.parametrize(
    "text, content, speaker, speaker_kind",
    [
        # a short label before a colon names the source of the quote after it
        ("Communique: “The parties will meet again in Geneva before the end of June.”",
         "The parties will meet again in Geneva before the end of June.", "Communique", "anonymous"),
        # "For X, …" is X's view
        ("For Olena Marchuk, the new corridor will not survive the first winter storms.",
         "the new corridor will not survive the first winter storms", "Olena Marchuk", "named"),
        # an adjective of stance with its object
        ("The envoy is sceptical of a summit held without the two warring parties.",
         "a summit held without the two warring parties", "The envoy", "anonymous"),
        # a joint document speaks for no one party
        ("A joint Polish-Lithuanian statement called for new sanctions on Minsk.",
         "new sanctions on Minsk", "A joint Polish-Lithuanian statement", "anonymous"),
    ],
)
def test_quotes_sources_of_labels_views_and_documents(nlp, text, content, speaker, speaker_kind):
    found = quotes(nlp, text)
    assert [(q["text"], q["speaker"], q["speaker_kind"]) for q in found] == [(content, speaker, speaker_kind)]


def test_quotes_rules_named_in_evidence(nlp):
    doc = nlp("The minister said the bridge would reopen. Lithuania accused Belarus of staging the incident.")
    assert [(s._.cue_rule, s._.speaker_rule) for s in doc.spans[QUOTES_KEY]] == [
        ("reported_clause", "anonymous"), ("accusation", "entity")
    ]


# ----------------------------------------------------------------- component


def test_quotes_component_serialises(nlp, tmp_path):
    component = nlp.get_pipe("parley_quotes")
    assert isinstance(component, QuoteExtractor)
    component.to_disk(tmp_path / "quotes")
    other = QuoteExtractor(nlp, "copy", cues_path="")
    other.from_disk(tmp_path / "quotes")
    assert other.lexicon.speech_verbs == component.lexicon.speech_verbs


def test_quotes_lexicon_unknown_key_names_file_and_key(tmp_path):
    from pipeline.components.lexicon import LexiconError

    bad = tmp_path / "quotes.yml"
    bad.write_text(CUES.read_text(encoding="utf-8") + "\nspeach_verbs: [say]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="speach_verbs") as err:
        QuoteLexicon.from_yaml(bad)
    assert str(bad) in str(err.value)


def test_quotes_component_on_empty_text(nlp):
    assert quotes(nlp, "") == []
