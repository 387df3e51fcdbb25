"""The spaCy component of the quotes stage: statements and speakers into ``doc.spans["quotes"]``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import QUOTES_KEY
from .extract import extract_quotes
from .lexicon import QuoteLexicon


class QuoteExtractor:
    """spaCy component: quotes and speakers into ``doc.spans["quotes"]``."""

    def __init__(self, nlp: Language, name: str, *, cues_path: str):
        self.name = name
        self.cues_path = cues_path
        self.lexicon = QuoteLexicon.from_yaml(cues_path) if cues_path and Path(cues_path).is_file() else QuoteLexicon({})

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for q in extract_quotes(doc, self.lexicon):
            span = doc.char_span(q.start, q.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            span._.quote_kind = q.kind
            span._.cue = q.cue
            span._.cue_rule = q.rule
            span._.speaker = q.speaker.text
            span._.speaker_kind = q.speaker.kind
            span._.speaker_start = q.speaker.start
            span._.speaker_end = q.speaker.end
            span._.speaker_rule = q.speaker.rule
            spans.append(span)
        for n, span in enumerate(spans, start=1):
            span._.quote_id = f"q{n}"
        doc.spans[QUOTES_KEY] = spans
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "lexicon.json").write_text(json.dumps(self.lexicon.raw, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "QuoteExtractor":
        data = json.loads((Path(path) / "lexicon.json").read_text(encoding="utf-8"))
        self.lexicon = QuoteLexicon(data)
        return self
