"""``parley train``: labelled corpora → the statement stance model, scored honestly.

Every labelled corpus (articles, ``manifest.csv``, ``gold.yaml`` with a ``stance`` on its
quotes) is run once through the configured pipeline with the rules alone. Each gold
quote becomes a training statement: its span in the parsed article, the cue of the
predicted quote that overlaps it, the gold speaker. A logistic regression
(scikit-learn, fixed seed) learns the stance from the statement's features
(:mod:`pipeline.components.stance.features`) and is written as JSON
(:class:`~pipeline.components.stance.model.StatementModel`).

Cross-validation (``--cv K``) holds out whole articles (``GroupKFold``): per fold it
trains on the other articles and scores (a) statement stance on the held-out gold
quotes and (b) the actor-level end-to-end stance F1 of the evaluator, from the
pipeline's own quotes and speakers on the held-out articles.
"""
from __future__ import annotations

import json
import platform
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from importlib.metadata import version
from pipeline.components.extensions import QUOTES_KEY
from pipeline.components.stance import StanceClassifier, StatementModel
from pipeline.components.stance.features import statement_features
from pipeline.components.stance.rules import Statement, apply_rules
from pipeline.corpus import Article, iter_articles
from pipeline.evaluate import GoldDoc, confusion, load_gold, macro_f1, match_spans, pool, score_document
from pipeline.nlp import DEFAULT_CONFIG, build_nlp, check_config
from pipeline.runner import make_doc
from pipeline.schema import STANCES, to_table
from pipeline.tables import doc_to_rows

STAGE = "parley_stance"
SEED = 0
# inverse regularisation strength of the logistic regression (chosen by cross-validation)
C_VALUE = 0.5


@dataclass
class LabelledArticle:
    """One labelled article, parsed once with the rules alone."""

    article: Article
    gold: GoldDoc
    doc: Doc


@dataclass
class Example:
    """One gold statement: its features, its gold stance, its article, and the rules' verdict."""

    features: dict[str, float]
    stance: str
    doc_id: str
    rule_stance: str
    rule: str  # the rule that decided rule_stance
    text: str  # the statement in its sentence, for learners that read text (the textcat comparison)


def read_labelled(corpora: Sequence[Path | str], nlp: Language) -> list[LabelledArticle]:
    """Parse every readable, labelled article of the corpora (in corpus order)."""
    items: list[tuple[Article, GoldDoc]] = []
    for corpus in corpora:
        corpus = Path(corpus)
        articles = {a.doc_id: a for a in iter_articles(corpus) if a.status == "ok"}
        golds = load_gold(corpus / "gold.yaml", {d: a.text for d, a in articles.items()})
        items += [(articles[g.doc_id], g) for g in golds if g.doc_id in articles]
    docs = nlp.pipe(make_doc(nlp, article) for article, _ in items)
    return [LabelledArticle(article, gold, doc) for (article, gold), doc in zip(items, docs)]


def gold_examples(item: LabelledArticle, stage: StanceClassifier) -> list[Example]:
    """The gold quotes of one article that carry a stance, as training statements."""
    doc = item.doc
    predicted = list(doc.spans.get(QUOTES_KEY, []))
    examples = []
    for quote in item.gold.quotes:
        if not quote.stance or quote.start is None:
            continue
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        overlapping = [p for p in predicted if p.start < span.end and span.start < p.end]
        span._.cue = overlapping[0]._.cue if overlapping else ""
        span._.speaker = quote.speaker
        statement, verdict = stage.read(span)
        examples.append(Example(statement_features(statement, verdict), quote.stance, item.gold.doc_id,
                                verdict.stance, verdict.rule, span.sent.text if span.start == span.sent.start else
                                f"{doc[span.sent.start:span.start].text} [{span.text}]"))
    return examples


def predicted_examples(item: LabelledArticle, stage: StanceClassifier) -> list[Example]:
    """The pipeline's own quotes that match a gold quote with a stance (as ``evaluate``
    matches them), with their own cue and speaker and the gold stance: statements as the
    stage meets them when it runs."""
    gold = [q for q in item.gold.quotes if q.stance and q.start is not None]
    predicted = list(item.doc.spans.get(QUOTES_KEY, []))
    pairs = match_spans([(p.start_char, p.end_char) for p in predicted], [(q.start, q.end) for q in gold], 0.5)
    examples = []
    for i, j in pairs:
        statement, verdict = stage.read(predicted[i])
        examples.append(Example(statement_features(statement, verdict), gold[j].stance, item.gold.doc_id,
                                verdict.stance, verdict.rule, predicted[i].text))
    return examples


