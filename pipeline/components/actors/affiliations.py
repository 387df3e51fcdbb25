"""Affiliations: the institution and country each actor of an article speaks for.

``actor_info`` builds ``doc._.actor_info``: in-document canonical name →
``{"actor_id", "label", "gender", "affiliation", "country"}``. Its rules, in order
(a later rule only fills what an earlier one left empty):

1. ``registry``: what ``configs/actors.yml`` says of a registry actor (gender,
   affiliation, country; an institution's or place's affiliation is itself, a
   registry place without a country is a country);
2. ``own_name``: an organisation or place the registry does not know is its own
   affiliation; a place is its own country; an organisation whose name holds a
   nationality or a place ("Turkish foreign ministry") is of that country;
3. ``description``: the words that describe a person in the text: the title before
   the name ("Russian Foreign Minister Sergei Lavrov", "Kremlin spokesman Dmitry
   Peskov") or a phrase in apposition ("Dmitry Peskov, the Kremlin spokesman";
   "Adrienne Watson, spokesperson for the National Security Council"). An
   organisation named there is the affiliation, when the words hold a title word; a
   nationality or a place there gives the country; neither counts when it names the
   other party of a relation ("Ukraine's ally, …");
4. ``honorific``: "Mr", "Ms" … before a mention give the gender;
5. ``affiliation_country``: a person with an affiliation but no country takes the
   affiliation's country.

``affiliation_spans`` keeps, for a stretch of text that is no named actor, what its
organisations, places and nationality words tell (``doc._.affiliation_spans``);
``describe_span`` reads it for an anonymous source ("Kremlin officials", "a Russian
diplomat"). A word that names the other party of a relation ("Kyiv's allies")
tells nothing, in a description or there.
"""
from __future__ import annotations

from spacy.tokens import Doc, Span, Token

from .registry import Registry

MODIFIER_DEPS = ("compound", "amod", "nmod", "poss", "case", "det")
NESTED_DEPS = ("appos", "relcl", "acl")


def actor_info(doc: Doc, actors: list[Span], registry: Registry) -> dict[str, dict[str, str]]:
    """The info of every actor of the document (``actors``: its actor mentions, with
    ``_.canonical`` and ``_.actor_id`` set), by the rules in the module docstring."""
    info: dict[str, dict[str, str]] = {}
    mentions_of: dict[str, list[Span]] = {}
    for ent in actors:
        mentions_of.setdefault(ent._.canonical, []).append(ent)
        if ent._.canonical not in info:
            info[ent._.canonical] = _from_registry(ent, registry) or _from_own_name(ent, registry)
    ent_at = {t.i: ent for ent in actors for t in ent}
    for canonical, mentions in mentions_of.items():
        entry = info[canonical]
        if entry["label"] != "PERSON":
            continue
        for mention in mentions:
            affiliation, country = _from_description(mention, ent_at, info, registry)
            entry["affiliation"] = entry["affiliation"] or affiliation
            entry["country"] = entry["country"] or country
            entry["gender"] = entry["gender"] or _honorific_gender(mention, registry)
        if entry["affiliation"] and not entry["country"]:
            entry["country"] = _country_of_affiliation(entry["affiliation"], info, registry)
    return info


def affiliation_spans(doc: Doc, actors: list[Span], info: dict[str, dict[str, str]],
                      registry: Registry) -> list[list]:
    """What each stretch of the text tells of whom it belongs to, for sources that are
    no named actor: ``[start_char, end_char, affiliation, country]`` for every
    organisation mention (itself, its country), place mention (its country) and
    nationality word. A mention that names the other party of a relation ("Kyiv's
    allies", "Russia's critics": ``registry.relational_nouns``) tells nothing."""
    out = []
    for ent in actors:
        entry = info.get(ent._.canonical)
        if entry is None or entry["label"] == "PERSON" or _about_others(ent.root, registry):
            continue
        affiliation = entry["affiliation"] if entry["label"] == "ORG" else ""
        out.append([ent.start_char, ent.end_char, affiliation, entry["country"]])
    for token in doc:
        if token.text in registry.nationalities and not _about_others(token, registry):
            out.append([token.idx, token.idx + len(token.text), "", registry.nationalities[token.text]])
    return sorted(out)


def describe_span(doc: Doc, start_char: int, end_char: int) -> tuple[str, str]:
    """(affiliation, country) that the words between two character offsets tell, from
    ``doc._.affiliation_spans``: the first organisation there is the affiliation; the
    first country there, the country. ("", "") when they tell nothing."""
    inside = [(a, c) for s, e, a, c in doc._.affiliation_spans if s >= start_char and e <= end_char]
    return next((a for a, _ in inside if a), ""), next((c for _, c in inside if c), "")


