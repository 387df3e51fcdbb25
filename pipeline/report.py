"""The HTML report: stance map, actors, evaluation and annotated articles in one page.

``write_report`` reads the tables in an output folder (and the article texts from the
corpus folder, which the tables' offsets index); it never re-runs the NLP. The page is
self-contained: inline CSS, a few lines of inline script, no fonts, images or scripts
from elsewhere, so it opens offline. The stance map is an HTML table styled with CSS;
the articles are rendered with displaCy's span visualiser (``manual=True``), each
label reserving its own width so that labels of overlapping or neighbouring spans
never collide.

The article texts come from the output folder's ``texts`` table (the analysed text,
which the offsets index), else from the corpus folder: the one given, else the one
``run`` recorded in ``run.json``.

``open_in_browser`` and ``screenshot`` drive a headless Chromium over the written page,
for the ``--screenshot`` option and the tests.
"""
from __future__ import annotations

import bisect
import datetime as dt
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd
from spacy import displacy

from pipeline.actors_table import COLUMNS as ACTOR_COLUMNS
from pipeline.atomic import atomic_write
from pipeline.actors_table import UNKNOWN, build_actors_table, window_label
from pipeline.corpus import CorpusError, iter_articles
from pipeline.runlog import read_run_record
from pipeline.schema import PARTS, STANCES, TABLE_NAMES, OutputsError, empty_table, read_table

REPORT_FILE = "report.html"
# The files of an output folder offered for download, in this order.
DOWNLOADS = (*TABLE_NAMES, "actors", "statements", "network", "problems", "eval", "eval_errors")
SCREENSHOT_FILE = "report.png"

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
STANCE_COLORS = {
    "support": "#009E73",
    "oppose": "#D55E00",
    "conditional": "#E69F00",
    "neutral": "#B8B8B8",
    "mixed": "#CC79A7",
}
STANCE_TEXT = {"support": "#fff", "oppose": "#fff", "conditional": "#000", "neutral": "#000", "mixed": "#000"}
STANCE_HELP = {
    "support": "for negotiations",
    "oppose": "against negotiations",
    "conditional": "for negotiations on conditions",
    "neutral": "takes no side",
    "mixed": "sides tie within the cell",
}
SPEAKER_COLOR = "#56B4E9"
DATE_COLOR = "#F0E442"
PARAGRAPH = "\u2029"  # a whitespace token that marks a line break in the article text


class ReportError(ValueError):
    """The report cannot be made (no output folder)."""


@dataclass
class ReportData:
    """Everything the page shows, read from the output and corpus folders."""

    tables: dict[str, pd.DataFrame]
    actors: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)  # doc_id → the text the offsets index
    titles: dict[str, str] = field(default_factory=dict)
    evaluation: Optional[dict] = None
    notes: list[str] = field(default_factory=list)
    missing_texts: list[str] = field(default_factory=list)  # analysed articles whose text was not found
    files: list[Path] = field(default_factory=list)  # the table files offered for download


# ----------------------------------------------------------------------------- reading


def load_report_data(out_dir: Path, corpus_dir: Optional[Path] = None) -> ReportData:
    """Read the tables, the actors table, eval.json and the article texts.

    A missing table reads as empty and a missing corpus or eval.json leaves its
    section out; each such gap becomes a note shown on the page. Article texts come
    from the ``texts`` table, else from the corpus folder (``corpus_dir``, else the
    one recorded by ``run``); analysed articles still without a text are listed in
    ``missing_texts``.

    Args:
        out_dir: the folder holding the pipeline's output tables.
        corpus_dir: the corpus folder the tables were made from; None: the recorded one.
    Returns:
        The report's data.
    Raises:
        ReportError: ``out_dir`` is not a folder.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise ReportError(f"no output folder {out_dir}; run `parley run` first")
    notes: list[str] = []
    tables = {}
    for name in TABLE_NAMES:
        try:
            tables[name] = read_table(out_dir, name)
        except OutputsError:
            notes.append(f"no {name} table in {out_dir}: shown as empty")
            tables[name] = empty_table(name)
    actors = read_actors(out_dir, tables["stances"], tables["documents"])

    documents = tables["documents"]
    texts = {_text(d): _text(t) for d, t in zip(tables["texts"]["doc_id"], tables["texts"]["text"])}
    titles = {_text(d): _text(t) for d, t in zip(documents["doc_id"], documents["title"]) if _text(t)}
    analysed = [_text(d) for d, s in zip(documents["doc_id"], documents["status"]) if _text(s) == "ok"]
    if any(doc_id not in texts for doc_id in analysed):
        corpus_dir = corpus_dir or read_run_record(out_dir).get("corpus")
        if corpus_dir is None:
            notes.append("no texts table and no corpus folder given or recorded by the run: "
                         "article texts are not shown")
        else:
            try:
                for article in iter_articles(Path(corpus_dir)):
                    texts.setdefault(article.doc_id, article.text)
                    titles.setdefault(article.doc_id, article.title)
            except CorpusError as err:
                notes.append(f"article texts unavailable: {err}")
    missing = [doc_id for doc_id in analysed if not texts.get(doc_id)]
    if missing:
        notes.append(f"the texts of {_plural(len(missing), 'analysed article')} were not found "
                     f"(first: {missing[0]}): they are shown without their annotations")

    evaluation = None
    eval_path = out_dir / "eval.json"
    if eval_path.is_file():
        try:
            evaluation = json.loads(eval_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            notes.append(f"{eval_path.name} unreadable: {err}")
    files = [out_dir / f"{name}{suffix}" for name in DOWNLOADS for suffix in (".csv", ".parquet", ".graphml", ".json")
             if (out_dir / f"{name}{suffix}").is_file()]
    return ReportData(tables=tables, actors=actors, texts=texts, titles=titles, evaluation=evaluation, notes=notes,
                      missing_texts=missing, files=files)


def read_actors(out_dir: Path, stances: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """The ``actors`` table from ``out_dir``, or built from the stances when it is absent."""
    parquet, csv_path = Path(out_dir) / "actors.parquet", Path(out_dir) / "actors.csv"
    if parquet.is_file():
        frame = pd.read_parquet(parquet)
    elif csv_path.is_file():
        frame = pd.read_csv(csv_path, dtype={"actor": str, "window": str}, keep_default_na=False)
    else:
        frame = build_actors_table(stances, documents)
    if frame.empty:
        return pd.DataFrame(columns=ACTOR_COLUMNS)
    return frame


# ----------------------------------------------------------------------------- helpers


def _text(value) -> str:
    """A table value as display text ("" for missing values)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def esc(value) -> str:
    """HTML-escape a table value (quotes included, so it is safe in attributes)."""
    return html.escape(_text(value), quote=True)


