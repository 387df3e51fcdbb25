"""Actor mentions: where a name starts and ends, and which capitalised words are no names.

Pure functions on spans of a parsed Doc. The trimming rules make a mention its name
(no determiner, title, possessive or line break; the last phrase of an entity the
model ran over two; given names the model left out; no subheading or title-case
headline words). The precision rules, applied once mentions are grouped, drop a
lone capitalised common word that is capitalised only by its place: a section
label, a sentence's first word, the first word of a title ("Defense Minister").
"""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span
from spacy.util import filter_spans

DETERMINERS = {"the", "The"}
POSSESSIVES = {"'s", "’s", "'", "’"}
SUBHEADING_MAX_CHARS = 80
SENTENCE_END = set(".!?:;\"”’)")
LABEL_END = {":", "|", "-", "–", "—"}  # what follows a section label on its line
OPENING_PUNCT = {'"', "“", "‘", "'", "(", "[", "«", "-", "–", "—", "•", "*"}


class CommonWords:
    """Common English words as a dictionary writes them, to tell them from names.

    A word is common when the dictionary has its lower-case form and not the word as
    capitalised ("Background": yes; "Moscow", "Turkey": no).
    """

    def __init__(self, lists: tuple[str, ...] | list[str]):
        self.words = _word_set(tuple(lists)) if lists else frozenset()

    def is_common(self, word: str) -> bool:
        if not word.istitle() or word in self.words:
            return False
        lower = word.lower()
        # the list holds base forms: "Rules", "Tomahawks" are found as "rule", "tomahawk"
        return lower in self.words or (lower.endswith("s") and lower[:-1] in self.words and word[:-1] not in self.words)


@lru_cache(maxsize=4)
def _word_set(lists: tuple[str, ...]) -> frozenset[str]:
    # loaded once per process: the lists are large and the same for every component
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(list(lists), lower=False))


# --- trimming a mention to its name ------------------------------------------------


def resolve_overlaps(mentions: list[Span]) -> list[Span]:
    """Keep non-overlapping mentions: registry people first (the model often runs a
    title into a name as an ORG), then the longest of the rest, the registry's at a tie.
    """
    people = filter_spans([m for m in mentions if m.id_ and m.label_ == "PERSON"])
    taken = {i for m in people for i in range(m.start, m.end)}
    rest = [m for m in mentions if not any(i in taken for i in range(m.start, m.end))]
    return sorted(people + filter_spans(rest), key=lambda m: m.start)


def in_subheading(span: Span, text: str, headline_end: int) -> bool:
    """Whether the span sits in a subheading: a short line after the headline (which
    ends at ``headline_end``), with no sentence-final punctuation. The small model
    tags title-case subheadings ("Possible Diplomatic Pathways") as organisations;
    real actors recur in the body.
    """
    if headline_end < 0 or span.start_char <= headline_end:
        return False
    line_start = text.rfind("\n", 0, span.start_char) + 1
    line_end = text.find("\n", span.end_char)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    return len(line) < SUBHEADING_MAX_CHARS and line[-1:] not in SENTENCE_END


def last_constituent(span: Span) -> Span:
    """The last of the phrases an entity span runs together, when it runs several.

    The small model tags "Director of National Intelligence Avril Haynes" with one
    entity over "National Intelligence Avril Haynes", two phrases of the parse (the
    object of "of", and the name in apposition); the name is the last one.
    """
    roots = [t for t in span if not (span.start <= t.head.i < span.end) or t.head.i == t.i]
    if len(roots) < 2 or not span.doc.has_annotation("DEP"):
        return span
    last = roots[-1]
    start = min(t.i for t in last.subtree if span.start <= t.i < span.end)
    if start == span.start:
        return span
    return Span(span.doc, start, span.end, label=span.label_)


def name_after_title(span: Span, title_words: set[str], common: CommonWords) -> Span | None:
    """The person's name after a title word inside an entity, or None.

    The model runs a title into the name it precedes, often as an organisation
    ("Kazakh President Kassym-Jomart Tokayev", "Ministry Spokeswoman Maria
    Zakharova"): when a capitalised title word is followed, to the end of the entity,
    by capitalised proper nouns only, not all of them common words ("General
    Assembly" is no person), those are a person's name.
    """
    last_title = max((t.i for t in span[:-1] if t.is_title and t.lower_ in title_words), default=None)
    if last_title is None:
        return None
    name = span.doc[last_title + 1:span.end]
    if not all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in name) or all(common.is_common(t.text) for t in name):
        return None
    return Span(span.doc, name.start, name.end, label="PERSON")


def is_title_before_name(span: Span, title_words: set[str]) -> bool:
    """Whether an entity is a title, not an actor: it ends with a title word and a
    capitalised name follows ("US National Security Advisor | Jake Sullivan")."""
    doc = span.doc
    nxt = doc[span.end] if span.end < len(doc) else None
    return span[-1].lower_ in title_words and nxt is not None and nxt.pos_ == "PROPN" and nxt.is_title