def fit(examples: Sequence[Example], *, seed: int = SEED, c_value: float = C_VALUE,
        meta: dict | None = None) -> StatementModel:
    """A logistic regression over the examples' features, as a :class:`StatementModel`."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform([e.features for e in examples])
    labels = [e.stance for e in examples]
    classifier = LogisticRegression(C=c_value, max_iter=2000, class_weight="balanced", random_state=seed)
    classifier.fit(matrix, labels)
    classes = [str(c) for c in classifier.classes_]
    coef = classifier.coef_
    if len(classes) == 2:  # scikit-learn keeps one row for two classes: expand to one per class
        coef = [-coef[0] / 2, coef[0] / 2]
        intercepts = [-classifier.intercept_[0] / 2, classifier.intercept_[0] / 2]
    else:
        intercepts = list(classifier.intercept_)
    names = vectorizer.get_feature_names_out()
    weights = {str(name): [float(coef[k][j]) for k in range(len(classes))] for j, name in enumerate(names)}
    return StatementModel(classes, [float(v) for v in intercepts], weights, dict(meta or {}))


def predict(model: StatementModel, example: Example, override_rules: Sequence[str] = ()) -> str:
    """The stance the stage would give a statement: the model's, or an overriding rule's."""
    if example.rule in override_rules:
        return example.rule_stance
    probs = model.predict_proba(example.features)
    return max(model.labels, key=lambda label: (probs[label], label == example.rule_stance))


def rule_table(rows: Iterable[tuple[str, str, str, str]]) -> dict[str, dict]:
    """Per deciding rule, over held-out statements: how often the rule's stance and the
    model's stance were right. A rule that beats the model is a candidate for
    ``override_rules``. ``rows``: (rule, gold, model stance, rule stance)."""
    table: dict[str, dict] = {}
    for rule, gold, model_stance, rule_stance in rows:
        entry = table.setdefault(rule, {"n": 0, "rule_correct": 0, "model_correct": 0})
        entry["n"] += 1
        entry["rule_correct"] += rule_stance == gold
        entry["model_correct"] += model_stance == gold
    return dict(sorted(table.items(), key=lambda item: -item[1]["n"]))


def statement_figures(pairs: Iterable[tuple[str, str]]) -> dict:
    """Accuracy and macro-F1 of (gold, predicted) statement stances."""
    pairs = list(pairs)
    conf = confusion(pairs)
    correct = sum(1 for gold, pred in pairs if gold == pred)
    return {"n": len(pairs), "acc": round(correct / len(pairs), 4) if pairs else None,
            "macro_f1": round(macro_f1(conf), 4) if pairs else None}


def end_to_end(items: Sequence[LabelledArticle], stage: StanceClassifier | None) -> dict:
    """The evaluator's pooled figures for these articles with ``stage`` deciding stance
    on the pipeline's own quotes (as ``parley run`` then ``parley evaluate`` would);
    ``stage=None`` scores the stances the docs already carry."""
    per_doc = []
    for item in items:
        if stage is not None:
            stage(item.doc)
        rows = doc_to_rows(item.doc, item.article)
        tables = {name: to_table(name, rows[name]) for name in ("entities", "quotes", "dates", "stances")}
        figures, _ = score_document(item.gold, tables, item.article.text)
        per_doc.append(figures)
    pooled = pool(per_doc)
    return {"pipeline_statement": {"acc": pooled["statements"]["acc"], "macro_f1": pooled["statements"]["macro_f1"],
                                   "n": pooled["statements"]["n"]},
            "actor_stance_acc": pooled["stances"]["stance_acc"],
            "actor_macro_f1": pooled["stances"]["macro_f1"],
            "end_to_end_f1": pooled["stances"]["end_to_end"]["f1"]}


def article_examples(items: Sequence[LabelledArticle], stage: StanceClassifier) -> dict[str, tuple[list, list]]:
    """Per article: its gold statements (:func:`gold_examples`) and the pipeline's own quotes
    that match them (:func:`predicted_examples`), read once for training and cross-validation."""
    stage.use_model(None)
    return {item.gold.doc_id: (gold_examples(item, stage), predicted_examples(item, stage)) for item in items}


def cross_validate(items: Sequence[LabelledArticle], stage: StanceClassifier, k: int,
                   examples: dict[str, tuple[list, list]], *, seed: int = SEED,
                   c_value: float = C_VALUE, override_rules: Sequence[str] = ()) -> dict:
    """Article-grouped K-fold cross-validation of the statement model, beside the rules alone.

    ``examples`` is :func:`article_examples` of ``items``: a fold trains on the gold and
    matched statements of its training articles and is scored on the gold statements of
    the others.

    Returns:
        ``{"folds": [...], "pooled": {...}}``: per fold and pooled over all held-out
        articles, statement accuracy/macro-F1 on gold quotes for the model and for the
        rules, and the end-to-end figures of the evaluator for both.
    """
    from sklearn.model_selection import GroupKFold

    doc_ids = [item.gold.doc_id for item in items]
    folds, pooled_pairs, pooled_rule_pairs, by_rule = [], [], [], []
    held_out_model: list[LabelledArticle] = []
    fold_models: dict[str, StatementModel] = {}
    for number, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=k).split(doc_ids, groups=doc_ids), start=1):
        train = [e for i in train_idx for e in examples[doc_ids[i]][0] + examples[doc_ids[i]][1]]
        test = [e for i in test_idx for e in examples[doc_ids[i]][0]]
        model = fit(train, seed=seed, c_value=c_value)
        pairs = [(e.stance, predict(model, e, override_rules)) for e in test]
        rule_pairs = [(e.stance, e.rule_stance) for e in test]
        pooled_pairs += pairs
        pooled_rule_pairs += rule_pairs
        by_rule += [(e.rule, e.stance, model_stance, e.rule_stance)
                    for e, (_, model_stance) in zip(test, pairs)]
        test_items = [items[i] for i in test_idx]
        for item in test_items:
            fold_models[item.gold.doc_id] = model
        held_out_model += test_items
        folds.append({
            "fold": number, "articles": len(test_idx), "statements": len(test),
            "model": {"statement": statement_figures(pairs),
                      **end_to_end(test_items, stage.use_model(model, override_rules))},
            "rules": {"statement": statement_figures(rule_pairs), **end_to_end(test_items, stage.use_model(None))},
        })
    pooled_model = _pooled_end_to_end(held_out_model, stage, fold_models, override_rules)
    pooled_rules = end_to_end(held_out_model, stage.use_model(None))
    return {"k": k, "folds": folds, "rules_against_model": rule_table(by_rule), "pooled": {
        "model": {"statement": statement_figures(pooled_pairs), **pooled_model},
        "rules": {"statement": statement_figures(pooled_rule_pairs), **pooled_rules},
    }}


def _pooled_end_to_end(items: Sequence[LabelledArticle], stage: StanceClassifier,
                       models: dict[str, StatementModel], override_rules: Sequence[str]) -> dict:
    """End-to-end figures over every held-out article, each scored with its own fold's model."""
    for item in items:
        stage.use_model(models[item.gold.doc_id], override_rules)(item.doc)
    return end_to_end(items, None)


