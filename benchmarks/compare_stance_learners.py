"""Benchmark of the statement stance learners (a script, not a test): prints a comparison table.

Issue 11 asks for spaCy's trainable ``textcat`` or a scikit-learn linear model,
"whichever measures better in cross-validation". This script measures both on the
same statements and the same folds, in one run:

- the labelled articles are read once, as ``parley train`` reads them
  (:func:`pipeline.train.read_labelled`, the stance model switched off), and every gold
  statement becomes a :class:`pipeline.train.Example`;
- the folds are those of ``parley train --cv K``: ``GroupKFold(K)`` over the doc ids in
  corpus order, so no article sits on both sides;
- per fold, on the training articles' statements:
  * ``textcat-bow`` and ``textcat-ensemble``: spaCy ``textcat`` (exclusive classes)
    trained by ``spacy train`` from ``configs/stance_textcat.cfg`` on ``Example.text``
    (the statement in its sentence, the quote in [brackets]) with the gold stance,
    corpora as ``DocBin`` in a temporary folder, fixed seed, fixed epoch budget, the
    last model kept (the held-out fold never chooses a model); ``-bal`` variants
    (not run by default) resample the training statements to balanced classes;
  * ``sklearn-lr``: :func:`pipeline.train.fit`, the logistic regression over the
    statement features that ``parley train`` ships, alone: its argmax, without the
    ``override_rules`` of the stage (they would apply to a textcat just the same), so
    its figures sit a little below the "model" line of ``parley train --cv``;
  * ``rules``: the rules' own verdict, for reference (nothing trained);
- each is scored on the held-out fold's statements: accuracy and macro-F1 over the four
  stances (:func:`pipeline.train.statement_figures`), per fold and pooled, with the
  wall-clock training time.

Usage: python benchmarks/compare_stance_learners.py [--corpus DIR ...] [--cv K]
       [--learners textcat-bow,textcat-ensemble,sklearn-lr] [--keep DIR]
(about 3-4 minutes on 2 cores with the default learners; every run gives the same figures)
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402
from spacy.cli.train import train as spacy_train  # noqa: E402
from spacy.tokens import DocBin  # noqa: E402
from thinc.api import Config  # noqa: E402

from pipeline.nlp import DEFAULT_CONFIG, build_nlp, check_config  # noqa: E402
from pipeline.schema import STANCES  # noqa: E402
from pipeline.train import STAGE, Example, fit, gold_examples, read_labelled, statement_figures  # noqa: E402

TEXTCAT_CONFIG = REPO / "configs" / "stance_textcat.cfg"
# the extra section of TEXTCAT_CONFIG holding the architectures other than bag-of-words
ARCHITECTURES_SECTION = "stance_architectures"
# learner name → (architecture under ARCHITECTURES_SECTION or None for the config's own
# bag-of-words, whether the training statements are resampled to balanced classes)
TEXTCAT_LEARNERS = {"textcat-bow": (None, False), "textcat-bow-bal": (None, True),
                    "textcat-ensemble": ("ensemble", False), "textcat-ensemble-bal": ("ensemble", True)}
LEARNERS = [*TEXTCAT_LEARNERS, "sklearn-lr"]
DEFAULT_LEARNERS = ["textcat-bow", "textcat-ensemble", "sklearn-lr"]
DEFAULT_CORPORA = [REPO / "raw", REPO.parent / "shared" / "corpus-train"]


def read_examples(corpora: Sequence[Path], config: Path) -> tuple[list[str], dict[str, list[Example]]]:
    """The doc ids in corpus order and each article's gold statements, as ``parley train`` builds them."""
    nlp = build_nlp(check_config(config, overrides={f"components.{STAGE}.model_path": ""}))
    stage = nlp.get_pipe(STAGE)  # model_path "": the rules alone give rule_stance
    items = read_labelled(corpora, nlp)
    doc_ids = [item.gold.doc_id for item in items]
    return doc_ids, {item.gold.doc_id: gold_examples(item, stage) for item in items}


