"""Every parley ``@Language.factory`` registration, in one place.

A factory name in ``configs/default.cfg`` traces to exactly one function here; the
component classes live in the stage modules beside this file.
"""
import re

from spacy.language import Language

from . import extensions  # noqa: F401  (registers the Doc/Span extensions)
from .actors import ActorLinker
from .dates import DateStage
from .paragraphs import mark_sentence_starts
from .quotes import QuoteExtractor
from .stance import StanceClassifier


@Language.factory(
    "parley_paragraphs",
    assigns=["token.is_sent_start"],
    default_config={"min_newlines": 2, "dateline_pattern": ""},
)
def make_paragraphs(nlp: Language, name: str, min_newlines: int, dateline_pattern: str):
    dateline = re.compile(dateline_pattern, re.MULTILINE) if dateline_pattern else None
    return lambda doc: mark_sentence_starts(doc, min_newlines, dateline)


@Language.factory(
    "parley_actors",
    assigns=["doc.ents", "span._.canonical"],
    default_config={"registry_path": "configs/actors.yml", "context_labels": ["DATE", "TIME", "EVENT", "LAW"]},
)
def make_actors(nlp: Language, name: str, registry_path: str, context_labels: list[str]) -> ActorLinker:
    return ActorLinker(nlp, name, registry_path=registry_path, context_labels=context_labels)


@Language.factory(
    "parley_quotes",
    assigns=["doc.spans"],
    requires=["doc.ents", "span._.canonical"],
    default_config={"cues_path": "configs/quotes.yml"},
)
def make_quotes(nlp: Language, name: str, cues_path: str) -> QuoteExtractor:
    return QuoteExtractor(nlp, name, cues_path=cues_path)


@Language.factory(
    "parley_dates",
    assigns=["doc.spans", "span._.date_value", "span._.date_rule"],
    default_config={"settings_path": "configs/dates.yml"},
)
def make_dates(nlp: Language, name: str, settings_path: str) -> DateStage:
    return DateStage(nlp, name, settings_path=settings_path)


@Language.factory(
    "parley_stance",
    assigns=["span._.stance", "span._.stance_probs", "span._.stance_evidence", "span._.stance_confidence"],
    requires=["doc.spans"],
    default_config={"lexicon_path": "configs/stance.yml", "model_path": "", "override_rules": [],
                    "evidence_features": 3},
)
def make_stance(nlp: Language, name: str, lexicon_path: str, model_path: str, override_rules: list[str],
                evidence_features: int) -> StanceClassifier:
    return StanceClassifier(nlp, name, lexicon_path=lexicon_path, model_path=model_path,
                            override_rules=override_rules, evidence_features=evidence_features)
