"""Processed Docs → table rows (SPEC section 7). The one place that does this."""
from __future__ import annotations

from pipeline.components.actors import ACTOR_LABELS, describe_span
from pipeline.components.extensions import DATES_KEY, QUOTES_KEY
from pipeline.components.stance import fold_statements
from pipeline.corpus import Article
from spacy.tokens import Doc

TableRows = dict[str, list[dict]]


def document_row(article: Article, doc: Doc | None = None) -> dict:
    """The ``documents`` row of one article; counts only when it was processed.

    The manifest's extra columns follow the fixed ones, under their manifest names.
    """
    row = {
        "doc_id": article.doc_id,
        "file": article.file,
        "title": article.title,
        "outlet": article.outlet,
        "url": article.url,
        "published": article.published,
        "anchor": article.anchor,
        "anchor_source": article.anchor_source,
        "text_source": article.text_source,
        "encoding": article.encoding,
        "status": article.status,
        "error": article.error,
        "n_chars": len(article.text) if article.text else None,
        "n_entities": None,
        "n_quotes": None,
        "n_dates": None,
        **article.extra,
    }
    if doc is not None:
        row.update(n_entities=len(actor_mentions(doc)), n_quotes=len(doc.spans.get(QUOTES_KEY, [])), n_dates=len(doc.spans.get(DATES_KEY, [])))
    return row


def actor_mentions(doc: Doc) -> list:
    """The entity mentions that are actors or places (doc.ents also keeps dates for later stages)."""
    return [e for e in doc.ents if e.label_ in ACTOR_LABELS]


def doc_to_rows(doc: Doc, article: Article) -> TableRows:
    """All table rows for one processed article (its ``documents`` row included)."""
    doc_id = article.doc_id
    entities = [
        {"doc_id": doc_id, "start_char": e.start_char, "end_char": e.end_char, "text": e.text, "label": e.label_,
         "canonical": e._.canonical or e.text, "actor_id": e._.actor_id or e._.canonical or e.text}
        for e in actor_mentions(doc)
    ]
    quote_spans = list(doc.spans.get(QUOTES_KEY, []))
    affiliations = [speaker_affiliation(doc, q) for q in quote_spans]
    quotes = [
        {"doc_id": doc_id, "quote_id": q._.quote_id, "start_char": q.start_char, "end_char": q.end_char, "text": q.text,
         "kind": q._.quote_kind, "cue": q._.cue, "cue_rule": q._.cue_rule, "speaker": q._.speaker, "speaker_kind": q._.speaker_kind,
         "speaker_start_char": _offset(q._.speaker_start), "speaker_end_char": _offset(q._.speaker_end),
         "speaker_rule": q._.speaker_rule, "affiliation": affiliation, "country": country,
         "stance": q._.stance, "stance_evidence": q._.stance_evidence, "stance_confidence": q._.stance_confidence}
        for q, (affiliation, country) in zip(quote_spans, affiliations)
    ]
    dates = [
        {"doc_id": doc_id, "start_char": d.start_char, "end_char": d.end_char, "text": d.text, "value": d._.date_value,
         "granularity": d._.date_granularity, "mod": d._.date_mod, "range_start": d._.date_range_start,
         "range_end": d._.date_range_end, "anchor": doc._.anchor}
        for d in doc.spans.get(DATES_KEY, [])
    ]
    return {
        "documents": [document_row(article, doc)],
        "entities": entities,
        "quotes": quotes,
        "dates": dates,
        "stances": stance_rows(doc_id, quote_spans, {e["canonical"]: e["actor_id"] for e in entities}, affiliations),
        "texts": [{"doc_id": doc_id, "text": article.text}],
    }


def speaker_affiliation(doc: Doc, quote) -> tuple[str, str]:
    """The (affiliation, country) of a quote's speaker: a named speaker's from
    ``doc._.actor_info``; else what the words naming the speaker tell ("Russian
    officials" → Russia, "Kremlin sources" → Kremlin, Russia); ("", "") when unknown."""
    if quote._.speaker_kind == "unresolved":
        return "", ""
    info = doc._.actor_info.get(quote._.speaker)
    if info is not None:
        return info["affiliation"], info["country"]
    if quote._.speaker_start >= 0 and quote._.speaker_end > quote._.speaker_start:
        return describe_span(doc, quote._.speaker_start, quote._.speaker_end)
    return "", ""


def stance_rows(doc_id: str, quote_spans: list, actor_ids: dict[str, str],
                affiliations: list[tuple[str, str]] | None = None) -> list[dict]:
    """One row per speaker of the document, summarising its statements' stances.

    ``actor_ids`` maps the document's canonical names to their cross-document ids;
    ``affiliations`` gives each quote's speaker (affiliation, country): a speaker's row
    takes the first its quotes give.
    """
    affiliations = affiliations or [("", "")] * len(quote_spans)
    by_speaker: dict[tuple[str, str], list] = {}
    affiliation_of: dict[tuple[str, str], tuple[str, str]] = {}
    for quote, (affiliation, country) in zip(quote_spans, affiliations):
        if quote._.speaker_kind == "unresolved" or not quote._.speaker:
            continue
        key = (quote._.speaker, quote._.speaker_kind)
        by_speaker.setdefault(key, []).append(quote)
        known = affiliation_of.get(key, ("", ""))
        affiliation_of[key] = (known[0] or affiliation, known[1] or country)
    rows = []
    for (speaker, kind), spans in by_speaker.items():
        affiliation, country = affiliation_of[(speaker, kind)]
        folded = fold_statements([(q._.stance, q._.stance_confidence, f"{q._.quote_id}: {q._.stance_evidence}")
                                  for q in spans])
        rows.append({"doc_id": doc_id, "actor": speaker, "actor_id": actor_ids.get(speaker, speaker), "actor_kind": kind,
                     "affiliation": affiliation, "country": country, "stance": folded.stance, "confidence": folded.confidence, "n_quotes": len(spans),
                     "quote_ids": ";".join(q._.quote_id for q in spans), "evidence": folded.evidence})
    return rows


def _offset(value: int) -> int | None:
    return value if value is not None and value >= 0 else None
