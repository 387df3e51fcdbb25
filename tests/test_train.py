"""``parley train`` end to end on a made-up target: the target is a setting.

An analyst with statements labelled for another target (here a canal treaty between two
invented towns) writes a labelled corpus, trains with ``parley train``, points a copy
of the config at the model and at a lexicon for that target, and gets stances for it.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parents[1]

# (speaker, statement, stance): sentences of our own about an invented treaty
STATEMENTS = [
    ("Mayor Ana Costa", "the council strongly backs the canal treaty", "support"),
    ("Mayor Ana Costa", "signing the canal treaty is good for both towns", "support"),
    ("Governor Piet Bakker", "the province welcomes the canal treaty", "support"),
    ("Governor Piet Bakker", "the canal treaty deserves everyone's backing", "support"),
    ("Senator Lisa Brandt", "the canal treaty must be scrapped at once", "oppose"),
    ("Senator Lisa Brandt", "her party rejects the canal treaty outright", "oppose"),
    ("Professor Omar Haddad", "the farmers reject the canal treaty", "oppose"),
    ("Professor Omar Haddad", "the canal treaty should be scrapped", "oppose"),
    ("Mayor Ana Costa", "the weather delayed the harbour works", "neutral"),
    ("Governor Piet Bakker", "the ferry timetable changes in spring", "neutral"),
]


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    documents, rows = [], []
    for i, (speaker, statement, stance) in enumerate(STATEMENTS):
        doc_id = f"canal_{i:02d}"
        text = f"Canal news\n\n{speaker} said on Tuesday that {statement}.\n"
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        rows.append({"doc_id": doc_id, "file": f"{doc_id}.txt", "title": "Canal news", "outlet": "Test",
                     "url": "", "published": "2031-05-06"})
        documents.append({"doc_id": doc_id, "quotes": [
            {"text": statement, "kind": "indirect", "speaker": speaker, "speaker_kind": "named", "stance": stance}]})
    with open(folder / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "gold.yaml").write_text(yaml.safe_dump({"documents": documents}), encoding="utf-8")
    return folder


@pytest.mark.slow
def test_train_a_model_for_another_target_and_use_it_from_a_config(tmp_path):
    corpus = write_corpus(tmp_path / "canal")
    model_dir = tmp_path / "canal-model"
    trained = CliRunner().invoke(app, ["train", "--corpus", str(corpus), "--out", str(model_dir), "--seed", "1"])
    assert trained.exit_code == 0, trained.output
    assert "10 statements" in trained.output and (model_dir / "model.json").is_file()
    first = (model_dir / "model.json").read_bytes()
    again = CliRunner().invoke(app, ["train", "--corpus", str(corpus), "--out", str(tmp_path / "again"), "--seed", "1"])
    assert again.exit_code == 0 and (tmp_path / "again" / "model.json").read_bytes() == first

    # the analyst's lexicon for the new target, and a copy of the config pointing at both
    lexicon = yaml.safe_load((REPO / "configs" / "stance.yml").read_text(encoding="utf-8"))
    lexicon["targets"] = {"phrases": ["canal treaty", "treaty"], "end_verbs": [], "conflict_nouns": []}
    (tmp_path / "canal.yml").write_text(yaml.safe_dump(lexicon), encoding="utf-8")
    config = (REPO / "configs" / "default.cfg").read_text(encoding="utf-8")
    config = config.replace('lexicon_path = "${paths.configs}/stance.yml"', f'lexicon_path = "{tmp_path / "canal.yml"}"')
    config = config.replace('model_path = "${paths.configs}/../models/stance"', f'model_path = "{model_dir}"')
    config = config.replace("${paths.configs}", str(REPO / "configs"))
    (tmp_path / "canal.cfg").write_text(config, encoding="utf-8")

    from pipeline import analyze

    tables = analyze("Canal vote\n\nSenator Mia Jansen said on Monday that she rejects the canal treaty.\n",
                     published="2031-06-01", config=tmp_path / "canal.cfg")
    quotes = tables["quotes"]
    assert list(quotes["stance"]) == ["oppose"], quotes[["text", "stance", "stance_evidence"]]
    assert "reject" in quotes["stance_evidence"].iloc[0]
