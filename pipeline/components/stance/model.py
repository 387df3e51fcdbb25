"""The statement stance model: a linear model over named features, stored as JSON.

``parley train`` fits it (scikit-learn's logistic regression) and writes the weights
as plain JSON, so loading it runs no pickle and needs no scikit-learn: the stage only
adds up the weights of a statement's features and takes a softmax. The file records
its format and the feature set it was trained on; a file from another version, or
one that does not parse, is refused with a message that says how to rebuild it.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import ConfigError

from ..lexicon import register_checker

#: Bumped when the file layout or the meaning of the features changes.
FORMAT = "parley.stance_model.v1"
MODEL_FILE = "model.json"
REBUILD_HINT = "rebuild it with `make train` (python -m pipeline train --corpus raw --corpus ../shared/corpus-train)"


class ModelError(ConfigError):
    """The stance model file is missing, from another version, or corrupt."""


@dataclass
class StatementModel:
    """Per-class weights of named features, and the model card that travels with them.

    Args:
        labels: the classes, in the order of ``intercepts`` and of each weight row.
        intercepts: one bias per class.
        weights: feature name → one weight per class.
        meta: the model card (training corpora, seed, library versions, metrics).
    """

    labels: list[str]
    intercepts: list[float]
    weights: dict[str, list[float]]
    meta: dict = field(default_factory=dict)

    def scores(self, features: dict[str, float]) -> list[float]:
        totals = list(self.intercepts)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for k, weight in enumerate(row):
                    totals[k] += weight * value
        return totals

    def predict_proba(self, features: dict[str, float]) -> dict[str, float]:
        """The probability of each class for one statement's features."""
        totals = self.scores(features)
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        norm = sum(exps)
        return {label: e / norm for label, e in zip(self.labels, exps)}

    def weighed_most(self, features: dict[str, float], label: str, n: int = 3) -> list[tuple[str, float]]:
        """The features that pushed most toward ``label`` (against the mean of the classes)."""
        k = self.labels.index(label)
        pushes = []
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                push = value * (row[k] - sum(row) / len(row))
                if push > 0:
                    pushes.append((name, push))
        return sorted(pushes, key=lambda item: (-item[1], item[0]))[:n]

    def to_dict(self) -> dict:
        return {"format": FORMAT, "labels": self.labels, "intercepts": self.intercepts,
                "weights": self.weights, "meta": self.meta}

    def save(self, folder: Path | str) -> Path:
        """Write ``model.json`` into ``folder`` (sorted, rounded: same model, same bytes)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / MODEL_FILE
        data = self.to_dict()
        data["intercepts"] = [round(v, 6) for v in self.intercepts]
        weights = data.pop("weights")
        head = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)[:-2]  # without the closing brace
        # one line per feature: a retrained model's diff shows which weights moved
        rows = ",\n".join(f"  {json.dumps(name, ensure_ascii=False)}: {json.dumps([round(v, 6) for v in weights[name]])}"
                           for name in sorted(weights))
        path.write_text(f'{head},\n "weights": {{\n{rows}\n }}\n}}\n', encoding="utf-8")
        return path

    @classmethod
    def from_dict(cls, data: dict, source: str = "stance model") -> StatementModel:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ModelError(f"{source}: a stance model of format {found!r}, this parley reads {FORMAT!r}; {REBUILD_HINT}")
        try:
            labels = [str(label) for label in data["labels"]]
            intercepts = [float(v) for v in data["intercepts"]]
            weights = {str(name): [float(v) for v in row] for name, row in data["weights"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ModelError(f"{source}: corrupt stance model ({err!r}); {REBUILD_HINT}") from err
        if len(intercepts) != len(labels) or any(len(row) != len(labels) for row in weights.values()):
            raise ModelError(f"{source}: corrupt stance model (weights do not match its labels); {REBUILD_HINT}")
        return cls(labels, intercepts, weights, dict(data.get("meta") or {}))

    @classmethod
    def load(cls, folder: Path | str) -> StatementModel:
        """Read a model folder written by :meth:`save`; ModelError names the file when it cannot."""
        path = Path(folder) / MODEL_FILE if Path(folder).is_dir() or not str(folder).endswith(".json") else Path(folder)
        if not path.is_file():
            raise ModelError(f"{path}: stance model file not found; {REBUILD_HINT}")
        stat = path.stat()
        return _load_file(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _load_file(path: str, mtime_ns: int, size: int) -> StatementModel:
    """One parse per model file version and process: the config check and the stage share it
    (the stage only reads the model, never changes it)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ModelError(f"{path}: corrupt stance model (not readable JSON: {err}); {REBUILD_HINT}") from err
    return StatementModel.from_dict(data, path)


def check_model_path(value: str) -> None:
    """``nlp.check_config``'s check of ``model_path``: empty (the rules alone) or a model
    this parley reads; ModelError otherwise, before any article is read."""
    if value:
        StatementModel.load(value)


register_checker("parley_stance", "model_path", check_model_path)