def extend_given_names(span: Span, prefixes: set[str]) -> Span:
    """Take in capitalised proper nouns the model left out before a person's name.

    The small model often tags only the surname of "Prime Minister Anders Kowalczyk";
    a title-case PROPN compound of the name that is not a name prefix (title word,
    honorific, nationality) belongs to it.
    """
    doc, start = span.doc, span.start
    while start > 0:
        before = doc[start - 1]
        if before.pos_ != "PROPN" or not before.is_title or before.text in prefixes or before.dep_ != "compound":
            break
        if not (span.start <= before.head.i < span.end):
            break
        start -= 1
    return Span(doc, start, span.end, label=span.label_) if start != span.start else span


def clean_mention(span: Span, prefixes: set[str]) -> Span | None:
    """Trim a mention to its name: no determiner, name prefix, possessive or line break.

    Returns None when nothing name-like is left (e.g. "n’t" tagged as a place).
    """
    doc = span.doc
    start, end = span.start, span.end
    for i in range(start, end):  # a name never runs across a line break
        if "\n" in doc[i].text or doc[i].is_space:
            if i == start:
                start += 1
                continue
            end = i
            break
    while start < end and (doc[start].text in DETERMINERS or doc[start].text in prefixes or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].text in POSSESSIVES or doc[end - 1].is_punct and doc[end - 1].text != "."):
        end -= 1
    if start >= end:
        return None
    tokens = doc[start:end]
    if not tokens[0].text[:1].isupper() or not any(ch.isalpha() for ch in tokens.text):
        return None
    return tokens


def is_hyphenated_title(span: Span) -> bool:
    """Whether an office title runs on into a hyphenated word ("US President-elect"):
    that is another role, whose holder the office's dates do not give."""
    doc = span.doc
    return span.end + 1 < len(doc) and not doc[span.end - 1].whitespace_ and doc[span.end].text in {"-", "‑"}


# --- precision: capitalised common words that are no names --------------------------


def headline_run_on(ent: Span, registry_spans: list[Span], common: CommonWords, headline_end: int) -> bool:
    """Whether a model entity in a title-case headline is made of the headline's words:
    besides any registry names in it, every word is a common word, capitalised only by
    the headline's style ("Kremlin Rules Out …", "Cites Security Concerns"). The
    registry names in it stand alone."""
    if headline_end < 0 or ent.start_char >= headline_end:
        return False
    named = {i for r in registry_spans if ent.start <= r.start and r.end <= ent.end for i in range(r.start, r.end)}
    rest = [t for t in ent if t.i not in named and not t.is_space]
    return bool(rest) and all(common.is_common(t.text) or t.is_stop or t.is_lower or not t.is_alpha for t in rest)


def capitalised_by_place(mention: Span, title_words: set[str]) -> str:
    """Why a one-word mention is capitalised other than for being a name, or "".

    The rules, in order:
      - ``section_label``: it starts its line and a colon or dash follows it, or it is
        the whole line ("Background: …", "Rating");
      - ``sentence_start``: it is the first word of its sentence (after any opening
        quote or dash);
      - ``title_phrase``: a capitalised title word follows it ("Defense Minister …",
        "Press Secretary …"): it begins a title, not a name.
    """
    doc = mention.doc
    token = doc[mention.start]
    text = doc.text
    line_start = text.rfind("\n", 0, token.idx) + 1
    nxt = doc[mention.end] if mention.end < len(doc) else None
    if not text[line_start:token.idx].strip():
        line_end = text.find("\n", mention.end_char)
        rest = text[mention.end_char:line_end if line_end >= 0 else len(text)]
        if not rest.strip() or rest.strip()[0] in LABEL_END:
            return "section_label"
    sentence = token.sent if doc.has_annotation("SENT_START") else None
    start = sentence.start if sentence is not None else 0
    if all(doc[i].is_punct or doc[i].is_space or doc[i].text in OPENING_PUNCT for i in range(start, token.i)):
        return "sentence_start"
    if nxt is not None and nxt.is_title and nxt.lower_ in title_words:
        return "title_phrase"
    return ""


def common_word_groups(groups: dict[str, list[Span]], common: CommonWords, title_words: set[str],
                       known: set[str]) -> set[str]:
    """The groups (canonical name → mentions) that are a common word, not an actor.

    A group is dropped when it is a single word that the registry does not know
    (``known``: registry names), that ``common`` calls a common word, whose mentions are
    people or organisations, and every one of whose mentions is capitalised by its
    place (see ``capitalised_by_place``). A word used as a name elsewhere in the
    article ("Congress approved …", "… told Congress") is kept.
    """
    dropped = set()
    for canonical, spans in groups.items():
        if " " in canonical or canonical in known or not common.is_common(canonical):
            continue
        if any(len(s) != 1 or s.id_ or s.label_ == "GPE" for s in spans):
            continue
        if all(capitalised_by_place(s, title_words) for s in spans):
            dropped.add(canonical)
    return dropped
