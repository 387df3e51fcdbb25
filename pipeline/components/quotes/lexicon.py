"""The quotes stage's word lists and settings, read from ``configs/quotes.yml``.

Every closed word list and window size the rules use is here, under the name it
has in the YAML file; the code holds none of its own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..lexicon import LexiconSchema, load_lexicon, register_schema

_WORDS = ("speech_verbs", "cognition_verbs", "weak_verbs", "xcomp_verbs", "object_xcomp_verbs", "object_verbs",
          "naming_verbs", "object_complement_verbs", "passive_source_verbs", "source_phrases", "non_source_heads",
          "group_nouns", "medium_nouns", "question_words", "question_cues",
          "content_nouns", "cue_adjectives", "relative_pronouns", "seeming_verbs", "agent_prepositions", "quoting_verbs",
          "direct_quote_verbs", "reaction_verbs", "share_words", "former_words", "joint_words", "contrast_marks", "refusal_verbs",
          "question_leads", "shared_roles", "quantifier_sources", "speech_nouns", "definite_determiners", "indefinite_determiners",
          "viewpoint_prepositions", "viewpoint_labels", "passive_object_verbs",
          "relaying_cue_rules", "inference_verbs",
          "speaker_labels", "person_labels", "group_labels")
_MAPS = ("antecedent_weights", "role_synonyms", "prep_cues", "object_prep_cues", "adjective_prep_cues", "gendered_nouns", "double_marks", "single_marks", "windows")
_NUMBERS = ("min_direct_words", "inherit_window", "pronoun_window")

# The keys configs/quotes.yml may hold; nlp.check_config checks the file against it.
SCHEMA = LexiconSchema(
    required={"speech_verbs": list, "cognition_verbs": list, "pronouns": dict},
    optional={**{k: list for k in _WORDS if k not in ("speech_verbs", "cognition_verbs")},
              **{k: dict for k in _MAPS}, **{k: int for k in _NUMBERS}},
)
register_schema("parley_quotes", "cues_path", SCHEMA)


def _lower_set(values) -> set[str]:
    return {str(v).lower() for v in values or []}


def _lower_map_of_sets(values) -> dict[str, set[str]]:
    return {str(k).lower(): _lower_set(v) for k, v in (values or {}).items()}


def _lower_map_of_lists(values) -> dict[str, list[str]]:
    return {str(k).lower(): [str(w).lower() for w in v or []] for k, v in (values or {}).items()}


@dataclass
class RegistryWords:
    """What the quotes stage reads from the actor registry (``configs/actors.yml``, the
    actors stage's ``registry``): the one list of title words, the honorifics with the
    gender they tell ("m", "f", ""), the offices with their holders by date, and the
    nationality words with their country."""

    title_words: set[str] = field(default_factory=set)
    honorifics: dict[str, str] = field(default_factory=dict)
    roles: list[dict] = field(default_factory=list)
    nationalities: dict[str, str] = field(default_factory=dict)  # "Hungarian" → "Hungary"

    @classmethod
    def of(cls, registry) -> "RegistryWords":
        """From an actor ``Registry`` (None: no actors stage, no words)."""
        if registry is None:
            return cls()
        return cls(set(registry.title_words), dict(registry.honorifics), list(registry.roles),
                   dict(getattr(registry, "nationalities", {}) or {}))


@dataclass
class QuoteLexicon:
    """Cue words and settings of the quotes stage.

    ``raw`` is the parsed YAML mapping, kept so the component can save and restore it;
    ``registry`` the words read from the actor registry.
    """

    raw: dict = field(default_factory=dict)
    registry: RegistryWords = field(default_factory=RegistryWords)

    def __post_init__(self) -> None:
        r = self.raw
        low = lambda key: _lower_set(r.get(key))  # noqa: E731
        self.speech_verbs = low("speech_verbs")
        self.cognition_verbs = low("cognition_verbs")
        self.clause_verbs = self.speech_verbs | self.cognition_verbs
        self.weak_verbs = low("weak_verbs")
        self.xcomp_verbs = low("xcomp_verbs")
        self.object_xcomp_verbs = low("object_xcomp_verbs")
        self.object_verbs = low("object_verbs")
        self.naming_verbs = low("naming_verbs")
        self.object_complement_verbs = low("object_complement_verbs")
        self.passive_object_verbs = low("passive_object_verbs")
        self.passive_source_verbs = low("passive_source_verbs")
        self.prep_cues = _lower_map_of_lists(r.get("prep_cues"))  # in order of preference
        self.object_prep_cues = _lower_map_of_sets(r.get("object_prep_cues"))
        self.adjective_prep_cues = _lower_map_of_sets(r.get("adjective_prep_cues"))
        # every verb some cue rule reads (a second one ends the content of the first)
        self.cue_verbs = (self.clause_verbs | self.xcomp_verbs | self.object_xcomp_verbs | self.object_verbs
                          | self.object_complement_verbs | set(self.prep_cues) | set(self.object_prep_cues))
        self.source_phrases = [tuple(str(w).lower() for w in p) for p in r.get("source_phrases") or []]
        self.non_source_heads = low("non_source_heads")
        self.role_synonyms = _lower_map_of_sets(r.get("role_synonyms"))
        self.role_words = {w.lower() for w in self.registry.title_words} | set(self.role_synonyms)
        self.group_nouns = low("group_nouns")
        self.medium_nouns = low("medium_nouns")
        self.question_words = low("question_words")
        self.question_cues = low("question_cues")
        self.content_nouns = low("content_nouns")
        self.cue_adjectives = low("cue_adjectives")
        self.relative_pronouns = low("relative_pronouns")
        self.seeming_verbs = low("seeming_verbs")
        self.agent_prepositions = low("agent_prepositions")
        self.quoting_verbs = low("quoting_verbs")
        self.direct_quote_verbs = low("direct_quote_verbs")
        self.reaction_verbs = low("reaction_verbs")
        self.share_words = low("share_words")
        self.former_words = low("former_words")
        self.joint_words = low("joint_words")
        self.contrast_marks = low("contrast_marks")
        self.refusal_verbs = low("refusal_verbs")
        self.question_leads = low("question_leads")
        self.shared_roles = low("shared_roles")
        self.quantifier_sources = low("quantifier_sources")
        self.speech_nouns = low("speech_nouns")
        self.definite_determiners = low("definite_determiners")
        self.indefinite_determiners = low("indefinite_determiners")
        self.viewpoint_prepositions = low("viewpoint_prepositions")
        self.viewpoint_labels = set(r.get("viewpoint_labels") or [])
        self.inference_verbs = low("inference_verbs")
        self.relaying_cue_rules = set(r.get("relaying_cue_rules") or [])
        self.antecedent_weights = {str(k): float(v) for k, v in (r.get("antecedent_weights") or {}).items()}
        self.honorifics = dict(self.registry.honorifics)
        self.gendered_nouns = {str(k).lower(): v for k, v in (r.get("gendered_nouns") or {}).items()}
        self.pronouns = {str(k).lower(): v for k, v in (r.get("pronouns") or {}).items()}
        self.speaker_labels = set(r.get("speaker_labels") or ["PERSON", "ORG", "GPE"])
        self.person_labels = set(r.get("person_labels") or ["PERSON"])
        self.group_labels = set(r.get("group_labels") or ["ORG", "GPE"])
        dm, sm = r.get("double_marks") or {}, r.get("single_marks") or {}
        self.double_open = set(dm.get("open", ["“", "«", "„"]))
        self.double_close = set(dm.get("close", ["”", "»"]))
        self.double_same = set(dm.get("same", ['"']))
        self.single_open = set(sm.get("open", ["‘"]))
        self.single_close = set(sm.get("close", ["’"]))
        self.single_same = set(sm.get("same", ["'"]))
        self.all_marks = (
            self.double_open | self.double_close | self.double_same
            | self.single_open | self.single_close | self.single_same
        )
        windows = r.get("windows") or {}
        self.min_direct_words = int(r.get("min_direct_words", 4))
        self.inherit_window = int(r.get("inherit_window", 400))
        self.pronoun_window = int(r.get("pronoun_window", 6))
        self.single_quote_max_chars = int(windows.get("single_quote_max_chars", 600))
        self.attribution_max_tokens = int(windows.get("attribution_max_tokens", 8))
        self.attribution_scan_tokens = int(windows.get("attribution_scan_tokens", 10))
        self.lead_in_tokens = int(windows.get("lead_in_tokens", 12))
        self.anonymous_max_tokens = int(windows.get("anonymous_max_tokens", 12))
        self.object_min_words = int(windows.get("object_min_words", 3))
        self.subject_gap_tokens = int(windows.get("subject_gap_tokens", 12))
        self.label_max_words = int(windows.get("label_max_words", 4))
        self.title_case_share = float(windows.get("title_case_share", 0.8))
        self.headline_max_tokens = int(windows.get("headline_max_tokens", 30))
        self.headline_source_max_words = int(windows.get("headline_source_max_words", 4))

    @classmethod
    def from_yaml(cls, path: str | Path, registry: RegistryWords | None = None,
                  stage: str = "parley_quotes") -> "QuoteLexicon":
        """Read and check a lexicon file (``pipeline.components.lexicon``).

        Args:
            path: a YAML file shaped like ``configs/quotes.yml``.
            registry: the words read from the actor registry (none when None).
            stage: the component's name, for error messages.

        Returns:
            The lexicon.

        Raises:
            LexiconError: the file is missing or malformed, or holds an unknown key.
        """
        return cls(load_lexicon(path, SCHEMA, stage=stage), registry or RegistryWords())