def textcat_config(architecture: str | None, folder: Path) -> Path:
    """``configs/stance_textcat.cfg`` with ``architecture`` (a key of its extra section, or
    None for its own bag-of-words model) as the textcat model, written into ``folder``."""
    config = Config().from_disk(TEXTCAT_CONFIG, interpolate=False)
    variants = config.pop(ARCHITECTURES_SECTION, {})
    if architecture is not None:
        config["components"]["textcat"]["model"] = variants[architecture]
    path = folder / f"textcat-{architecture or 'bow'}.cfg"
    config.to_disk(path)
    return path


def write_docbin(examples: Sequence[Example], path: Path) -> Path:
    """The statements' texts, each with its gold stance as the one true category."""
    tokenizer = spacy.blank("en")
    docbin = DocBin(store_user_data=False)
    for example in examples:
        doc = tokenizer.make_doc(example.text)
        doc.cats = {stance: float(stance == example.stance) for stance in STANCES}
        docbin.add(doc)
    docbin.to_disk(path)
    return path


def balanced(examples: Sequence[Example]) -> list[Example]:
    """Each statement repeated so that every stance has about as many as the commonest one:
    textcat has no class weights, and the logistic regression it is compared with is fitted
    with ``class_weight="balanced"`` (macro-F1 rewards the rare stances)."""
    counts = {stance: sum(1 for e in examples if e.stance == stance) for stance in STANCES}
    most = max(counts.values())
    return [e for e in examples for _ in range(max(1, round(most / counts[e.stance])))]


def train_textcat(config_path: Path, train: Sequence[Example], test: Sequence[Example], folder: Path,
                  *, balance: bool = False) -> tuple[list[str], float]:
    """Train a textcat on ``train`` with ``spacy train``; (predicted stances of ``test``, training seconds).

    The dev corpus is the training set itself: it only feeds spaCy's progress log, since
    the last model is kept. spaCy's log goes to ``folder/train.log``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    corpus = write_docbin(balanced(train) if balance else train, folder / "train.spacy")
    start = time.perf_counter()
    with open(folder / "train.log", "w", encoding="utf-8") as log, contextlib.redirect_stdout(log), \
            contextlib.redirect_stderr(log):
        spacy_train(config_path, folder / "model",
                    overrides={"paths.train": str(corpus), "paths.dev": str(corpus)})
    seconds = time.perf_counter() - start
    nlp = spacy.load(folder / "model" / "model-last")
    predicted = [max(doc.cats, key=doc.cats.get) for doc in nlp.pipe(e.text for e in test)]
    return predicted, seconds


def train_sklearn(train: Sequence[Example], test: Sequence[Example]) -> tuple[list[str], float]:
    """Fit ``pipeline.train.fit`` on ``train``; (predicted stances of ``test``, training seconds),
    the prediction taken as ``parley train --cv`` takes it."""
    start = time.perf_counter()
    model = fit(train)
    seconds = time.perf_counter() - start
    predicted = []
    for example in test:
        probs = model.predict_proba(example.features)
        predicted.append(max(model.labels, key=lambda label: probs[label]))
    return predicted, seconds


def compare(doc_ids: Sequence[str], examples_by_doc: dict[str, list[Example]], k: int,
            learners: Sequence[str], workdir: Path, log=print) -> dict:
    """Per fold and pooled: each learner's figures on the held-out statements and its training time."""
    from sklearn.model_selection import GroupKFold

    configs = {name: textcat_config(TEXTCAT_LEARNERS[name][0], workdir)
               for name in learners if name in TEXTCAT_LEARNERS}
    names = [*learners, "rules"]
    folds, pooled = [], {name: [] for name in names}
    seconds_total = {name: 0.0 for name in learners}
    for number, (train_idx, test_idx) in enumerate(GroupKFold(n_splits=k).split(doc_ids, groups=doc_ids), start=1):
        train = [e for i in train_idx for e in examples_by_doc[doc_ids[i]]]
        test = [e for i in test_idx for e in examples_by_doc[doc_ids[i]]]
        gold = [e.stance for e in test]
        fold = {"fold": number, "articles": len(test_idx), "train": len(train), "test": len(test), "learners": {}}
        for name in learners:
            if name in TEXTCAT_LEARNERS:
                predicted, seconds = train_textcat(configs[name], train, test, workdir / f"fold{number}" / name,
                                                   balance=TEXTCAT_LEARNERS[name][1])
            else:
                predicted, seconds = train_sklearn(train, test)
            pairs = list(zip(gold, predicted))
            pooled[name] += pairs
            seconds_total[name] += seconds
            fold["learners"][name] = {**statement_figures(pairs), "seconds": seconds}
            log(f"  fold {number} {name}: trained in {seconds:.1f} s")
        rule_pairs = [(e.stance, e.rule_stance) for e in test]
        pooled["rules"] += rule_pairs
        fold["learners"]["rules"] = {**statement_figures(rule_pairs), "seconds": None}
        folds.append(fold)
    return {"k": k, "learners": names, "folds": folds,
            "pooled": {name: {**statement_figures(pooled[name]), "seconds": seconds_total.get(name)}
                       for name in names}}


