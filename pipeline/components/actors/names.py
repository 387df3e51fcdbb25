"""Canonical names: which mentions of one article refer to the same actor.

``canonical_names`` groups the mentions by small rules, in this order:

1. ``registry``: mentions of the same registry actor (offices via their holder on the
   article's date) join;
2. ``same_text``: mentions with the same normalised text join;
3. ``name_ending``: a shorter name whose words end a longer name of the same kind
   joins it ("Budanov" → "Kirill Budanov"), or a one-word name the model mislabelled
   joins the person whose surname it is;
4. ``family_name_first``: a one-word person's name that starts exactly one longer
   person's name and ends none joins it ("Li" → "Li Hui");
5. ``acronym``: an all-capitals ORG joins the organisation whose initials it spells;
6. ``near_spelling``: two spellings of one person's name that differ by one letter
   inside one word, the other words equal ("Vladmir Putin" / "Vladimir Putin",
   "Zelenky" / "Zelensky"), join; the rarer spelling is not used as the canonical name.
"""
from __future__ import annotations

from spacy.tokens import Span

from .registry import ROLE_PREFIX, Registry

# Shorter words differ by one letter too often to be one name; a replaced letter (rather
# than a dropped, doubled or swapped one) needs a longer word still ("Machon" is not "Macron").
NEAR_SPELLING_MIN_CHARS = 5
NEAR_SPELLING_MIN_CHARS_REPLACED = 7