def slug(prefix: str, value: str) -> str:
    """An HTML id from arbitrary text (ids only need to be unique and stable)."""
    return f"{prefix}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-")


def stance_chip(stance: str, label: str = "", title: str = "", size: Optional[int] = None) -> str:
    """A coloured badge for a stance, optionally sized and with a hover title."""
    stance = stance if stance in STANCE_COLORS else "neutral"
    style = f"--size:{size}px" if size else ""
    attrs = f' title="{esc(title)}"' if title else ""
    return f'<span class="chip s-{stance}" style="{style}"{attrs}>{esc(label)}</span>'


def _doc_dates(documents: pd.DataFrame) -> dict[str, str]:
    """doc_id → the article's date (publication date, else its anchor)."""
    out = {}
    for row in documents.to_dict("records"):
        out[_text(row["doc_id"])] = _text(row.get("published")) or _text(row.get("anchor"))
    return out


# ----------------------------------------------------------------------------- statements


def _other_names(row: dict, actor: str) -> str:
    """The spellings the articles used for an actor, when they differ from its id."""
    names = [n for n in _text(row.get("names")).split("; ") if n and n != actor]
    return f'<br><small class="names">as {esc(", ".join(names))}</small>' if names else ""


def statements(data: ReportData) -> pd.DataFrame:
    """One row per quote behind a ``stances`` row: actor, doc, date, quote and its stance.

    Columns: actor (the cross-article ``actor_id``), name (as the article wrote it),
    actor_kind, doc_id, date, title, quote_id, text, stance, cue, evidence,
    start_char; sorted by actor, date and position in the article.
    """
    stances, quotes = data.tables["stances"], data.tables["quotes"]
    dates = _doc_dates(data.tables["documents"])
    by_quote = {(_text(q["doc_id"]), _text(q["quote_id"])): q for q in quotes.to_dict("records")}
    rows = []
    for s in stances.to_dict("records"):
        doc_id = _text(s["doc_id"])
        ids = [q for q in _text(s["quote_ids"]).split(";") if q] or [""]
        for quote_id in ids:
            q = by_quote.get((doc_id, quote_id), {})
            # A row shows its own statement's stance and cues only, never the actor's
            # summary (whose evidence comes from the actor's other statements).
            rows.append({
                "actor": _text(s.get("actor_id")) or _text(s["actor"]), "name": _text(s["actor"]),
                "actor_kind": _text(s["actor_kind"]), "doc_id": doc_id,
                "date": dates.get(doc_id, ""), "title": data.titles.get(doc_id, ""),
                "quote_id": quote_id, "text": _text(q.get("text")),
                "stance": _text(q.get("stance")), "cue": _text(q.get("cue")),
                "evidence": _text(q.get("stance_evidence")),
                "start_char": _int(q.get("start_char"), -1),
            })
    columns = ["actor", "name", "actor_kind", "doc_id", "date", "title", "quote_id", "text", "stance", "cue",
               "evidence", "start_char"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(["actor", "date", "doc_id", "start_char"], kind="stable").reset_index(drop=True)


def cue_tags(evidence: str) -> list[str]:
    """The cue words of a statement's evidence, split on every separator (";" and "|")."""
    return [tag.strip() for tag in re.split(r"[;|]", evidence) if tag.strip()]


def _window_kind(actors: pd.DataFrame) -> str:
    kinds = [k for k in actors["window_kind"].astype(str).unique() if k != "all"] if len(actors) else []
    return kinds[0] if kinds else "month"


def _window_order(label: str) -> tuple:
    return (label == UNKNOWN, label)


def continuous_windows(labels: Iterable[str], kind: str) -> list[str]:
    """Every window from the first to the last label, those without articles included,
    then ``unknown`` (undated articles) when present; ``article`` windows as given."""
    labels = set(labels)
    dated = sorted(label for label in labels if label != UNKNOWN)
    if kind not in ("month", "quarter", "year", "week") or not dated:
        return sorted(labels, key=_window_order)
    periods = [_period(label, kind) for label in dated]
    if any(period is None for period in periods):  # a label of another kind: keep what is there
        return sorted(labels, key=_window_order)
    every = pd.period_range(min(periods), max(periods), freq=periods[0].freq)
    return [_period_label(period, kind) for period in every] + ([UNKNOWN] if UNKNOWN in labels else [])


def _period(label: str, kind: str) -> Optional[pd.Period]:
    """A window label ("2023-05", "2023-Q2", "2023", "2023-W19") as a pandas Period."""
    try:
        if kind == "week":
            year, week = label.split("-W")
            return pd.Period(dt.date.fromisocalendar(int(year), int(week), 1), freq="W-SUN")
        freq = {"month": "M", "quarter": "Q", "year": "Y"}[kind]
        return pd.Period(label.replace("-Q", "Q"), freq=freq)
    except (ValueError, KeyError):
        return None


def _period_label(period: pd.Period, kind: str) -> str:
    if kind == "week":
        year, week, _ = period.start_time.date().isocalendar()
        return f"{year}-W{week:02d}"
    if kind == "quarter":
        return f"{period.year}-Q{period.quarter}"
    return str(period.year) if kind == "year" else f"{period.year}-{period.month:02d}"


def _ordered_actors(actors: pd.DataFrame) -> list[dict]:
    """The actors' overall rows: named actors first, then by quotes, then by name."""
    overall = actors[actors["window_kind"].astype(str) == "all"].to_dict("records")
    return sorted(overall, key=lambda r: (_text(r.get("actor_kind")) != "named", -_int(r.get("n_quotes")),
                                          _text(r["actor"]).lower()))


# ----------------------------------------------------------------------------- sections


def render_summary(data: ReportData, n_actors: int) -> str:
    """The row of headline figures under the title."""
    documents = data.tables["documents"]
    n_ok = int((documents["status"].astype(str) == "ok").sum()) if len(documents) else 0
    n_failed = len(documents) - n_ok
    cards = [
        ("articles", f"{n_ok}" + (f" <small>+{n_failed} failed</small>" if n_failed else "")),
        ("quotes", str(len(data.tables["quotes"]))),
        ("actors with a stance", str(n_actors)),
        ("entity mentions", str(len(data.tables["entities"]))),
        ("dates normalised", str(len(data.tables["dates"]))),
    ]
    if data.evaluation:
        f1 = data.evaluation.get("pooled", {}).get("stances", {}).get("end_to_end", {}).get("f1")
        cards.append(("stance end-to-end F1", _fmt(f1)))
    body = "".join(f'<div class="card"><div class="big">{value}</div><div>{esc(label)}</div></div>'
                   for label, value in cards)
    return f'<div class="cards">{body}</div>'


def render_legend() -> str:
    """The stance colour legend shared by the map, the actors and the articles."""
    items = "".join(f'<span class="legend-item">{stance_chip(s)} <b>{s}</b> <small>{STANCE_HELP[s]}</small></span>'
                    for s in STANCE_COLORS)
    return f'<div class="legend" id="stance-legend">{items}</div>'


def _cell_title(actor: str, window: str, counts: dict, rows: list[dict]) -> str:
    split = ", ".join(f"{counts[s]} {s}" for s in STANCES if counts.get(s))
    lines = [f"{actor} — {window}", split or "no statements"]
    for r in rows:
        where = " · ".join(x for x in (r["date"], r["title"] or r["doc_id"]) if x)
        quote = f"“{r['text']}”" if r["text"] else "(no quote text)"
        cue = f" [{'; '.join(cue_tags(r['evidence']))}]" if r["evidence"] else ""
        lines.append(f"• {r['stance']}: {quote}{cue} — {where}")
    return "\n".join(lines)


def chip_size(n: int) -> int:
    """Chip side in px, growing with the square root of the number of quotes."""
    return int(min(32, 18 + 6 * math.sqrt(max(n, 1) - 1)))


def render_stance_map(data: ReportData, actor_ids: dict[str, str], said: pd.DataFrame) -> str:
    """Actors × time windows; each cell a chip coloured by the dominant stance, sized by quotes."""
    actors = data.actors
    ordered = _ordered_actors(actors)
    if not ordered:
        return '<p class="empty" id="stance-map">No statements with a resolved speaker in these tables.</p>'
    kind = _window_kind(actors)
    cells = actors[actors["window_kind"].astype(str) != "all"]
    windows = continuous_windows({_text(w) for w in cells["window"]}, kind)
    by_cell = {(_text(r["actor"]), _text(r["window"])): r for r in cells.to_dict("records")}

    documents = data.tables["documents"]
    doc_window = {}
    if len(documents):
        labels = window_label(documents["published"].fillna("").astype(str), documents["doc_id"].astype(str), kind)
        doc_window = dict(zip(documents["doc_id"].astype(str), labels.astype(str)))
    said_rows: dict[tuple[str, str], list[dict]] = {}
    for r in said.to_dict("records"):
        said_rows.setdefault((r["actor"], doc_window.get(r["doc_id"], UNKNOWN)), []).append(r)

    with_articles = set(doc_window.values())
    head = "".join(f'<th class="win" scope="col">{esc(w)}</th>' if w in with_articles or not doc_window else
                   f'<th class="win quiet" scope="col" title="no articles in this {kind}">{esc(w)}</th>'
                   for w in windows)
    out = [f'<div class="map-wrap"><table class="stance-map" id="stance-map">'
           f'<thead><tr><th class="actor-h" scope="col">actor</th>{head}'
           f'<th class="overall-h" scope="col">overall</th></tr></thead><tbody>']
    group = None
    for row in ordered:
        actor = _text(row["actor"])
        named = _text(row.get("actor_kind")) == "named"
        if named != group:
            group = named
            n_group = sum(1 for r in ordered if (_text(r.get("actor_kind")) == "named") == named)
            label = "named actors" if named else "unnamed sources"
            out.append(f'<tr class="group"><th colspan="{len(windows) + 2}">{label} ({n_group})</th></tr>')
        tds = []
        for window in windows:
            cell = by_cell.get((actor, window))
            if cell is None:
                tds.append('<td class="cell"></td>')
                continue
            counts = {s: _int(cell.get(f"n_{s}")) for s in STANCES}
            n = _int(cell.get("n_quotes")) or sum(counts.values())
            title = _cell_title(actor, window, counts, said_rows.get((actor, window), []))
            chip = stance_chip(_text(cell.get("dominant_stance")), str(n), title, chip_size(n))
            tds.append(f'<td class="cell"><a href="#{actor_ids[actor]}">{chip}</a></td>')
        counts = {s: _int(row.get(f"n_{s}")) for s in STANCES}
        total = sum(counts.values()) or 1
        bar = "".join(f'<span class="seg s-{s}" style="width:{100 * counts[s] / total:.1f}%"></span>'
                      for s in STANCES if counts[s])
        overall_title = ", ".join(f"{counts[s]} {s}" for s in STANCES if counts[s])
        n_quotes = _int(row.get("n_quotes"))
        out.append(
            f'<tr><th class="actor" scope="row"><a href="#{actor_ids[actor]}">{esc(actor)}</a>{_other_names(row, actor)}</th>'
            f'{"".join(tds)}'
            f'<td class="overall" title="{esc(overall_title)}"><span class="bar">{bar}</span>'
            f'<small>{_plural(n_quotes, "quote")}</small></td></tr>'
        )
    out.append("</tbody></table></div>")
    note = (f'<p class="hint">Columns are {kind}s of publication. A cell\'s colour is the actor\'s dominant stance '
            f'in that {kind} (a side taken outweighs neutral statements), its number and size the quotes behind it. '
            f'Hover a cell for the quotes; click it or a name for the actor\'s statements.</p>')
    return note + "".join(out)


def render_actors(data: ReportData, actor_ids: dict[str, str], said: pd.DataFrame) -> str:
    """Per actor: its statements in date order with stance, cue words and source article."""
    ordered = _ordered_actors(data.actors)
    if not ordered:
        return '<p class="empty">No actors.</p>'
    grouped = {actor: frame for actor, frame in said.groupby("actor", sort=False)}
    doc_ids = set(data.tables["documents"]["doc_id"].astype(str))
    out = []
    for row in ordered:
        actor = _text(row["actor"])
        kind = _text(row.get("actor_kind"))
        n_articles = _int(row.get("n_articles"))
        net = row.get("net_score")
        net_text = f"net {float(net):+.2f}" if _text(net) else ""
        summary = (f'{stance_chip(_text(row.get("dominant_stance")), "", "dominant stance")} '
                   f'<b>{esc(actor)}</b> <span class="kind">{esc(kind)}</span> '
                   f'<span class="muted">{_plural(_int(row.get("n_quotes")), "quote")} in '
                   f'{_plural(n_articles, "article")} · {esc(net_text)}</span>')
        lines = []
        frame = grouped.get(actor)
        for r in ([] if frame is None else frame.to_dict("records")):
            source = esc(r["title"] or r["doc_id"])
            if r["doc_id"] in doc_ids:
                source = f'<a href="#{slug("doc", r["doc_id"])}">{source}</a>'
            cues = "".join(f'<span class="tag">{esc(tag)}</span>' for tag in cue_tags(r["evidence"]))
            verb = f'<span class="verb">{esc(r["cue"])}</span>' if r["cue"] else ""
            quote = f"“{esc(r['text'])}”" if r["text"] else '<span class="muted">(quote not found)</span>'
            lines.append(f'<tr><td class="date">{esc(r["date"])}</td><td>{stance_chip(r["stance"], r["stance"])}</td>'
                         f'<td class="quote">{quote}</td><td>{verb}{cues}</td><td class="src">{source}</td></tr>')
        table = ('<table class="statements"><thead><tr><th>date</th><th>stance</th><th>statement</th>'
                 '<th>cue words</th><th>article</th></tr></thead><tbody>' + "".join(lines) + "</tbody></table>")
        is_open = " open" if kind == "named" else ""
        out.append(f'<details class="actor" id="{actor_ids[actor]}"{is_open}><summary>{summary}</summary>{table}</details>')
    return "".join(out)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def render_evaluation(evaluation: Optional[dict]) -> str:
    """The figures of ``evaluate`` and the stance confusion matrix, when eval.json exists."""
    if not evaluation:
        return '<p class="empty">No evaluation yet: run <code>parley evaluate</code> to add it here.</p>'
    pooled = evaluation.get("pooled", {})
    extras = {
        "quotes": lambda f: f"speaker accuracy {_fmt(f.get('speaker_acc'))}",
        "dates": lambda f: f"value accuracy {_fmt(f.get('value_acc'))}",
        "stances": lambda f: (f"stance accuracy {_fmt(f.get('stance_acc'))} · macro-F1 {_fmt(f.get('macro_f1'))} · "
                              f"end-to-end F1 {_fmt((f.get('end_to_end') or {}).get('f1'))}"),
    }
    rows = []
    for part in PARTS:
        f = pooled.get(part)
        if not f:
            continue
        extra = extras[part](f) if part in extras else ""
        rows.append(f'<tr><th scope="row">{part}</th><td>{_fmt(f.get("p"))}</td><td>{_fmt(f.get("r"))}</td>'
                    f'<td class="f1">{_fmt(f.get("f1"))}</td><td>{_int(f.get("tp"))}</td>'
                    f'<td>{_int(f.get("n_pred"))}</td><td>{_int(f.get("n_gold"))}</td><td class="muted">{esc(extra)}</td></tr>')
    figures = ('<table class="figures"><thead><tr><th>part</th><th>P</th><th>R</th><th>F1</th><th>matched</th>'
               '<th>predicted</th><th>gold</th><th>more</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")
    n_docs = evaluation.get("n_documents")
    caption = f'<p class="hint">{esc(n_docs)} gold documents, micro-averaged.</p>' if n_docs is not None else ""
    out = [caption, figures, render_confusion((pooled.get("stances") or {}).get("confusion"))]
    warnings = evaluation.get("warnings") or []
    if warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in warnings)
        out.append(f"<details><summary>{len(warnings)} gold warnings</summary><ul>{items}</ul></details>")
    return "".join(out)


def render_confusion(conf: Optional[dict]) -> str:
    """Gold stance (rows) × predicted stance (columns), for actors matched to gold."""
    if not conf or not conf.get("matrix"):
        return ""
    labels, matrix, other = conf["labels"], conf["matrix"], conf.get("other") or [0] * len(conf["labels"])
    peak = max([v for row in matrix for v in row] + list(other) + [1])
    head = "".join(f'<th scope="col">{stance_chip(s, s)}</th>' for s in labels) + '<th scope="col">other / none</th>'
    rows = []
    for g, gold in enumerate(labels):
        cells = []
        for value, diagonal in [(v, p == g) for p, v in enumerate(matrix[g])] + [(other[g], False)]:
            alpha = 0.08 + 0.6 * value / peak if value else 0
            rgb = "0,158,115" if diagonal else "213,94,0"
            cells.append(f'<td class="n" style="background:rgba({rgb},{alpha:.2f})">{value}</td>')
        rows.append(f'<tr><th scope="row">{stance_chip(gold, gold)}</th>{"".join(cells)}</tr>')
    return ('<h3>Stance confusion matrix</h3><p class="hint">Rows: gold stance; columns: predicted stance, '
            'for actors matched to gold. Green: agreement.</p>'
            f'<table class="confusion" id="confusion"><thead><tr><th>gold \\ predicted</th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


# ----------------------------------------------------------------------------- articles


def whitespace_tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    """Split ``text`` on whitespace; a gap with a line break becomes a ``PARAGRAPH`` token.

    Returns:
        The tokens and, for each, its start and end offsets in ``text``
        (a paragraph token spans its whitespace gap).
    """
    tokens, starts, ends = [], [], []
    last = 0
    for match in re.finditer(r"\S+", text):
        gap = text[last:match.start()]
        if tokens and "\n" in gap:
            tokens.append(PARAGRAPH)
            starts.append(last)
            ends.append(match.start())
        tokens.append(match.group())
        starts.append(match.start())
        ends.append(match.end())
        last = match.end()
    return tokens, starts, ends


def token_range(starts: list[int], ends: list[int], start_char: int, end_char: int) -> Optional[tuple[int, int]]:
    """The tokens overlapping characters [start_char, end_char), as (first, last + 1); None if none do."""
    first = bisect.bisect_right(ends, start_char)
    last = bisect.bisect_left(starts, end_char)
    if first >= last:
        return None
    return first, last


def article_spans(text: str, entities: pd.DataFrame, quotes: pd.DataFrame, dates: pd.DataFrame,
                  actor_ids: Optional[dict[str, str]] = None) -> tuple[dict, dict[str, str]]:
    """The displaCy ``manual`` input for one article, and the colour of each label used.

    Entities keep their label; a quote is labelled with its stance and links to its
    speaker; a speaker mention is ``SPEAKER``; a date shows its normalised value.
    Labels are HTML-escaped here, since displaCy inserts them as they are.
    """
    actor_ids = actor_ids or {}
    tokens, starts, ends = whitespace_tokens(text)
    spans: list[dict] = []
    colors: dict[str, str] = {}

    def add(start, end, label, color=None, kb_id="", kb_url="#"):
        start, end = _int(start, -1), _int(end, -1)
        if start < 0 or end <= start:
            return
        rng = token_range(starts, ends, start, end)
        if rng is None:
            return
        label = html.escape(label, quote=True)
        span = {"start_token": rng[0], "end_token": rng[1], "label": label}
        if kb_id:
            span.update(kb_id=html.escape(kb_id, quote=True), kb_url=html.escape(kb_url, quote=True))
        spans.append(span)
        if color:
            colors[label] = color

    for e in entities.to_dict("records"):
        add(e["start_char"], e["end_char"], _text(e["label"]) or "ENTITY")
    for q in quotes.to_dict("records"):
        stance = _text(q["stance"]) or "neutral"
        speaker = _text(q["speaker"])
        target = actor_ids.get(speaker)
        add(q["start_char"], q["end_char"], f"QUOTE · {stance}", STANCE_COLORS.get(stance, STANCE_COLORS["neutral"]),
            kb_id=f"— {speaker}" if speaker else "— speaker unresolved", kb_url=f"#{target}" if target else "#")
        add(q["speaker_start_char"], q["speaker_end_char"], f"SPEAKER {_text(q['quote_id'])}", SPEAKER_COLOR)
    for d in dates.to_dict("records"):
        value = _text(d["value"]) or "?"
        mod = _text(d["mod"])
        add(d["start_char"], d["end_char"], f"DATE = {value}" + (f" ({mod})" if mod else ""), DATE_COLOR)
    return {"text": text, "tokens": tokens, "spans": spans}, colors


# displaCy's span templates with one addition: before the (absolutely placed) label,
# the same label in flow, invisible and zero-high, so the token is at least as wide as
# its label. displaCy stacks overlapping spans in separate rows, so with every label
# inside its own token no label can run over a neighbour's. The token template puts
# the labels before the token's text, so that the text stays the token's last line
# and sits on the line's baseline.
SPAN_TOKEN = """
<span style="font-weight: bold; display: inline-block; position: relative; height: {total_height}px;">
    {span_starts}
    {text}
    {span_slices}
</span>
"""
SPAN_START = """
<span class="span-room" aria-hidden="true">{label}{kb_link}</span>
<span class="span-bar" style="background: {bg}; top: {top_offset}px; height: 4px; border-top-left-radius: 3px; border-bottom-left-radius: 3px; left: -1px; width: calc(100% + 2px); position: absolute;">
    <span class="span-label" style="background: {bg}; z-index: 10; color: #000; top: -0.5em; padding: 2px 3px; position: absolute; font-size: 0.6em; font-weight: bold; line-height: 1; border-radius: 3px">{label}{kb_link}</span>
</span>
"""


def render_article_text(text: str, entities: pd.DataFrame, quotes: pd.DataFrame, dates: pd.DataFrame,
                        actor_ids: Optional[dict[str, str]] = None) -> str:
    """One article's text with its entities, quotes, speakers and dates, via displaCy."""
    from spacy.displacy.templates import TPL_SPAN_SLICE

    parsed, colors = article_spans(text, entities, quotes, dates, actor_ids)
    template = {"span": SPAN_TOKEN, "slice": TPL_SPAN_SLICE, "start": SPAN_START}
    markup = displacy.render(parsed, style="span", manual=True, page=False, jupyter=False,
                             options={"colors": colors, "template": template})
    # displaCy writes each plain token followed by a space; line breaks become <br>.
    return re.sub(f"{PARAGRAPH}+ ", "<br>", markup)


def render_articles(data: ReportData, actor_ids: dict[str, str]) -> str:
    """Each article: its header and its annotated text (or why it has none)."""
    documents = data.tables["documents"]
    if documents.empty:
        return '<p class="empty">No articles in the documents table.</p>'
    grouped = {name: dict(tuple(data.tables[name].groupby("doc_id", sort=False)))
               for name in ("entities", "quotes", "dates")}
    out = []
    for i, row in enumerate(documents.to_dict("records")):
        doc_id = _text(row["doc_id"])
        text = data.texts.get(doc_id, "")
        title = data.titles.get(doc_id) or doc_id
        status = _text(row["status"]) or "ok"
        counts = (f'{_int(row.get("n_quotes"))} quotes · {_int(row.get("n_entities"))} entities · '
                  f'{_int(row.get("n_dates"))} dates') if status == "ok" else "failed"
        date = _text(row.get("published")) or _text(row.get("anchor"))
        summary = (f'<b>{esc(title)}</b> <span class="muted">{esc(date)} · {esc(doc_id)} · {counts}</span>'
                   + (' <span class="failed">error</span>' if status != "ok" else ""))
        if status != "ok":
            body = f'<p class="error">{esc(row.get("error"))}</p>'
        elif not text:
            body = ('<p class="empty">Article text unavailable: no texts table in the output folder and the '
                    'article is not in the corpus folder.</p>')
        else:
            parts = [grouped[name].get(doc_id, empty_table(name)) for name in ("entities", "quotes", "dates")]
            body = f'<div class="article-text">{render_article_text(text, *parts, actor_ids=actor_ids)}</div>'
        is_open = " open" if i == 0 else ""
        out.append(f'<details class="article" id="{slug("doc", doc_id)}"{is_open}><summary>{summary}</summary>'
                   f"{body}</details>")
    legend = ('<div class="legend">'
              '<span class="legend-item"><span class="line" style="background:#aa9cfc"></span>entity (label)</span>'
              f'<span class="legend-item"><span class="line" style="background:{STANCE_COLORS["support"]}"></span>'
              'quote, coloured by stance, with its speaker</span>'
              f'<span class="legend-item"><span class="line" style="background:{SPEAKER_COLOR}"></span>speaker</span>'
              f'<span class="legend-item"><span class="line" style="background:{DATE_COLOR}"></span>'
              'date = normalised value</span></div>')
    return legend + "".join(out)


# ----------------------------------------------------------------------------- page


CSS = """
:root { --ink:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#f6f8fa; --accent:#0969da; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif; color:var(--ink); background:#fff; }
header.top { background:#24292f; color:#fff; padding:18px 32px 14px; }
header.top h1 { margin:0; font-size:22px; font-weight:600; }
header.top p { margin:4px 0 0; color:#c9d1d9; font-size:13px; }
nav { position:sticky; top:0; z-index:20; background:#fff; border-bottom:1px solid var(--line); padding:8px 32px; display:flex; gap:18px; font-size:14px; }
nav a { color:var(--accent); text-decoration:none; }
main { padding:8px 32px 48px; max-width:1400px; }
h2 { font-size:19px; border-bottom:1px solid var(--line); padding-bottom:6px; margin-top:32px; }
h3 { font-size:16px; margin-top:22px; }
a { color:var(--accent); }
.muted, .hint { color:var(--muted); }
.hint { font-size:13px; margin:4px 0 10px; }
.notes { background:#fff8c5; border:1px solid #d4a72c66; border-radius:6px; padding:6px 12px; font-size:13px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin:18px 0 4px; }
.card { background:var(--bg); border:1px solid var(--line); border-radius:8px; padding:10px 16px; min-width:130px; font-size:13px; color:var(--muted); }
.card .big { font-size:24px; font-weight:600; color:var(--ink); }
.legend { display:flex; flex-wrap:wrap; gap:8px 18px; align-items:center; font-size:13px; margin:8px 0 10px; }
.legend-item { display:inline-flex; align-items:center; gap:6px; }
.legend small { color:var(--muted); }
.line { display:inline-block; width:22px; height:4px; border-radius:2px; }
.chip { --size:18px; display:inline-flex; align-items:center; justify-content:center; min-width:var(--size); height:var(--size);
        padding:0 4px; border-radius:5px; font-size:12px; font-weight:600; line-height:1; vertical-align:middle; }
.legend .chip, .statements .chip, .confusion .chip { min-width:14px; height:14px; padding:0 6px; font-size:11px; font-weight:500; }
.statements .chip, .confusion .chip { height:18px; }
.s-support { background:#009E73; color:#fff; } .s-oppose { background:#D55E00; color:#fff; }
.s-conditional { background:#E69F00; color:#000; } .s-neutral { background:#B8B8B8; color:#000; }
.s-mixed { background:#CC79A7; color:#000; }
.map-wrap { display:inline-block; max-width:100%; overflow:auto; max-height:85vh; border:1px solid var(--line); border-radius:8px; vertical-align:top; }
table { border-collapse:collapse; }
.stance-map { font-size:13px; }
.stance-map thead th { position:sticky; top:0; background:var(--bg); z-index:2; border-bottom:1px solid var(--line); padding:6px 8px; font-weight:600; white-space:nowrap; }
.stance-map th.actor-h, .stance-map th.actor { position:sticky; left:0; z-index:3; background:#fff; text-align:left; }
.stance-map thead th.actor-h { z-index:4; background:var(--bg); }
.stance-map th.actor { font-weight:500; padding:3px 12px 3px 10px; white-space:nowrap; max-width:280px; overflow:hidden; text-overflow:ellipsis; border-right:1px solid var(--line); }
.stance-map th.actor a { color:var(--ink); text-decoration:none; }
.stance-map th.actor a:hover { text-decoration:underline; }
.stance-map td.cell { text-align:center; min-width:60px; height:34px; padding:1px 2px; border-left:1px dashed #eaeef2; }
.stance-map td.cell a { text-decoration:none; }
.stance-map td.cell .chip:hover { outline:2px solid var(--ink); }
.stance-map tbody tr:hover th.actor, .stance-map tbody tr:hover td { background:#f3f6fa; }
.stance-map tr.group th { text-align:left; background:#eef1f4; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; padding:4px 10px; position:sticky; left:0; }
.stance-map td.overall { padding:2px 10px; white-space:nowrap; border-left:1px solid var(--line); }
.bar { display:inline-flex; width:90px; height:10px; border-radius:3px; overflow:hidden; vertical-align:middle; margin-right:6px; background:#eee; }
.seg { display:block; height:100%; }
details.actor, details.article { border:1px solid var(--line); border-radius:8px; margin:8px 0; background:#fff; }
details > summary { cursor:pointer; padding:8px 12px; list-style-position:inside; }
details[open] > summary { border-bottom:1px solid var(--line); background:var(--bg); border-radius:8px 8px 0 0; }
.kind { font-size:11px; background:#ddf4ff; color:#0550ae; border-radius:10px; padding:1px 7px; }
.statements { width:100%; font-size:13px; }
.statements th { text-align:left; color:var(--muted); font-weight:500; padding:6px 10px; border-bottom:1px solid var(--line); }
.statements td { padding:6px 10px; vertical-align:top; border-bottom:1px solid #eaeef2; }
.statements td.date { white-space:nowrap; color:var(--muted); }
.statements td.quote { max-width:620px; }
.statements td.src { max-width:260px; }
.tag { display:inline-block; background:#fff1e5; border:1px solid #f0c9a8; border-radius:4px; padding:0 5px; margin:1px 3px 1px 0; font-size:12px; }
.verb { display:inline-block; background:#eef1f4; border-radius:4px; padding:0 5px; margin:1px 3px 1px 0; font-size:12px; font-style:italic; }
.figures, .confusion { font-size:14px; margin:6px 0 12px; }
.figures th, .figures td, .confusion th, .confusion td { border:1px solid var(--line); padding:5px 10px; text-align:right; }
.figures th:first-child, .figures td:last-child, .figures th:last-child { text-align:left; }
.figures thead th, .confusion thead th { background:var(--bg); }
.figures td.f1 { font-weight:600; }
.confusion td.n { min-width:64px; text-align:center; font-variant-numeric:tabular-nums; }
.confusion th[scope=row] { text-align:left; }
.article-text { padding:6px 16px 14px; font-family:Georgia,"Times New Roman",serif; font-size:15px; }
.article-text .spans > span { font-weight:normal !important; }
.article-text .spans .span-label, .article-text .spans .span-room { white-space:nowrap; font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif; }
.article-text .spans .span-room { display:block; height:0; overflow:hidden; visibility:hidden; font-size:0.6em; font-weight:bold; padding:0 4px 0 3px; line-height:0; }
.stance-map thead th.quiet { color:#b0b7be; font-weight:400; }
.downloads { display:flex; flex-wrap:wrap; gap:6px 14px; font-size:13px; }
.downloads a { white-space:nowrap; }
.article-text .spans a { color:#000 !important; }
.error { color:#cf222e; padding:6px 14px; }
.failed { background:#ffebe9; color:#cf222e; border-radius:10px; padding:1px 7px; font-size:12px; }
.empty { color:var(--muted); font-style:italic; }
code { background:var(--bg); padding:1px 4px; border-radius:4px; }
"""

# Runs first: records script errors, failed loads and external requests on <html>, so a
# headless browser's --dump-dom shows them; and opens a <details> a link points into.
SCRIPT_HEAD = """
(function () {
  var errors = [], root = document.documentElement;
  function note(message) { errors.push(String(message)); root.setAttribute('data-js-errors', JSON.stringify(errors)); }
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) { note('failed to load ' + (t.src || t.href)); }
    else { note(e.message || 'script error'); }
  }, true);
  window.addEventListener('unhandledrejection', function (e) { note('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () { note(Array.prototype.join.call(arguments, ' ')); return consoleError.apply(console, arguments); };
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1)), el = id && document.getElementById(id), target = el;
    for (; el; el = el.parentElement) { if (el.tagName === 'DETAILS') { el.open = true; } }
    if (target) { target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', openTarget);
  window.addEventListener('load', function () {
    (performance.getEntriesByType('resource') || []).forEach(function (r) {
      if (!/^(file|data|blob|about):/.test(r.name)) { note('external resource ' + r.name); }
    });
    openTarget();
    root.setAttribute('data-report-ready', '1');
  });
})();
"""


def render_downloads(files: list[Path], page_dir: Optional[Path]) -> str:
    """A download link to each table file of the output folder, relative to the page."""
    if not files:
        return '<p class="empty">No table files in the output folder.</p>'
    links = []
    for path in files:
        href = os.path.relpath(path, page_dir) if page_dir else path.name
        href = "/".join(Path(href).parts)  # a URL path, whatever the platform
        size = path.stat().st_size if path.is_file() else 0
        links.append(f'<a href="{esc(href)}" download>{esc(path.name)}</a> <small class="muted">{_size(size)}</small>')
    return '<div class="downloads" id="download-list">' + "".join(f"<span>{link}</span>" for link in links) + "</div>"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} kB"


def build_report(data: ReportData, generated: Optional[str] = None, page_dir: Optional[Path] = None) -> str:
    """The whole page as one HTML string (``page_dir``: where it will be saved, for the download links)."""
    said = statements(data)
    ordered = _ordered_actors(data.actors)
    actor_ids = {_text(r["actor"]): f"actor-{i}" for i, r in enumerate(ordered)}
    generated = generated or dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    notes = "".join(f"<li>{esc(n)}</li>" for n in data.notes)
    notes_html = f'<ul class="notes">{notes}</ul>' if notes else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>parley report — who said what about peace talks</title>
<script>{SCRIPT_HEAD}</script>
<style>{CSS}</style>
</head>
<body>
<header class="top"><h1>Who said what about peace talks, and when</h1>
<p>parley report · generated {esc(generated)} from the tables in the output folder</p></header>
<nav><a href="#map">Stance map</a><a href="#actors">Actors</a><a href="#evaluation">Evaluation</a><a href="#articles">Articles</a><a href="#downloads">Tables</a></nav>
<main>
{render_summary(data, len(ordered))}
{notes_html}
<section id="map"><h2>Stance map: who is for or against negotiations</h2>
{render_legend()}
{render_stance_map(data, actor_ids, said)}
</section>
<section id="actors"><h2>Actors and their statements</h2>
<p class="hint">Statements in date order. Cue words: the speech verb, then the words that set the stance.</p>
{render_actors(data, actor_ids, said)}
</section>
<section id="evaluation"><h2>Evaluation against the gold labels</h2>
{render_evaluation(data.evaluation)}
</section>
<section id="articles"><h2>Articles</h2>
<p class="hint">Each article as read, with what the pipeline found in it. Click a quote's speaker to see the actor.</p>
{render_articles(data, actor_ids)}
</section>
<section id="downloads"><h2>The tables</h2>
<p class="hint">Every table of the output folder, as CSV and Parquet; column meanings are in the project's
docs/tables.md.</p>
{render_downloads(data.files, page_dir)}
</section>
</main>
</body>
</html>
"""


def write_report(out_dir: Path, corpus_dir: Optional[Path] = None, path: Optional[Path] = None,
                 data: Optional[ReportData] = None) -> Path:
    """Write the report of the tables in ``out_dir`` (texts as ``load_report_data`` finds them).

    Args:
        out_dir: the output folder holding the tables (and eval.json, if any).
        corpus_dir: the corpus folder, for the article texts; None: the one ``run`` recorded.
        path: where to write the page; ``out_dir/report.html`` by default.
        data: the report's data, when already loaded.
    Returns:
        The path of the written page.
    Raises:
        ReportError: ``out_dir`` is not a folder.
    """
    data = data or load_report_data(out_dir, corpus_dir)
    path = Path(path) if path else Path(out_dir) / REPORT_FILE
    page = build_report(data, page_dir=path.parent)
    atomic_write(path, lambda temporary: temporary.write_text(page, encoding="utf-8"))
    return path


# ----------------------------------------------------------------------------- browser


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars", "--host-resolver-rules=MAP * ~NOTFOUND")


class BrowserError(RuntimeError):
    """No headless Chromium, or it failed."""


@dataclass
class BrowserPage:
    """What a headless Chromium saw when it opened a page."""

    dom: str
    console: list[str]
    page_errors: list[str]
    ready: bool


def find_chromium() -> Optional[str]:
    """The Chromium executable: $PARLEY_CHROMIUM, else the first of CHROMIUM_NAMES on PATH."""
    if os.environ.get("PARLEY_CHROMIUM"):
        return os.environ["PARLEY_CHROMIUM"]
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def _chromium(args: Iterable[str], chromium: Optional[str], timeout: float) -> subprocess.CompletedProcess:
    chromium = chromium or find_chromium()
    if not chromium:
        raise BrowserError("no Chromium found: install it (Debian: apt-get install chromium) or set PARLEY_CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="parley-chromium-") as profile:
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as err:
            raise BrowserError(f"Chromium did not finish within {timeout:.0f} s") from err


def open_in_browser(page: Path, chromium: Optional[str] = None, timeout: float = 60) -> BrowserPage:
    """Load ``page`` in headless Chromium (no network) and return the rendered DOM and errors.

    Console messages come from Chromium's log on stderr; script errors, failed loads and
    requests leaving the machine are recorded by the page's own first script in
    ``data-js-errors`` on ``<html>``, and ``data-report-ready`` is set once it has loaded.
    """
    uri = Path(page).resolve().as_uri()
    done = _chromium(["--enable-logging=stderr", "--v=0", "--dump-dom", uri], chromium, timeout)
    if done.returncode != 0 or "<html" not in done.stdout:
        raise BrowserError(f"Chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    console = [line for line in done.stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]
    root = re.search(r"<html\b[^>]*>", done.stdout)
    root_tag = root.group(0) if root else ""
    errors_attr = re.search(r'data-js-errors="([^"]*)"', root_tag)
    page_errors = json.loads(html.unescape(errors_attr.group(1))) if errors_attr else []
    return BrowserPage(dom=done.stdout, console=console, page_errors=page_errors,
                       ready='data-report-ready="1"' in root_tag)


def screenshot(page: Path, png: Path, width: int = 1400, height: int = 1600, chromium: Optional[str] = None,
               timeout: float = 60) -> Path:
    """Save a PNG of the top of ``page`` as headless Chromium renders it (no network)."""
    png = Path(png).resolve()
    uri = Path(page).resolve().as_uri()
    done = _chromium([f"--window-size={width},{height}", f"--screenshot={png}", uri], chromium, timeout)
    if done.returncode != 0 or not png.is_file():
        raise BrowserError(f"Chromium wrote no screenshot (exit {done.returncode}): {done.stderr[-2000:]}")
    return png
