"""The actor registry (``configs/actors.yml``): known actors, offices by date, and the
word lists of the actors stage.

It is also the one home of the title words: ``Registry.title_words`` (role nouns a
person is named by: "minister", "spokesman", "negotiator") and ``Registry.honorifics``
("mr" → "m"). Other stages read them from here, e.g. the quotes stage through the
actors component: ``nlp.get_pipe("parley_actors").registry.title_words``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..lexicon import LexiconError, LexiconSchema, load_lexicon, register_checker, register_schema

ROLE_PREFIX = "role:"
GENDER_CODES = {"m": "m", "f": "f", "he": "m", "she": "f", "male": "m", "female": "f"}

# The keys configs/actors.yml may hold; nlp.check_config checks the file against it.
REGISTRY_SCHEMA = LexiconSchema(optional={
    "actors": list, "roles": list, "title_words": list, "honorifics": dict, "title_modifiers": list,
    "nationalities": dict, "relational_nouns": list, "never_actors": list, "org_suffixes": list,
    "common_word_lists": list,
})
register_schema("parley_actors", "registry_path", REGISTRY_SCHEMA)
# the keys of one entry of ``actors`` and ``roles``, each with whether it is required
ACTOR_KEYS = {"canonical": True, "label": True, "aliases": False, "gender": False, "affiliation": False, "country": False}
ROLE_KEYS = {"titles": True, "holders": True}
HOLDER_KEYS = {"actor": True, "start": False, "end": False}
LABELS = ("PERSON", "ORG", "GPE")


def gender_code(value: str | None) -> str:
    """"m", "f" or "" for a gender as the registry or a lexicon writes it (he/she, male/female, m/f)."""
    return GENDER_CODES.get(str(value or "").strip().lower(), "")


@dataclass
class Holder:
    actor: str
    start: str
    end: str

    def holds_on(self, day: str) -> bool:
        return self.start <= day and (not self.end or day < self.end)


@dataclass
class Registry:
    """The actor registry: known actors, offices with holders by date, and word lists.

    Attributes:
        actors: canonical name → {label, aliases, gender ("m"/"f"/""), affiliation, country}.
        roles: offices, each {titles, holders}.
        title_words: role nouns a person is named by, lower-case: the one title list of
            parley (the quotes stage reads it too).
        honorifics: words before a name that are not part of it, lower-case without a
            final dot, → the gender they tell ("m", "f" or "").
        title_modifiers: capitalised words that begin a title and are not part of a
            name ("Foreign" Minister, "Deputy", "former").
        nationalities: nationality adjectives, demonyms and country abbreviations → the
            country ("Russian" → "Russia").
        relational_nouns: nouns whose possessor is the other party ("Kyiv's allies"),
            lower-case lemmas.
        never_actors: words the model mistakes for names that are never an actor.
        org_suffixes: "<name> administration" is an institution.
        common_word_lists: the word lists of the ``english-words`` package that tell a
            common word from a name (see ``mentions.CommonWords``).
    """

    actors: dict[str, dict] = field(default_factory=dict)
    roles: list[dict] = field(default_factory=list)
    title_words: set[str] = field(default_factory=set)
    honorifics: dict[str, str] = field(default_factory=dict)
    title_modifiers: set[str] = field(default_factory=set)
    nationalities: dict[str, str] = field(default_factory=dict)
    relational_nouns: set[str] = field(default_factory=set)
    never_actors: set[str] = field(default_factory=set)
    org_suffixes: set[str] = field(default_factory=set)
    common_word_lists: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict, source: str = "actor registry") -> "Registry":
        """The registry from its file's mapping; LexiconError (naming ``source``, the entry
        and the key) for an entry with an unknown or missing key, a label other than
        PERSON/ORG/GPE or a gender other than m/f."""
        for entry in data.get("actors") or []:
            _check_entry(entry, ACTOR_KEYS, source, "actors")
            if entry["label"] not in LABELS:
                raise LexiconError(f"{source}: actors entry {entry['canonical']!r}: label must be one of "
                                   f"{', '.join(LABELS)}, not {entry['label']!r}")
            if entry.get("gender") and not gender_code(entry["gender"]):
                raise LexiconError(f"{source}: actors entry {entry['canonical']!r}: gender must be m or f, "
                                   f"not {entry['gender']!r}")
        for entry in data.get("roles") or []:
            _check_entry(entry, ROLE_KEYS, source, "roles")
            for holder in entry["holders"]:
                _check_entry(holder, HOLDER_KEYS, source, "roles holder")
        actors = {
            a["canonical"]: {
                "label": a["label"],
                "aliases": list(a.get("aliases") or []),
                "gender": gender_code(a.get("gender")),
                "affiliation": str(a.get("affiliation") or ""),
                "country": str(a.get("country") or ""),
            }
            for a in data.get("actors") or []
        }
        roles = [{"titles": list(r["titles"]), "holders": [dict(h) for h in r["holders"]]} for r in data.get("roles") or []]
        for role in roles:
            for holder in role["holders"]:
                holder["start"], holder["end"] = str(holder.get("start") or ""), str(holder.get("end") or "")
        return cls(
            actors=actors,
            roles=roles,
            title_words={str(w).lower() for w in data.get("title_words") or []},
            honorifics={str(k).lower().rstrip("."): gender_code(v) for k, v in (data.get("honorifics") or {}).items()},
            title_modifiers={str(w) for w in data.get("title_modifiers") or []},
            nationalities={str(k): str(v) for k, v in (data.get("nationalities") or {}).items()},
            relational_nouns={str(w).lower() for w in data.get("relational_nouns") or []},
            never_actors=set(data.get("never_actors") or []),
            org_suffixes={str(w).lower() for w in data.get("org_suffixes") or []},
            common_word_lists=[str(w) for w in data.get("common_word_lists") or []],
        )

    @classmethod
    def from_yaml(cls, path: Path | str, stage: str = "parley_actors") -> "Registry":
        """Read the registry file through the shared lexicon loader (LexiconError if unusable)."""
        return cls.from_dict(load_lexicon(path, REGISTRY_SCHEMA, stage=stage), source=str(path))

    def to_dict(self) -> dict:
        return {
            "actors": [{"canonical": c, **info} for c, info in self.actors.items()],
            "roles": self.roles,
            "title_words": sorted(self.title_words),
            "honorifics": dict(sorted(self.honorifics.items())),
            "title_modifiers": sorted(self.title_modifiers),
            "nationalities": dict(self.nationalities),
            "relational_nouns": sorted(self.relational_nouns),
            "never_actors": sorted(self.never_actors),
            "org_suffixes": sorted(self.org_suffixes),
            "common_word_lists": list(self.common_word_lists),
        }

    @property
    def name_prefixes(self) -> set[str]:
        """Words, as written, that precede a person's name and are not part of it: title
        words capitalised, honorifics with and without their dot, title modifiers and
        nationalities ("Russian Foreign Minister Sergei Lavrov")."""
        words = {w.capitalize() for w in self.title_words}
        for honorific in self.honorifics:
            words |= {honorific.capitalize(), honorific.capitalize() + "."}
        return words | self.title_modifiers | set(self.nationalities)

    def country_of(self, canonical: str) -> str:
        """The country of a registry actor: its own ``country``, else itself for a place
        without one (a country), else ""."""
        info = self.actors.get(canonical)
        if info is None:
            return ""
        if info["country"]:
            return info["country"]
        return canonical if info["label"] == "GPE" else ""

    def holder(self, role_index: int, day: str) -> str:
        """The actor holding office ``role_index`` on ISO date ``day``; "" when unknown.

        Without a date an office resolves only when it has had a single holder.
        """
        holders = [Holder(h["actor"], h["start"], h["end"]) for h in self.roles[role_index]["holders"]]
        if not day:
            return holders[0].actor if len({h.actor for h in holders}) == 1 else ""
        return next((h.actor for h in holders if h.holds_on(day)), "")

    def name_patterns(self) -> list[dict]:
        """SpanRuler phrase patterns for actor names (matched as written)."""
        return [
            {"label": info["label"], "id": canonical, "pattern": form}
            for canonical, info in self.actors.items()
            for form in spelling_variants([canonical, *info["aliases"]])
        ]

    def role_patterns(self) -> list[dict]:
        """SpanRuler phrase patterns for office titles (matched case-insensitively)."""
        return [
            {"label": "PERSON", "id": f"{ROLE_PREFIX}{index}", "pattern": form}
            for index, role in enumerate(self.roles)
            for form in spelling_variants(role["titles"])
        ]


def _check_entry(entry, keys: dict[str, bool], source: str, kind: str) -> None:
    if not isinstance(entry, dict):
        raise LexiconError(f"{source}: each {kind} entry must be a mapping, not {entry!r}")
    name = entry.get("canonical") or entry.get("actor") or entry.get("titles") or entry
    for key in entry:
        if key not in keys:
            raise LexiconError(f"{source}: {kind} entry {name!r}: unknown key {key!r} (allowed: {', '.join(keys)})")
    for key, required in keys.items():
        if required and key not in entry:
            raise LexiconError(f"{source}: {kind} entry {name!r}: missing key {key!r}")


def check_registry_file(path: str) -> None:
    """``nlp.check_config``'s check of ``registry_path``: the whole registry, entries included."""
    Registry.from_yaml(path, stage="[components.parley_actors] registry_path")


register_checker("parley_actors", "registry_path", check_registry_file)


def spelling_variants(forms: list[str]) -> list[str]:
    """Each form with straight and curly apostrophes (news text uses both)."""
    out = []
    for form in forms:
        for variant in (form, form.replace("'", "’"), form.replace("’", "'")):
            if variant not in out:
                out.append(variant)
    return out