def train(corpora: Sequence[Path | str], out: Path | str, *, config: Path | str = DEFAULT_CONFIG, cv: int = 0,
          test_corpora: Sequence[Path | str] = (), seed: int = SEED, c_value: float = C_VALUE,
          log=print) -> dict:
    """Train the statement stance model on all the corpora and write it to ``out``.

    Args:
        corpora: labelled corpus folders (``manifest.csv`` + ``gold.yaml``).
        out: the model folder to write (``models/stance``): ``model.json`` and ``metrics.json``.
        config: the parley config whose pipeline (model, quotes, lexicons) reads the articles.
        cv: K for article-grouped K-fold cross-validation over all the corpora (0: none).
        test_corpora: labelled corpora scored with the model trained on ``corpora`` only.
        seed: the random state (the same data and seed give the same model file).
        c_value: the logistic regression's inverse regularisation strength.
        log: where progress lines go.

    Returns:
        The metrics written to ``metrics.json``.
    """
    import sklearn

    nlp = build_nlp(check_config(config, overrides={f"components.{STAGE}.model_path": ""}))
    stage: StanceClassifier = nlp.get_pipe(STAGE)
    override_rules = tuple(stage.override_rules)
    items = read_labelled(corpora, nlp)
    log(f"{len(items)} labelled articles read from {', '.join(map(str, corpora))}")
    by_article = article_examples(items, stage)
    examples = [e for gold, _ in by_article.values() for e in gold]
    extra = [e for _, matched in by_article.values() for e in matched]
    counts = {s: sum(1 for e in examples if e.stance == s) for s in STANCES}
    log(f"{len(examples)} statements: " + ", ".join(f"{s} {n}" for s, n in counts.items())
        + f"; with the {len(extra)} quotes of the pipeline that match them")
    metrics: dict = {"corpora": [str(c) for c in corpora], "articles": len(items), "statements": counts,
                     "seed": seed, "C": c_value, "override_rules": list(override_rules)}
    if cv:
        metrics["cross_validation"] = cross_validate(items, stage, cv, by_article, seed=seed, c_value=c_value,
                                                     override_rules=override_rules)
        log(format_cv(metrics["cross_validation"]))
    meta = {"parley_version": version("parley"), "scikit_learn_version": sklearn.__version__,
            "python": platform.python_version(), "corpora": metrics["corpora"], "articles": len(items),
            "statements": len(examples), "seed": seed, "C": c_value}
    model = fit(examples + extra, seed=seed, c_value=c_value, meta=meta)
    if test_corpora:
        test_items = read_labelled(test_corpora, nlp)
        metrics["test"] = {"corpora": [str(c) for c in test_corpora],
                           "model": end_to_end(test_items, stage.use_model(model, override_rules)),
                           "rules": end_to_end(test_items, stage.use_model(None))}
        log(format_test(metrics["test"]))
    out = Path(out)
    model.save(out)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log(f"model written to {out / 'model.json'} ({len(model.weights)} features); metrics in {out / 'metrics.json'}")
    return metrics


