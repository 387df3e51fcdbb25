"""Benchmark of the batch runner (a script, not a test): prints measured ratios.

Builds corpora of N articles from raw/ (its texts repeated, doc ids changed) in a
temporary folder and measures, in one run on the same texts:

- what a user waits for: the whole ``python -m pipeline run --workers 1`` process (model,
  parley stages and the stance model on, tables written, no cache) against a process
  that loads the same spaCy model and runs bare ``nlp.pipe`` over the same texts
  (target >= 0.9);
- articles/s and tokens/s of the full pipeline (``runner.process_articles``: model,
  parley stages and table rows) and of bare ``nlp.pipe`` with the same model, and
  their ratio (target >= 0.8);
- the speed-up of ``--workers 2`` over ``--workers 1`` (target >= 1.6), and, on a
  smaller corpus, spaCy's ``n_process=2`` against parley's own process pool;
- the peak RSS of ``python -m pipeline run`` at two corpus sizes (target: the larger
  within 15% of the smaller), read with ``resource.getrusage(RUSAGE_CHILDREN)`` in a
  wrapper process per run;
- the time of an unchanged rerun relative to the first run (target >= 20x faster).

Usage: python benchmarks/bench_pipeline.py [--quick] [--config FILE] [--only wait|throughput|pool|workers|memory]
"""
from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "raw"
sys.path.insert(0, str(REPO))

RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "status = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, status)\n"
)


def build_corpus(folder: Path, n: int) -> Path:
    """``n`` articles: raw/'s texts in turn, each copy under a new doc id."""
    with open(RAW / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        source = [r for r in csv.DictReader(handle) if (RAW / r["file"]).is_file()]
    folder.mkdir(parents=True)
    rows = []
    for i in range(n):
        row = dict(source[i % len(source)])
        path = RAW / row["file"]
        row["doc_id"] = f"b{i:05d}_{row['doc_id']}"
        row["file"] = row["doc_id"] + path.suffix
        shutil.copyfile(path, folder / row["file"])
        rows.append(row)
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def cli_run(corpus: Path, out: Path, config: Path, workers: int, measure_rss: bool = False) -> tuple[float, int | None, str]:
    """Run ``python -m pipeline run`` in a subprocess; (seconds, peak RSS in MB or None, last output line)."""
    command = [sys.executable, "-m", "pipeline", "run", "--quiet", "--corpus", str(corpus), "--out", str(out),
               "--config", str(config), "--workers", str(workers)]
    if measure_rss:
        command = [sys.executable, "-c", RSS_WRAPPER, *command]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    if done.returncode not in (0, 1):
        raise SystemExit(f"run failed ({done.returncode}): {done.stderr[-2000:]}")
    rss = None
    if measure_rss:
        rss_kb, status = lines[-1].split()
        if int(status) > 1:
            raise SystemExit(f"run failed ({status}): {done.stderr[-2000:]}")
        rss = int(rss_kb) // 1024
        lines = lines[:-1]
    return seconds, rss, lines[-1] if lines else ""


BARE_PROCESS = (
    "import csv, sys, spacy\n"
    "from pathlib import Path\n"
    "corpus, model, batch = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])\n"
    "nlp = spacy.load(model)\n"
    "with open(corpus / 'manifest.csv', encoding='utf-8', newline='') as handle:\n"
    "    files = [corpus / row['file'] for row in csv.DictReader(handle)]\n"
    "texts = (f.read_text(encoding='utf-8') for f in files)\n"
    "print(sum(len(doc) for doc in (nlp.pipe(texts, batch_size=batch) if batch else nlp.pipe(texts))))\n"
)


def user_wait(corpus: Path, config: Path, out: Path, repeats: int = 2) -> dict:
    """The whole ``run --workers 1`` process against a bare ``nlp.pipe`` process, same
    model and texts, interleaved, best of ``repeats`` each. The bare process runs twice
    per round: with the model's default batch size, and with parley's (BATCH_SIZE), since
    the default's larger batches cost this machine seconds of system time."""
    from pipeline.nlp import load_config
    from pipeline.runner.partition import BATCH_SIZE

    model = load_config(config)["parley"]["model"]
    times: dict[str, list[float]] = {"bare": [], "bare_same_batch": [], "run": []}
    for attempt in range(repeats):
        for key, batch in (("bare", 0), ("bare_same_batch", BATCH_SIZE)):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", BARE_PROCESS, str(corpus), model, str(batch)], check=True,
                           capture_output=True)
            times[key].append(time.perf_counter() - start)
        seconds, _, _ = cli_run(corpus, out / f"run{attempt}", config, 1)
        times["run"].append(seconds)
    return {key: min(values) for key, values in times.items()} | {"batch": BATCH_SIZE}


def throughput(corpus: Path, config: Path, repeats: int = 2) -> dict:
    """Full pipeline vs bare nlp.pipe, same model, same texts, in this process."""
    import spacy

    from pipeline.corpus import iter_articles, load_settings
    from pipeline.nlp import build_nlp, load_config
    from pipeline.runner import process_articles

    cfg = load_config(config)
    settings = load_settings(cfg["corpus"]["settings_path"], int(cfg["corpus"]["max_bytes"]))
    articles = [a for a in iter_articles(corpus, settings) if a.status == "ok"]
    texts = [a.body for a in articles]
    nlp = build_nlp(config)
    bare = spacy.load(cfg["parley"]["model"], exclude=list(cfg["parley"].get("exclude", [])))
    list(bare.pipe(texts[:4]))  # warm-up
    process_articles(nlp, articles[:4])
    bare_s, full_s, tokens = [], [], 0
    for _ in range(repeats):  # interleaved, best of each
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in bare.pipe(texts))
        bare_s.append(time.perf_counter() - start)
        start = time.perf_counter()
        process_articles(nlp, articles)
        full_s.append(time.perf_counter() - start)
    return {"n": len(articles), "tokens": tokens, "bare": min(bare_s), "full": min(full_s)}


