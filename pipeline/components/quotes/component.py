"""The spaCy component of the quotes stage: statements and speakers into ``doc.spans["quotes"]``."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..extensions import QUOTES_KEY
from ..lexicon import lexicon_from_disk, lexicon_to_disk, load_lexicon
from .extract import extract_quotes
from .lexicon import SCHEMA, QuoteLexicon, RegistryWords


class QuoteExtractor:
    """spaCy component: quotes and speakers into ``doc.spans["quotes"]``.

    The lexicon (``cues_path``, checked by ``pipeline.components.lexicon``) is the
    component's state: ``to_disk``/``from_disk`` save and restore it.
    """

    def __init__(self, nlp: Language, name: str, *, cues_path: str):
        self.name = name
        self.nlp = nlp
        self.cues_path = cues_path
        # missing_ok: spacy.load rebuilds a saved pipeline before from_disk brings the lexicon
        data = load_lexicon(cues_path, SCHEMA, stage=name, missing_ok=True)
        self.lexicon: QuoteLexicon | None = None if data is None else self._with_registry(data)

    def _with_registry(self, data: dict) -> QuoteLexicon:
        """The lexicon of ``data`` with the words of the actors stage's registry (the one
        list of title words; the actors stage comes earlier in the pipeline, so it is
        built, and restored by ``from_disk``, before this one). No actors stage, no words."""
        registry = next((pipe.registry for _, pipe in self.nlp.pipeline if hasattr(pipe, "registry")), None)
        return QuoteLexicon(data, RegistryWords.of(registry))

    def _reparse(self, text: str) -> Doc:
        """``text`` parsed by the model's own components alone (no parley stage)."""
        doc = self.nlp.make_doc(text)
        for name, proc in self.nlp.pipeline:
            if not name.startswith("parley_"):
                doc = proc(doc)
        return doc

    def _require(self) -> QuoteLexicon:
        """The lexicon; when neither the file nor ``from_disk`` gave one, the loader's error."""
        if self.lexicon is None:
            self.lexicon = self._with_registry(load_lexicon(self.cues_path, SCHEMA, stage=self.name))
        return self.lexicon

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for q in extract_quotes(doc, self._require(), self._reparse):
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
        lexicon_to_disk(path, self._require().raw)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "QuoteExtractor":
        self.lexicon = self._with_registry(lexicon_from_disk(path, SCHEMA, stage=self.name))
        return self