def _fmt(value) -> str:
    return "  –  " if value is None else f"{value:.2f}"


def _line(label: str, figures: dict) -> str:
    gold = figures.get("statement")
    own = figures["pipeline_statement"]
    on_gold = f"gold quotes acc {_fmt(gold['acc'])} mF1 {_fmt(gold['macro_f1'])} | " if gold else ""
    return (f"  {label:<6} {on_gold}own quotes acc {_fmt(own['acc'])} mF1 {_fmt(own['macro_f1'])} | "
            f"actors acc {_fmt(figures['actor_stance_acc'])} mF1 {_fmt(figures['actor_macro_f1'])} | "
            f"end-to-end F1 {_fmt(figures['end_to_end_f1'])}")


def format_cv(cv: dict) -> str:
    """The cross-validation figures as the command prints them: per fold, then pooled."""
    lines = [f"article-grouped {cv['k']}-fold cross-validation. Statement stance on the gold quotes, and on the "
             "pipeline's own quotes that match them; actors and end-to-end as evaluate scores them"]
    for fold in cv["folds"]:
        lines.append(f"fold {fold['fold']}: {fold['articles']} articles, {fold['statements']} statements")
        lines.append(_line("model", fold["model"]))
        lines.append(_line("rules", fold["rules"]))
    lines.append("held-out statements by the rule that decided: rule right / model right (of n)")
    for rule, entry in cv["rules_against_model"].items():
        lines.append(f"  {rule:<20} {entry['rule_correct']:>4} / {entry['model_correct']:>4}  (of {entry['n']})")
    lines.append("pooled over all held-out articles:")
    lines.append(_line("model", cv["pooled"]["model"]))
    lines.append(_line("rules", cv["pooled"]["rules"]))
    return "\n".join(lines)


def format_test(test: dict) -> str:
    """The figures on corpora the model was not trained on."""
    return "\n".join([f"held-out test on {', '.join(test['corpora'])} (model not trained on it):",
                      _line("model", test["model"]), _line("rules", test["rules"])])