def n_process_vs_pool(corpus: Path, config: Path, workers: int = 2) -> dict:
    """spaCy's n_process (Docs sent back, rows made here) vs parley's pool (rows sent back)."""
    from pipeline.corpus import iter_articles, load_settings
    from pipeline.nlp import build_nlp, load_config
    from pipeline.runner import make_doc
    from pipeline.tables import doc_to_rows

    cfg = load_config(config)
    settings = load_settings(cfg["corpus"]["settings_path"], int(cfg["corpus"]["max_bytes"]))
    start = time.perf_counter()
    articles = [a for a in iter_articles(corpus, settings) if a.status == "ok"]
    nlp = build_nlp(config)
    by_id = {a.doc_id: a for a in articles}
    n_rows = 0
    for doc in nlp.pipe((make_doc(nlp, a) for a in articles), batch_size=32, n_process=workers):
        n_rows += sum(len(v) for v in doc_to_rows(doc, by_id[doc._.doc_id]).values())
    n_process_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        pool_s, _, _ = cli_run(corpus, Path(tmp) / "out", config, workers)
    return {"n_process": n_process_s, "pool": pool_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small corpora, to try the script")
    parser.add_argument("--config", type=Path, default=REPO / "configs" / "default.cfg")
    parser.add_argument("--only", choices=["wait", "throughput", "pool", "workers", "memory"],
                        help="run one section only")
    args = parser.parse_args()
    n_tp, n_pool, n_par, (n_small, n_large) = (24, 48, 96, (100, 500)) if args.quick else (120, 200, 2000, (1000, 5000))

    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        tmp = Path(tmp)
        # A frozen copy of the configs, so that edits elsewhere cannot change the cache keys mid-benchmark.
        config = tmp / "configs" / args.config.name
        shutil.copytree(args.config.parent, config.parent)
        shutil.copytree(REPO / "models", tmp / "models")  # the config names the stance model beside configs/
        print(f"parley benchmark ({'quick' if args.quick else 'full'}), model config {args.config}")

        sections = [args.only] if args.only else ["wait", "throughput", "pool", "workers", "memory"]
        if "wait" in sections:
            wait = user_wait(build_corpus(tmp / "wait", n_tp), config, tmp / "out-wait")
            print(f"\n[user's wait] {n_tp} articles, whole processes, model load included, best of 2")
            print(f"  bare nlp.pipe process, model's batch size   : {wait['bare']:7.1f} s")
            print(f"  bare nlp.pipe process, batch_size={wait['batch']:<3}       : {wait['bare_same_batch']:7.1f} s")
            print(f"  python -m pipeline run --workers 1 (no cache): {wait['run']:7.1f} s")
            print(f"  ratio bare/run: {wait['bare'] / wait['run']:.2f} (model's batch size), "
                  f"{wait['bare_same_batch'] / wait['run']:.2f} (same batch size)  (target >= 0.90)")

        if "throughput" in sections:
            tp = throughput(build_corpus(tmp / "tp", n_tp), config)
            bare_aps, full_aps = tp["n"] / tp["bare"], tp["n"] / tp["full"]
            print(f"\n[throughput] {tp['n']} articles, {tp['tokens']} tokens, one process, best of 2")
            print(f"  bare nlp.pipe : {bare_aps:7.2f} articles/s {tp['tokens'] / tp['bare']:9.0f} tokens/s")
            print(f"  full pipeline : {full_aps:7.2f} articles/s {tp['tokens'] / tp['full']:9.0f} tokens/s")
            print(f"  ratio full/bare: {full_aps / bare_aps:.2f}  (target >= 0.80)")

        if "pool" in sections:
            comparison = n_process_vs_pool(build_corpus(tmp / "pool", n_pool), config)
            print(f"\n[parallelism, {n_pool} articles, 2 processes, model load included]")
            print(f"  spaCy nlp.pipe(n_process=2) + rows in the parent: {comparison['n_process']:7.1f} s")
            print(f"  parley process pool (python -m pipeline run --workers 2): {comparison['pool']:7.1f} s")

        if "workers" in sections:
            corpus = build_corpus(tmp / "par", n_par)
            one, _, _ = cli_run(corpus, tmp / "out-w1", config, 1)
            two, _, _ = cli_run(corpus, tmp / "out-w2", config, 2)
            print(f"\n[workers] {n_par} articles: --workers 1 {one:.1f} s, --workers 2 {two:.1f} s")
            print(f"  speed-up: {one / two:.2f}x  (target >= 1.6)")

        if "memory" in sections:
            small, large = build_corpus(tmp / "small", n_small), build_corpus(tmp / "large", n_large)
            first, rss_small, _ = cli_run(small, tmp / "out-small", config, 2, measure_rss=True)
            rerun, _, said = cli_run(small, tmp / "out-small", config, 2)
            _, rss_large, _ = cli_run(large, tmp / "out-large", config, 2, measure_rss=True)
            print(f"\n[memory] peak RSS (largest process) at N={n_small}: {rss_small} MB, at N={n_large}: {rss_large} MB")
            print(f"  growth: {100 * (rss_large / rss_small - 1):+.1f}%  (target within 15%)")
            print(f"\n[rerun] N={n_small}: first run {first:.1f} s, unchanged rerun {rerun:.2f} s ({said})")
            print(f"  rerun is {first / rerun:.0f}x faster  (target >= 20x)")


if __name__ == "__main__":
    main()
