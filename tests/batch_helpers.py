"""Small hand-written corpora and a frozen config for the runner and corpus tests."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
TABLES = ("documents", "entities", "quotes", "dates", "stances", "actors")

ARTICLES = {
    "talks": (
        "Kremlin rules out talks\n"
        "Kremlin spokesman Dmitry Peskov said on Monday that there was no basis for peace talks with Kyiv. "
        "“We see no chance of negotiations this year,” Peskov told reporters in Moscow.\n"
    ),
    "summit": (
        "Zelensky backs summit plan\n"
        "Ukrainian President Volodymyr Zelensky said last week that he supports a peace summit in Switzerland "
        "in June, provided Russian troops withdraw. “Talks are possible only on our terms,” he said.\n"
    ),
    "grain": (
        "UN proposes grain escort\n"
        "The United Nations proposed on 3 March 2023 a plan to escort grain ships from Odesa. "
        "Turkish officials said Ankara was ready to host talks between the two sides.\n"
    ),
    "envoy": (
        "Envoy sees no progress\n"
        "A senior Western diplomat said negotiations had stalled since 2022. "
        "“Nobody is ready to compromise,” the diplomat said on Friday.\n"
    ),
}


def write_corpus(folder: Path, articles: dict[str, str], published: dict[str, str] | None = None,
                 manifest: bool = True) -> Path:
    """Write ``articles`` (doc_id → text) as .txt files plus a manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for doc_id, text in articles.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        rows.append({"doc_id": doc_id, "file": f"{doc_id}.txt", "title": text.splitlines()[0], "outlet": "",
                     "url": "", "published": (published or {}).get(doc_id, "2024-03-15")})
    if manifest:
        write_manifest(folder, rows)
    return folder


def write_manifest(folder: Path, rows: list[dict], extra_columns: tuple[str, ...] = ()) -> None:
    columns = ["doc_id", "file", "title", "outlet", "url", "published", *extra_columns]
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)


def frozen_config(folder: Path, **corpus_settings) -> Path:
    """A copy of configs/ and models/ (other work may edit the originals mid-test); ``[corpus]`` settings overridden."""
    target = folder / "configs"
    shutil.copytree(REPO / "configs", target)
    shutil.copytree(REPO / "models", folder / "models")  # the config names ${paths.configs}/../models
    cfg = target / "default.cfg"
    text = cfg.read_text(encoding="utf-8")
    for key, value in corpus_settings.items():
        lines = [f"{key} = {value}" if line.startswith(f"{key} =") else line for line in text.splitlines()]
        text = "\n".join(lines) + "\n"
    cfg.write_text(text, encoding="utf-8")
    return cfg


def read_tables(out: Path, names=TABLES) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in names}


def only_docs(frame: pd.DataFrame, doc_ids) -> pd.DataFrame:
    column = "doc_id" if "doc_id" in frame else None
    if column is None:
        return frame
    return frame[frame["doc_id"].isin(list(doc_ids))].reset_index(drop=True)