def _initials(text: str) -> str:
    words = [w for w in text.split() if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def name_key(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def one_edit_apart(first: str, second: str) -> bool:
    """Whether two words differ by one inserted, deleted, replaced or swapped letter
    inside the word: the first and last letters agree (a changed ending is often a
    different name, e.g. a feminine surname), and both are long enough."""
    if first == second or min(len(first), len(second)) < NEAR_SPELLING_MIN_CHARS:
        return False
    if first[0] != second[0] or first[-1] != second[-1] or abs(len(first) - len(second)) > 1:
        return False
    if len(first) == len(second):
        diffs = [i for i in range(len(first)) if first[i] != second[i]]
        if len(diffs) == 1:
            return len(first) >= NEAR_SPELLING_MIN_CHARS_REPLACED
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and first[diffs[0]] == second[diffs[1]] \
            and first[diffs[1]] == second[diffs[0]]
    short, long_ = sorted((first, second), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def near_spelling(first: list[str], second: list[str]) -> bool:
    """Whether two names (lower-cased words) are one spelling apart: as many words,
    all equal but one, and that one ``one_edit_apart``."""
    if len(first) != len(second):
        return False
    different = [(a, b) for a, b in zip(first, second) if a != b]
    return len(different) == 1 and one_edit_apart(*different[0])


class _Groups:
    """Union-find over mention indices."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def canonical_names(mentions: list[Span], registry: Registry, anchor: str) -> list[tuple[str, str, str]]:
    """Group mentions that refer to one actor; returns (label, canonical name, actor id) per mention.

    Mentions join by the rules in the module docstring. The canonical name is the
    longest non-office form the document uses (among forms as long, the most used; a
    rarer near spelling of another form never), else the registry's canonical name;
    the actor id is the registry's canonical name when the registry knows the actor
    (so one actor is one id across articles that spell it differently), else the
    canonical name.
    """
    groups = _Groups(len(mentions))
    registry_actor_of = [_registry_actor(span, registry, anchor) for span in mentions]
    words_of = [name_key(m.text).split() for m in mentions]
    _join_registry_and_text(mentions, registry_actor_of, groups)
    _join_name_parts(mentions, words_of, groups)
    misspelt = _join_near_spellings(mentions, words_of, registry_actor_of, groups)

    members: dict[int, list[int]] = {}
    for index in range(len(mentions)):
        members.setdefault(groups.find(index), []).append(index)
    resolved: dict[int, tuple[str, str, str]] = {}
    for root, indices in members.items():
        spans = [mentions[i] for i in indices]
        actors = [s.id_ for s in spans if s.id_ and not s.id_.startswith(ROLE_PREFIX)]
        holders = [registry_actor_of[i] for i in indices if mentions[i].id_.startswith(ROLE_PREFIX)]
        registry_actor = (actors or holders or [""])[0]
        names = [s.text for s in spans if not s.id_.startswith(ROLE_PREFIX)]
        candidates = [n for n in names if name_key(n) not in misspelt] or names
        canonical = max(candidates, key=lambda n: (len(n.split()), len(n), names.count(n))) if names else registry_actor
        resolved[root] = (_group_label(spans, registry, registry_actor), canonical, registry_actor or canonical)
    return [resolved[groups.find(index)] for index in range(len(mentions))]


def _registry_actor(span: Span, registry: Registry, anchor: str) -> str:
    if span.id_.startswith(ROLE_PREFIX):
        return registry.holder(int(span.id_[len(ROLE_PREFIX):]), anchor)
    return span.id_


def _join_registry_and_text(mentions: list[Span], registry_actor_of: list[str], groups: _Groups) -> None:
    """Rules ``registry`` and ``same_text``."""
    first_with_key: dict[str, int] = {}
    for index, span in enumerate(mentions):
        actor = registry_actor_of[index]
        text_key = name_key(span.text)
        for key in (f"reg:{actor}" if actor else "", f"txt:{text_key}" if text_key else ""):
            if not key:
                continue
            if key in first_with_key:
                groups.join(index, first_with_key[key])
            else:
                first_with_key[key] = index


def _join_name_parts(mentions: list[Span], words_of: list[list[str]], groups: _Groups) -> None:
    """Rules ``name_ending``, ``family_name_first`` and ``acronym``."""
    by_length = sorted(range(len(mentions)), key=lambda i: len(words_of[i]), reverse=True)
    ending_with: dict[str, list[int]] = {}  # last word → mentions, longest first
    for i in by_length:
        if words_of[i]:
            ending_with.setdefault(words_of[i][-1], []).append(i)
    starting_with: dict[str, dict[str, int]] = {}  # first word → {full name: a mention}
    for i in by_length:
        if mentions[i].label_ == "PERSON" and len(words_of[i]) > 1:
            starting_with.setdefault(words_of[i][0], {}).setdefault(" ".join(words_of[i]), i)
    spelled_by: dict[str, int] = {}  # initials → the longest ORG name with them
    for i in by_length:
        if mentions[i].label_ == "ORG" and _initials(mentions[i].text):
            spelled_by.setdefault(_initials(mentions[i].text), i)
    for index, span in enumerate(mentions):
        words = words_of[index]
        if span.id_.startswith(ROLE_PREFIX) or not words:
            continue
        joined = False
        for other in ending_with[words[-1]]:
            other_span = mentions[other]
            other_words = words_of[other]
            if len(other_words) <= len(words) or other_words[-len(words):] != words:
                continue
            same_kind = other_span.label_ == span.label_ and (span.label_ == "PERSON" or len(words) > 1)
            mislabelled_surname = other_span.label_ == "PERSON" and len(words) == 1 and not span.id_
            if same_kind or mislabelled_surname:
                groups.join(index, other)
                joined = True
                break
        fuller = starting_with.get(words[0], {})
        if not joined and span.label_ == "PERSON" and len(words) == 1 and len(fuller) == 1:
            groups.join(index, next(iter(fuller.values())))
        if span.label_ == "ORG" and len(words) == 1 and span.text.isupper():
            other = spelled_by.get(span.text)
            if other is not None:
                groups.join(index, other)


def _join_near_spellings(mentions: list[Span], words_of: list[list[str]], registry_actor_of: list[str],
                         groups: _Groups) -> set[str]:
    """Rule ``near_spelling``; returns the rarer spellings (name keys), never canonical.

    Each person group is compared by its spellings and, when the registry knows it, the
    registry's canonical name (so "Zelenky" meets "Zelensky" even when the article
    writes "Zelenskyy"). A one-word spelling is also compared with the last word of
    the other group's longer names. Two groups the registry knows as different
    actors never join.
    """
    # people, and multi-word names of any kind (the model may tag a person ORG)
    people = [i for i, m in enumerate(mentions) if not m.id_.startswith(ROLE_PREFIX)
              and (m.label_ == "PERSON" or len(words_of[i]) > 1)]
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    for i in people:
        counts[" ".join(words_of[i])] = counts.get(" ".join(words_of[i]), 0) + 1
        first_seen.setdefault(" ".join(words_of[i]), i)
    spellings: dict[int, set[tuple[str, ...]]] = {}  # group root → its spellings
    actor_of: dict[int, str] = {}
    label_of: dict[int, str] = {}
    for i in people:
        root = groups.find(i)
        spellings.setdefault(root, set()).add(tuple(words_of[i]))
        label_of[root] = "PERSON" if mentions[i].label_ == "PERSON" else label_of.get(root, mentions[i].label_)
        if registry_actor_of[i]:
            actor_of[root] = registry_actor_of[i]
            spellings[root].add(tuple(name_key(registry_actor_of[i]).split()))
            counts[name_key(registry_actor_of[i])] = len(mentions)  # the registry's spelling is never the rarer
    roots = list(spellings)
    misspelt: set[str] = set()
    for a_index, first in enumerate(roots):
        for second in roots[a_index + 1:]:
            if first in actor_of and second in actor_of and actor_of[first] != actor_of[second]:
                continue
            pair = _near_pair(spellings[first], spellings[second], one_word=label_of[first] == label_of[second] == "PERSON")
            if pair is None:
                continue
            groups.join(first, second)
            # the rarer spelling; at a tie the shorter (a dropped letter), then the later
            rarer = min(pair, key=lambda words: (counts.get(" ".join(words), 0), len(" ".join(words)),
                                                 -first_seen.get(" ".join(words), len(mentions))))
            misspelt.add(" ".join(rarer))
    return misspelt


def _near_pair(first: set[tuple[str, ...]], second: set[tuple[str, ...]], one_word: bool):
    """A pair of spellings, one from each set, one spelling apart; None if there is none.
    One-word spellings count only between people (``one_word``)."""
    # one-word spellings meet only when one of the groups has no fuller name
    surname_alone = one_word and (all(len(w) == 1 for w in first) or all(len(w) == 1 for w in second))
    first, second = sorted(first), sorted(second)  # the same pair in every run (a set's order is not)
    for a in first:
        for b in second:
            if near_spelling(list(a), list(b)) and (len(a) > 1 or surname_alone):
                return a, b
    if not surname_alone:
        return None
    # a surname alone against the other group's surnames
    if all(len(words) == 1 for words in first):
        return next(((a, (b[-1],)) for a in first for b in second if len(b) > 1 and one_edit_apart(a[0], b[-1])), None)
    if all(len(words) == 1 for words in second):
        return next((((a[-1],), b) for b in second for a in first if len(a) > 1 and one_edit_apart(b[0], a[-1])), None)
    return None


def _group_label(spans: list[Span], registry: Registry, registry_actor: str) -> str:
    if registry_actor in registry.actors:
        return registry.actors[registry_actor]["label"]
    if any(s.label_ == "PERSON" for s in spans) and len(spans) > 1:
        return "PERSON"
    labels = [s.label_ for s in spans]
    # the most used label; at a tie the first mention's (a set's order changes between runs)
    return max(labels, key=lambda label: (labels.count(label), label == labels[0]))