def format_table(result: dict) -> str:
    """Rows: folds then pooled; per learner: accuracy, macro-F1, training seconds."""
    names = result["learners"]
    head = f"{'':<8}{'art':>4}{'train':>6}{'test':>5} | " + " | ".join(f"{n:^22}" for n in names)
    sub = f"{'':<23} | " + " | ".join(f"{'acc':>6}{'mF1':>7}{'train s':>9}" for _ in names)

    def cells(figures: dict) -> str:
        return " | ".join(f"{f['acc']:>6.3f}{f['macro_f1']:>7.3f}"
                          + (f"{f['seconds']:>9.1f}" if f["seconds"] is not None else f"{'–':>9}")
                          for f in (figures[n] for n in names))

    lines = [f"statement stance, article-grouped {result['k']}-fold cross-validation "
             "(GroupKFold over doc ids in corpus order, as parley train --cv)", head, sub, "-" * len(sub)]
    for fold in result["folds"]:
        lines.append(f"{'fold ' + str(fold['fold']):<8}{fold['articles']:>4}{fold['train']:>6}{fold['test']:>5} | "
                     + cells(fold["learners"]))
    total_articles = sum(f["articles"] for f in result["folds"])
    total_test = sum(f["test"] for f in result["folds"])
    lines.append("-" * len(sub))
    lines.append(f"{'pooled':<8}{total_articles:>4}{'':>6}{total_test:>5} | " + cells(result["pooled"]))
    lines.append("pooled: figures over all held-out statements; train s: summed over folds "
                 "(textcat: spacy train incl. initialisation and saving; rules: nothing trained)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", type=Path,
                        help="labelled corpus folder (repeatable; default raw/ and ../shared/corpus-train/)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="the parley config that reads the articles")
    parser.add_argument("--cv", type=int, default=5, help="K of the article-grouped K-fold cross-validation")
    parser.add_argument("--learners", default=",".join(DEFAULT_LEARNERS), help=f"comma-separated subset of {LEARNERS}")
    parser.add_argument("--keep", type=Path, help="keep the corpora, configs, spaCy logs and fold models here")
    args = parser.parse_args(argv)
    learners = [name.strip() for name in args.learners.split(",") if name.strip()]
    unknown = set(learners) - set(LEARNERS)
    if unknown:
        parser.error(f"unknown learners {sorted(unknown)}; choose from {LEARNERS}")
    corpora = args.corpus or DEFAULT_CORPORA

    start = time.perf_counter()
    doc_ids, examples_by_doc = read_examples(corpora, args.config)
    n_statements = sum(len(v) for v in examples_by_doc.values())
    print(f"{len(doc_ids)} labelled articles, {n_statements} gold statements read in "
          f"{time.perf_counter() - start:.0f} s from {', '.join(map(str, corpora))}", flush=True)
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            workdir = args.keep
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="stance-learners-")))
        result = compare(doc_ids, examples_by_doc, args.cv, learners, workdir)
    print(format_table(result))
    print(f"total run time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
