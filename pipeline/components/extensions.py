"""Every Doc/Span extension parley uses, registered once.

Results travel between stages on the Doc: entity spans in ``doc.ents``, quotes in
``doc.spans["quotes"]``, dates in ``doc.spans["dates"]``. Extension values are plain
str/int/float so a Doc survives ``DocBin`` and being sent to another process.
"""
from spacy.tokens import Doc, Span

QUOTES_KEY = "quotes"
DATES_KEY = "dates"

DOC_EXTENSIONS = {
    "doc_id": "",
    # publication date from the manifest, "YYYY-MM-DD" or ""
    "published": "",
    # the date relative expressions resolve against, "YYYY-MM-DD" or ""
    "anchor": "",
    # where the anchor came from: "manifest", "dateline" or "none"
    "anchor_source": "none",
    # actors: in-document canonical name → {"actor_id", "label", "gender" ("m"/"f"/""),
    # "affiliation", "country"} (components/actors/affiliations.py); always a new dict
    "actor_info": {},
    # actors: what organisation, place and nationality mentions tell of a speaker there,
    # [[start_char, end_char, affiliation, country], …] (components/actors/affiliations.py)
    "affiliation_spans": [],
}

SPAN_EXTENSIONS = {
    # actors: the entity's canonical name in this document (on doc.ents)
    "canonical": "",
    # actors: the same actor across documents: the registry's canonical name when the
    # registry knows the actor, else the in-document canonical name
    "actor_id": "",
    # quotes (on doc.spans["quotes"])
    "quote_id": "",
    "quote_kind": "",  # "direct" | "indirect"
    "cue": "",
    "cue_rule": "",  # the cue rule that found the quote (quotes.cues.CUE_RULES …)
    "speaker_rule": "",  # the speaker rule that decided (quotes.speakers.SPEAKER_RULES)
    "speaker": "",
    "speaker_kind": "unresolved",  # "named" | "anonymous" | "unresolved"
    "speaker_start": -1,
    "speaker_end": -1,
    # stance (on doc.spans["quotes"])
    "stance": "neutral",  # "support" | "oppose" | "conditional" | "neutral"
    "stance_evidence": "",
    # stance: the statement model's probability per stance ({} when the rules decide alone)
    "stance_probs": {},
    "stance_confidence": 0.0,
    # dates (on doc.spans["dates"])
    "date_value": "",
    "date_granularity": "",
    "date_mod": "",
    "date_range_start": "",
    "date_range_end": "",
    "date_rule": "",  # the normalisation rule that decided (dates/rules.py)
}


def register_extensions() -> None:
    """Register the extensions; safe to call more than once."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()
