"""The ``parley_stance`` pipeline component: rules, then the statement model, on every quote."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import QUOTES_KEY
from .features import statement_features
from .grammar import quote_context
from ..lexicon import lexicon_from_disk, lexicon_to_disk
from .lexicon import SCHEMA, StanceLexicon, load_lexicon
from .model import StatementModel
from .rules import Statement, Verdict, apply_rules

MODEL_DIR = "model"


# how each kind of feature (features.py) reads in the evidence
_FEATURE_WORDING = {
    "word": "{}", "pair": "{}", "cue": "cue {}", "ctx": "context {}", "rule": "rule {}",
    "rule_stance": "rules say {}", "has": "{} cue", "not": "negated {} cue", "speaker_acts": "speaker's own {}",
    "other_acts": "another actor's {}", "speaker_country": "speaker's country {}", "target": "talks named: {}",
}


def describe(name: str) -> str:
    """A feature name as a reader sees it in the evidence (``word:ceasefire`` → ``ceasefire``,
    ``has:conditions`` → ``conditions cue``)."""
    kind, _, value = name.partition(":")
    wording = _FEATURE_WORDING.get(kind)
    return wording.format(value) if wording else name


class StanceClassifier:
    """Sets ``_.stance``, ``_.stance_probs``, ``_.stance_evidence`` and ``_.stance_confidence`` on quotes.

    Each quote is read once (:class:`Statement`), the rules give their verdict
    (:data:`rules.RULES`), and the statement model turns the verdict and the
    statement's words into a probability per stance; the most probable stance wins,
    except where the deciding rule is one of ``override_rules``. Without a model
    (``model_path = ""``) the rules decide alone.

    Args:
        nlp: the pipeline.
        name: the component name.
        lexicon_path: the stance lexicon, ``configs/stance.yml``.
        model_path: the folder of a model written by ``parley train`` (``models/stance``),
            or ``""`` for the rules alone.
        override_rules: rules whose verdict stands over the model's.
        evidence_features: how many of the model's heaviest features the evidence names.
    """

    def __init__(self, nlp: Language, name: str, *, lexicon_path: str, model_path: str = "",
                 override_rules: Iterable[str] = (), evidence_features: int = 3):
        self.name = name
        self.lexicon_path = lexicon_path
        self.model_path = model_path
        self.override_rules = tuple(override_rules)
        self.evidence_features = evidence_features
        # a saved pipeline rebuilt elsewhere may lack the files: from_disk brings them
        self.lexicon = load_lexicon(lexicon_path) if Path(lexicon_path).is_file() else None
        self.model = StatementModel.load(model_path) if model_path and Path(model_path).exists() else None
        self._model_expected = bool(model_path)

    def use_model(self, model: StatementModel | None, override_rules: Iterable[str] = ()) -> StanceClassifier:
        """Decide with ``model`` (None: the rules alone) and these overriding rules from now
        on (``parley train`` swaps fold models in and out this way)."""
        self.model, self._model_expected, self.override_rules = model, model is not None, tuple(override_rules)
        return self

    def read(self, span: Span) -> tuple[Statement, Verdict]:
        """The statement of one quote span in its context, and the rules' verdict on it."""
        frame, governors, previous = quote_context(span)
        statement = Statement.read(span, self.lexicon, frame=frame, governors=governors, previous=previous,
                                   cue=span._.cue or "", speaker=span._.speaker or "")
        statement.speaker_country = span.doc._.actor_info.get(statement.speaker, {}).get("country", "")
        return statement, apply_rules(statement)

    def decide(self, statement: Statement, verdict: Verdict) -> tuple[str, float, str, dict[str, float]]:
        """``(stance, probability, evidence, probabilities)`` of one statement."""
        rule_evidence = f"rule {verdict.rule}" + (f": {verdict.evidence}" if verdict.evidence else "")
        if self.model is None:
            return verdict.stance, verdict.confidence, rule_evidence, {}
        features = statement_features(statement, verdict)
        probs = self.model.predict_proba(features)
        if verdict.rule in self.override_rules:
            stance = verdict.stance
        else:
            stance = max(self.model.labels, key=lambda label: (probs[label], label == verdict.stance))
        heavy = [describe(name) for name, _ in self.model.weighed_most(features, stance, self.evidence_features)]
        evidence = rule_evidence + (f"; model: {', '.join(heavy)}" if heavy else "")
        return stance, round(probs[stance], 3), evidence, {k: round(v, 4) for k, v in probs.items()}

    def __call__(self, doc: Doc) -> Doc:
        if self.lexicon is None:
            self.lexicon = load_lexicon(self.lexicon_path, stage=self.name)
        if self._model_expected and self.model is None:
            self.model = StatementModel.load(self.model_path)
        for span in doc.spans.get(QUOTES_KEY, []):
            stance, confidence, evidence, probs = self.decide(*self.read(span))
            span._.stance = stance
            span._.stance_confidence = float(confidence)
            span._.stance_evidence = evidence
            span._.stance_probs = probs
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Save the lexicon (the shared loader's ``lexicon.yml``) and the model (``model/model.json``)."""
        lexicon_to_disk(path, self.lexicon.source)
        if self.model is not None:
            self.model.save(path / MODEL_DIR)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> StanceClassifier:
        """Load what :meth:`to_disk` saved."""
        path = Path(path)
        self.lexicon = StanceLexicon.from_dict(lexicon_from_disk(path, SCHEMA, stage=self.name))
        self.model = StatementModel.load(path / MODEL_DIR) if (path / MODEL_DIR).is_dir() else None
        return self