def _about_others(token: Token, registry: Registry) -> bool:
    """Whether a word modifies a relational noun, whose other party it names ("Kyiv's
    allies" are not Ukraine)."""
    return token.dep_ in ("poss", "compound", "amod") and token.head.lemma_.lower() in registry.relational_nouns


def _entry(ent: Span, gender: str = "", affiliation: str = "", country: str = "") -> dict[str, str]:
    return {"actor_id": ent._.actor_id or ent._.canonical, "label": ent.label_, "gender": gender,
            "affiliation": affiliation, "country": country}


def _from_registry(ent: Span, registry: Registry) -> dict[str, str] | None:
    known = registry.actors.get(ent._.actor_id)
    if known is None:
        return None
    own = ent._.actor_id if known["label"] != "PERSON" else ""
    return _entry(ent, known["gender"], known["affiliation"] or own, registry.country_of(ent._.actor_id))


def _from_own_name(ent: Span, registry: Registry) -> dict[str, str]:
    if ent.label_ == "GPE":
        return _entry(ent, affiliation=ent._.canonical, country=ent._.canonical)
    if ent.label_ == "ORG":
        return _entry(ent, affiliation=ent._.canonical, country=_country_in_words(list(ent), registry))
    return _entry(ent)


def _country_in_words(tokens: list[Token], registry: Registry) -> str:
    """The country a nationality word or a registry place among ``tokens`` names."""
    for token in tokens:
        if token.text in registry.nationalities:
            return registry.nationalities[token.text]
    text = " ".join(t.text for t in tokens)
    for canonical, known in registry.actors.items():
        if known["label"] == "GPE" and any(f" {form} " in f" {text} " for form in [canonical, *known["aliases"]]):
            return registry.country_of(canonical)
    return ""


def describing_words(mention: Span) -> list[Token]:
    """The words that describe a person where it is named: the modifiers before the
    name ("Russian Foreign Minister …") and a phrase in apposition with it, with any
    "of"/"for" phrase ("…, spokesperson for the National Security Council")."""
    doc = mention.doc
    if not doc.has_annotation("DEP"):
        return []
    words: list[Token] = []
    j = mention.start - 1
    while j >= 0 and mention.start <= doc[j].head.i < mention.end and doc[j].dep_ in MODIFIER_DEPS:
        words.extend(doc[j].subtree)
        j = doc[j].left_edge.i - 1
    root = mention.root
    linked = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        linked.append(root.head)
    for token in linked:
        # not the phrases nested in it: another apposition, a relative clause
        nested = {d.i for t in token.subtree if t != token and t.dep_ in NESTED_DEPS for d in t.subtree}
        words.extend(t for t in token.subtree if not (mention.start <= t.i < mention.end) and t.i not in nested)
    return words


def _from_description(mention: Span, ent_at: dict[int, Span], info: dict[str, dict[str, str]],
                      registry: Registry) -> tuple[str, str]:
    words = describing_words(mention)
    if not words:
        return "", ""
    titled = any(w.lemma_.lower() in registry.title_words or w.lower_ in registry.title_words for w in words)
    affiliation = country = ""
    # a word naming the other party of a relation ("Kyiv's allies") tells nothing
    words = [w for w in words if not _about_others(ent_at[w.i].root if w.i in ent_at else w, registry)]
    for word in words:
        ent = ent_at.get(word.i)
        if ent is None or ent._.canonical == mention._.canonical:
            continue
        entry = info.get(ent._.canonical)
        if entry is None or entry["label"] == "PERSON":
            continue
        if entry["label"] == "ORG" and titled and not affiliation:
            affiliation = entry["affiliation"] or ent._.canonical
        country = country or entry["country"]
    country = country or _country_in_words(words, registry)
    return affiliation, country


def _honorific_gender(mention: Span, registry: Registry) -> str:
    doc = mention.doc
    for token in (doc[mention.start - 1] if mention.start > 0 else None, mention[0]):
        if token is not None and token.lower_.rstrip(".") in registry.honorifics:
            return registry.honorifics[token.lower_.rstrip(".")]
    return ""


def _country_of_affiliation(affiliation: str, info: dict[str, dict[str, str]], registry: Registry) -> str:
    for entry in info.values():
        if entry["label"] != "PERSON" and (entry["actor_id"] == affiliation or entry["affiliation"] == affiliation):
            if entry["country"]:
                return entry["country"]
    return registry.country_of(affiliation)
