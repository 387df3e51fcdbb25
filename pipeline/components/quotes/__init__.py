"""Quotes and speakers: direct and indirect attributed statements, with their sources.

The stage reads in this order (each module usable on its own):

* ``marks``: ``find_quote_marks`` pairs quotation marks in plain text (no model);
* ``cues``: ``CUE_RULES``, one rule per cue family, find cues and their content;
* ``extract``: ``extract_quotes`` makes indirect and direct quotes of them
  (``DIRECT_CUE_RULES`` attribute quoted spans, ``QUOTE_FILTERS`` drop the bogus);
* ``speakers``: ``SPEAKER_RULES`` resolve each quote's source to a speaker;
* ``component``: ``QuoteExtractor``, the spaCy component writing ``doc.spans["quotes"]``.

Every word list and window size lives in ``configs/quotes.yml`` (``QuoteLexicon``).
"""
from .component import QuoteExtractor
from .extract import extract_quotes
from .lexicon import QuoteLexicon, RegistryWords
from .marks import MarkedSpan, find_quote_marks

__all__ = ["QuoteExtractor", "QuoteLexicon", "RegistryWords", "MarkedSpan", "extract_quotes", "find_quote_marks"]
