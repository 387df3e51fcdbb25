"""Speaker rules: from the token naming a statement's source to the speaker.

``SpeakerResolver`` holds what the whole article tells about its actors (entities,
their gender, the titles and roles they are given, the speakers already resolved);
``SPEAKER_RULES`` are tried in order on a source token, and the first that returns
a ``Speaker`` decides; the speaker carries the rule's name (``speaker_rule``).
Pronouns and descriptions ("he", "the Kremlin spokesman", "the minister") are
resolved by ranking the candidate antecedents (``rank_antecedents``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import Callable

from spacy.tokens import Doc, Span, Token

from .grammar import PUNCT_STRIP, QuoteCandidate, Speaker
from .lexicon import QuoteLexicon

GENDER_CODES = {"male": "m", "he": "m", "m": "m", "female": "f", "she": "f", "f": "f"}


def gender_code(value: str | None) -> str:
    """"m", "f" or "" from the spellings the registry and lexicon use."""
    return GENDER_CODES.get(str(value or "").lower(), "")


@dataclass
class Mention:
    """A candidate antecedent for a pronoun or description.

    An actor entity outside reported content, a group or document noun phrase that
    is a clause subject, or the speaker of an earlier statement (``spoke``).
    """

    speaker: Speaker
    tok: int  # head token of the mention
    sent: int  # sentence index
    para: int  # paragraph index
    subject: bool  # a clause subject ("Peskov told reporters")
    spoke: bool  # the speaker of a statement, or the subject of a speech verb
    plural: bool  # a group ("officials", "the European leaders")
    kind: str  # "person", "group" (an organisation, government, delegation) or "thing" (a document)
    gender: str  # "m", "f" or ""
    src: int = -1  # for an earlier speaker: the token that named it
    reacts: bool = False  # the subject of a reaction verb ("Zelensky reacted strongly"): about to be quoted


class SpeakerResolver:
    """Maps source tokens to speakers for one document.

    ``in_content[i]`` is True for tokens inside quoted or reported content: names
    there are talked about, not talking. ``history`` collects the speakers already
    resolved, as (char offset, Speaker, source token index), for pronouns.
    """

    def __init__(self, doc: Doc, lex: QuoteLexicon, in_content: list[bool]):
        self.doc = doc
        self.lex = lex
        self.in_content = in_content
        self.history: list[tuple[int, Speaker, int]] = []
        self.ent_of: dict[int, Span] = {}
        for ent in doc.ents:
            for t in ent:
                self.ent_of[t.i] = ent
        # a name after an honorific is a person whatever label the model gave it ("Ms Olena Marchuk")
        self.persons = [e for e in doc.ents if e.label_ in lex.person_labels or self.honorific(e)]
        self.actor_info: dict = doc._.actor_info if Doc.has_extension("actor_info") else {}
        self.gender = self._genders()
        self.titles = self._titles()
        self._sent_starts = [sent.start for sent in doc.sents]
        self._para_breaks = [m.start() for m in re.finditer(r"\n\s*\n|\n", doc.text)]
        self._mentions: list[Mention] | None = None
        self.spoken: list[Mention] = []  # the speakers resolved so far, in text order

    # -- names
    def honorific(self, ent: Span) -> str:
        """The honorific before or opening a name ("mr", "ms" …), "" when none."""
        before = self.doc[ent.start - 1].lower_.rstrip(".") if ent.start > 0 else ""
        first = ent[0].lower_.rstrip(".")
        return first if first in self.lex.honorifics else before if before in self.lex.honorifics else ""

    def is_person(self, ent: Span) -> bool:
        return ent.label_ in self.lex.person_labels or bool(self.honorific(ent))

    def canonical(self, ent: Span) -> str:
        """The entity's name in this document, as the actors stage grouped it."""
        return ent._.canonical or ent.text.strip()

    def key(self, ent: Span) -> str:
        return self.canonical(ent).lower()

    def named(self, ent: Span, rule: str = "") -> Speaker:
        label = ent.label_
        if label not in self.lex.person_labels and self.is_person(ent):
            label = sorted(self.lex.person_labels)[0]
        return Speaker(self.canonical(ent), "named", ent.start_char, ent.end_char, label, rule)

    def _genders(self) -> dict[str, str]:
        """Gender per canonical name (lower-cased): from the actors stage's info, then
        honorifics and gendered role nouns next to a mention."""
        out: dict[str, str] = {}
        for name, info in (self.actor_info or {}).items():
            g = gender_code(info.get("gender"))
            if g:
                out[name.lower()] = g
        for ent in self.persons:
            honorific = self.honorific(ent)
            g = gender_code(self.lex.honorifics[honorific]) if honorific else ""
            root = ent.root
            near = list(root.children) + ([root.head] if root.dep_ == "appos" else [])
            for t in near:
                lemma = t.lemma_.lower()
                if lemma in self.lex.gendered_nouns and (t.dep_ in ("appos", "compound") or root.dep_ == "appos"):
                    g = gender_code(self.lex.gendered_nouns[lemma])
            if g:
                out.setdefault(self.key(ent), g)
        return out

    def _titles(self) -> list[tuple[str, set, Span]]:
        """(title lemma, describing words, entity) for titled person mentions."""
        out = []
        roles = self.lex.role_words
        for ent in self.persons:
            words: list[Token] = []
            # "Foreign Minister Sergei Lavrov", "Kremlin spokesman Dmitry Peskov"
            j = ent.start - 1
            while j >= 0 and self.doc[j].head.i in range(j + 1, ent.end) and self.doc[j].dep_ in (
                "compound", "amod", "nmod", "poss", "case", "det"
            ):
                words.extend(self.doc[j].subtree)
                j = self.doc[j].left_edge.i - 1
            words.extend(t for t in ent if t.lemma_.lower() in roles)
            # "Marek Magierowski, the Polish ambassador" / "the secretary general, Jens Stoltenberg"
            root = ent.root
            linked = [c for c in root.children if c.dep_ == "appos"]
            if root.dep_ == "appos":
                linked.append(root.head)
            for t in linked:
                if t.pos_ == "NOUN" and t.lemma_.lower() in roles:
                    words.extend(x for x in t.subtree if not (ent.start <= x.i < ent.end) and x.dep_ != "appos")
            lemmas = {w.lemma_.lower() for w in words}
            desc = {w.lower_ for w in words} | lemmas
            for title in lemmas & roles:
                out.append((title, desc, ent))
        return out

    # -- grammar
    def in_pp(self, t: Token, top: Token, allow: tuple = ()) -> bool:
        """Whether ``t`` sits in a prepositional or possessive phrase under ``top``."""
        cur = t
        while cur.i != top.i and cur.head != cur:
            if cur.dep_ in ("pobj", "poss") and not (cur.head.lower_ in allow):
                return True
            if cur.dep_ == "pobj" and cur.head.lower_ in allow:
                return False
            cur = cur.head
        return False

    def crosses_paragraph(self, tok: Token) -> bool:
        return any("\n" in t.text for t in self.doc[tok.left_edge.i:tok.i + 1])

    @staticmethod
    def is_plural(tok: Token) -> bool:
        return tok.tag_ in ("NNS", "NNPS")

    @staticmethod
    def is_subject(ent: Span) -> bool:
        """Whether the mention is (in apposition to, or named inside) a clause subject:
        "Peskov said", "the head of the commission, Oleh Didenko, said", "said by Peskov"."""
        root = ent.root
        if root.dep_ == "pobj" and root.head.dep_ == "agent":
            return True
        if root.dep_ in ("nsubj", "nsubjpass"):
            return True
        if root.dep_ == "compound":
            return root.head.dep_ in ("nsubj", "nsubjpass")
        cur = root  # an apposition anywhere in the subject's noun phrase
        for _ in range(4):
            if cur.dep_ not in ("appos", "pobj", "prep") or cur.head == cur:
                return False
            cur = cur.head
            if cur.dep_ in ("nsubj", "nsubjpass"):
                return root.dep_ == "appos"
        return False

    def speaker_entity(self, ent: Span | None) -> bool:
        return ent is not None and ent.label_ in self.lex.speaker_labels

    def window_start(self, tok: Token) -> int:
        """First character a pronoun looks back to (``pronoun_window`` sentences)."""
        sents = [s.start for s in self.doc.sents if s.start <= tok.i]
        k = max(0, len(sents) - 1 - self.lex.pronoun_window)
        return self.doc[sents[k]].idx if sents else 0

    @staticmethod
    def at(sp: Speaker, tok: Token, rule: str) -> Speaker:
        """A copy of ``sp`` placed at the mention ``tok`` and naming ``rule``."""
        return replace(sp, start=tok.idx, end=tok.idx + len(tok.text), rule=rule)

    # -- positions
    def sent_of(self, i: int) -> int:
        return bisect.bisect_right(self._sent_starts, i) - 1

    def para_of(self, i: int) -> int:
        return bisect.bisect_right(self._para_breaks, self.doc[i].idx)

    # -- candidate antecedents
    def mentions(self) -> list[Mention]:
        """Actor entities and group/document subjects outside reported content (built once)."""
        if self._mentions is None:
            self._mentions = [m for m in self._entity_mentions()] + [m for m in self._noun_mentions()]
            self._mentions.sort(key=lambda m: m.tok)
        return self._mentions

    def _entity_mentions(self):
        lex = self.lex
        for ent in self.doc.ents:
            if ent.label_ not in lex.speaker_labels or self.in_content[ent.start]:
                continue
            person = self.is_person(ent)
            root = ent.root
            verb = root.head if root.dep_ in ("nsubj", "nsubjpass") else (
                root.head.head if root.dep_ in ("appos", "compound") else None)
            subject = self.is_subject(ent) and verb is not None
            spoke = subject and verb.lemma_.lower() in lex.clause_verbs
            # "Trump's criticism of Putin on Sunday, when he said …": the author of a speech act
            spoke = spoke or (root.dep_ == "poss" and root.head.lemma_.lower() in lex.speech_nouns)
            reacts = subject and verb.lemma_.lower() in lex.reaction_verbs
            yield Mention(self.named(ent), root.i, self.sent_of(root.i), self.para_of(root.i), self.is_subject(ent),
                          spoke, False, "person" if person else "group", self.gender.get(self.key(ent), ""),
                          reacts=reacts)

    def _noun_mentions(self):
        """Subjects headed by a group noun ("the delegation", "European leaders") or a
        document noun ("the statement"): what "they" and "it" may stand for."""
        lex = self.lex
        for tok in self.doc:
            if tok.dep_ not in ("nsubj", "nsubjpass") or self.in_content[tok.i] or tok.i in self.ent_of:
                continue
            if tok.lower_ in lex.quantifier_sources:  # "Many argue …; they fear …"
                yield Mention(anonymous(self, tok), tok.i, self.sent_of(tok.i), self.para_of(tok.i), True,
                              tok.head.lemma_.lower() in lex.clause_verbs, True, "group", "")
                continue
            if tok.pos_ not in ("NOUN", "PROPN"):
                continue
            lemma = tok.lemma_.lower()
            plural = self.is_plural(tok)
            if lemma in lex.role_words and not plural:
                # "the minister was asked …": the person the article titles so, else the description
                who = apposition(self, tok) or former_holder(self, tok) or description(self, tok) or anonymous(self, tok)
                spoke = tok.head.lemma_.lower() in lex.clause_verbs | lex.reaction_verbs
                gender = self.gender.get(who.text.lower(), "") or gender_code(lex.gendered_nouns.get(lemma))
                yield Mention(who, tok.i, self.sent_of(tok.i), self.para_of(tok.i), True, spoke, False, "person", gender)
                continue
            if lemma in lex.medium_nouns and not plural:
                kind = "thing"
            elif lemma in lex.group_nouns or (plural and lemma in lex.role_words):
                kind = "group"
            else:
                continue
            spoke = tok.head.lemma_.lower() in lex.clause_verbs | lex.reaction_verbs
            yield Mention(anonymous(self, tok), tok.i, self.sent_of(tok.i), self.para_of(tok.i), True, spoke,
                          plural, kind, "")

    def record(self, speaker: Speaker, src: int, at: int) -> None:
        """Remember the speaker of a statement (``src``: the source token, ``at``: a token of it)."""
        tok = src if src >= 0 else at
        plural = src >= 0 and self.is_plural(self.doc[src])
        kind = "person"
        if speaker.kind == "named" and speaker.label and speaker.label not in self.lex.person_labels:
            kind = "group"
        elif speaker.kind == "anonymous" and src >= 0:
            lemma = self.doc[src].lemma_.lower()
            kind = "thing" if lemma in self.lex.medium_nouns else "group" if plural or lemma in self.lex.group_nouns else "person"
        gender = self.gender.get(speaker.text.lower(), "") if speaker.kind == "named" else ""
        self.spoken.append(Mention(speaker, tok, self.sent_of(tok), self.para_of(tok), True, True, plural, kind,
                                   gender, src))

    def rank(self, tok: Token, fits: Callable[[Mention], bool],
             prefer: Callable[[Mention], bool] | None = None) -> Mention | None:
        """The best antecedent before ``tok`` among those that ``fits`` accepts.

        Candidates are earlier speakers and mentions within ``pronoun_window``
        sentences; each scores by the weights of ``antecedent_weights``: sentence
        distance, being a clause subject, having spoken (the latest speaker most),
        being about to react ("X reacted strongly."), sharing the paragraph, and the pronoun's preference (``prefer``: plural
        sources for "they"). A tie goes to the nearer candidate.
        """
        w = self.lex.antecedent_weights
        here_sent, here_para = self.sent_of(tok.i), self.para_of(tok.i)
        last = self.spoken[-1].speaker.text if self.spoken else None
        best, best_score = None, None
        for m in self.mentions() + self.spoken:
            if m.tok >= tok.i or here_sent - m.sent > self.lex.pronoun_window or not fits(m):
                continue
            score = (w.get("distance", -1.0) * (here_sent - m.sent)
                     + w.get("subject", 0.0) * m.subject
                     + w.get("spoke", 0.0) * m.spoke
                     + w.get("last_speaker", 0.0) * (m.speaker.text == last)
                     + w.get("same_paragraph", 0.0) * (m.para == here_para)
                     + w.get("reacts", 0.0) * m.reacts
                     + w.get("preferred", 0.0) * bool(prefer and prefer(m)))
            if best_score is None or (score, m.tok) > (best_score, best.tok):
                best, best_score = m, score
        return best

    # -- resolution
    def resolve(self, tok: Token) -> Speaker:
        """The speaker a source token stands for; the first speaker rule that applies."""
        for name, rule in SPEAKER_RULES:
            found = rule(self, tok)
            if found is not None:
                if not found.rule:
                    found.rule = name
                return found
        return Speaker(tok.text, "unresolved", tok.idx, tok.idx + len(tok.text), rule="none")


SpeakerRule = Callable[[SpeakerResolver, Token], "Speaker | None"]


# --------------------------------------------------------------------------- rules


def entity(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """The source token is part of a named actor's mention."""
    ent = res.ent_of.get(tok.i)
    return res.named(ent) if res.speaker_entity(ent) else None


def apposition(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"Dmitry Peskov, the Kremlin's spokesman, said" / "the spokesman, Dmitry Peskov,
    said": the person named in apposition to the source."""
    for c in tok.children:
        if c.dep_ == "appos" and res.speaker_entity(res.ent_of.get(c.i)):
            return res.named(res.ent_of[c.i])
    if tok.dep_ == "appos" and res.speaker_entity(res.ent_of.get(tok.head.i)):
        return res.named(res.ent_of[tok.head.i])
    if tok.pos_ == "NOUN":  # "the head of the commission, Oleh Didenko," (hung on "commission")
        for t in tok.subtree:
            ent = res.ent_of.get(t.i)
            if t.i > tok.i and t.dep_ == "appos" and ent is not None and res.is_person(ent):
                return res.named(ent)
    return None


def titled_name(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"former CIA director David Petraeus": a person named inside the role noun phrase."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in res.lex.role_words or res.is_plural(tok):
        return None
    for t in tok.children:  # the name hangs on the role noun itself, not in a clause or phrase under it
        e = res.ent_of.get(t.i)
        if e is not None and t.dep_ in ("appos", "compound", "nmod", "npadvmod", "flat") and res.is_person(e):
            return res.named(e)
    return None


def pronoun(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"he", "she", "they", "it": the best-ranked antecedent of the right kind.

    "he"/"she" take a person (never one of the other gender, never a group);
    "they" a group: plural sources, organisations, governments, delegations; "it"
    an organisation or a document.
    """
    if tok.pos_ != "PRON" or tok.lower_ not in res.lex.pronouns:
        return None
    info = res.lex.pronouns[tok.lower_]
    gender, kind = gender_code(info.get("gender")), info.get("kind")
    prefer = None
    if kind == "person":
        fits = lambda m: m.kind == "person" and not m.plural and not (gender and m.gender and m.gender != gender)  # noqa: E731
    elif kind == "group":
        fits = lambda m: m.plural or m.kind == "group"  # noqa: E731  (a delegation, a government)
        prefer = lambda m: m.plural  # noqa: E731  (people before an institution named in the singular)
    elif kind == "thing":
        fits = lambda m: not m.plural and m.kind in ("group", "thing")  # noqa: E731
        prefer = lambda m: m.kind == "thing"  # noqa: E731  (a document before a country)
    else:
        return None
    cataphor = _main_clause_subject(res, tok)
    if cataphor is not None:
        found = next((m for m in res.mentions() if m.tok == cataphor.i and fits(m)), None)
        if found is not None:
            return res.at(found.speaker, tok, "pronoun")
    found = res.rank(tok, fits, prefer)
    if found is None:
        return Speaker(tok.text, "unresolved", tok.idx, tok.idx + len(tok.text), rule="pronoun")
    return res.at(found.speaker, tok, "pronoun")


def _main_clause_subject(res: SpeakerResolver, tok: Token) -> Token | None:
    """"Though it has dismissed such demands, Ukraine said …": a pronoun subject of a
    subordinate clause placed before its main clause stands for the main clause's subject."""
    verb = tok.head
    if tok.dep_ != "nsubj" or verb.dep_ != "advcl" or verb.i > verb.head.i:
        return None
    if not any(c.dep_ == "mark" for c in verb.children):
        return None
    return next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i > tok.i), None)


def compatriot(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"the Hungarian PM" when the article titles nobody so: the best-ranked person
    whose country (``doc._.actor_info``) is the nationality's."""
    lex = res.lex
    lemma = tok.lemma_.lower() if tok.lemma_.lower() in lex.role_words else tok.lower_
    if lemma not in lex.role_words or lemma in lex.shared_roles or res.is_plural(tok) or not res.actor_info:
        return None  # "the French official": one of many, not the country's office holder
    if not any(c.dep_ in ("det", "poss") for c in tok.children):
        return None  # "a Hungarian diplomat" is anonymous
    countries = {lex.registry.nationalities[c.text] for c in tok.children
                 if c.dep_ in ("amod", "compound", "poss", "nmod") and c.text in lex.registry.nationalities}
    countries |= {c.text for c in tok.children if c.dep_ == "poss" and c.ent_type_ == "GPE"}
    if not countries:
        return None
    country_of = {name.lower(): info.get("country", "") for name, info in res.actor_info.items()}
    found = res.rank(tok, lambda m: m.kind == "person" and m.speaker.kind == "named"
                     and country_of.get(m.speaker.text.lower()) in countries)
    return res.at(found.speaker, tok, "compatriot") if found is not None else None


def proper_noun(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """A proper noun the model did not tag as an entity is still a name."""
    if tok.pos_ != "PROPN" or res.crosses_paragraph(tok) or tok.is_lower:
        return None  # a lower-case word the tagger took for a name ("the prime minister") is no name
    lo = min([tok.i] + [c.i for c in tok.children if c.dep_ in ("compound", "flat")])
    span = res.doc[lo:tok.i + 1]
    return Speaker(span.text, "named", span.start_char, span.end_char, "")


def medium(res: SpeakerResolver, tok: Token, look_back: bool = True) -> Speaker | None:
    """"a Gallup poll", "the survey conducted by Rating": the organisation a document
    speaks for; "the poll" again: the organisation of the same document named before."""
    lex = res.lex
    lemma = tok.lemma_.lower()
    if lemma not in lex.medium_nouns:
        return None
    if any(c.lower_ in lex.joint_words for c in tok.children):
        return None  # "a joint US-Ukraine statement" speaks for no one party
    owner = next((c for c in tok.children if c.dep_ == "poss"), None)
    if owner is not None and (owner.ent_type_ in lex.person_labels or owner.lower_ in lex.pronouns):
        # "his proposal calls for …", "Zelensky's plan envisages …": the author's
        found = pronoun(res, owner) if owner.pos_ == "PRON" else entity(res, owner)
        if found is not None and found.kind == "named":
            return res.at(found, tok, "medium")
    for t in tok.subtree:
        e = res.ent_of.get(t.i)
        if e is not None and e.label_ in lex.group_labels and t.i != tok.i and not res.in_content[t.i] \
                and not res.in_pp(t, tok, allow=tuple(lex.agent_prepositions)):
            return res.at(res.named(e), tok, "medium")
    named = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if named:
        c = named[-1]
        return Speaker(c.text, "named", c.idx, c.idx + len(c.text), "ORG")
    if look_back and any(c.dep_ == "det" and c.lower_ in res.lex.definite_determiners for c in tok.children):
        for earlier in reversed(res.doc[:tok.i]):
            if earlier.lemma_.lower() == lemma and earlier.pos_ == "NOUN":
                found = medium(res, earlier, look_back=False)
                if found is not None:
                    return res.at(found, tok, "medium")
    return None


def surveyed_share(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"A Gallup poll reveals …, with 41% of Americans believing that …": a share of
    people answering a survey speaks through the survey's organisation."""
    if not (tok.lower_ in res.lex.share_words or tok.pos_ == "NUM"):
        return None
    for verb in tok.ancestors:
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                        and c.lemma_.lower() in res.lex.medium_nouns), None)
        if subject is not None:
            found = medium(res, subject)
            return res.at(found, tok, "surveyed_share") if found is not None else None
    return None


def former_holder(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"the former president": the person in the article who held an office of that
    title before the article's date (the registry's holders) and no longer holds it."""
    lex = res.lex
    lemma = tok.lemma_.lower()
    if lemma not in lex.role_words or res.is_plural(tok) or not lex.registry.roles:
        return None
    if not any(c.lower_ in lex.former_words for c in tok.children if c.dep_ in ("amod", "advmod", "compound")):
        return None
    day = res.doc._.anchor
    former: set[str] = set()
    for role in lex.registry.roles:
        if not any(lemma in title.lower().split() for title in role["titles"]):
            continue
        current = {h["actor"] for h in role["holders"] if h["start"] <= day and (not h["end"] or day < h["end"])}
        former |= {h["actor"] for h in role["holders"] if h["end"] and h["end"] <= day} - current
    people = [e for e in res.persons if e._.actor_id in former and e.start != tok.i]
    if not day or not people:
        return None
    best = min(people, key=lambda e: (e.start > tok.i, abs(e.start - tok.i)))
    return res.at(res.named(best), tok, "former_holder")


def description(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"the foreign minister", "the Polish premier", "Hungary's prime minister", "the
    official": the person the article gave that role.

    The candidates are the people the article titles with the same role (or one the
    description's word may stand for, ``role_synonyms``); a candidate must share the
    description's proper modifiers ("Polish", "Kremlin") or another of its words
    ("deputy"); among them the one sharing most words wins, then the one mentioned
    before, then the nearest.
    """
    lex = res.lex
    lemma = tok.lemma_.lower() if tok.lemma_.lower() in lex.role_words else tok.lower_
    if lemma not in lex.role_words or res.is_plural(tok):
        return None
    roles = {lemma} | lex.role_synonyms.get(lemma, set())
    definite = any(c.dep_ in ("det", "poss") and c.lower_ not in lex.indefinite_determiners for c in tok.children) or (
        tok.pos_ == "PROPN")
    if lex.role_synonyms.get(lemma) and not definite:
        return None  # "an official" is anonymous; "the official" may be someone named
    content = [t for t in tok.subtree if t.is_alpha and not t.is_stop]
    words = {t.lower_ for t in content} | {t.lemma_.lower() for t in content}
    mods = [t for t in tok.children if t.dep_ in ("amod", "compound", "poss", "nmod")]
    proper = {t.lower_ for t in mods if t.text[:1].isupper() and t.lower_ not in roles}
    best, best_score = None, None
    for role, desc, ent in res.titles:
        if role not in roles or ent.start <= tok.i < ent.end:
            continue
        overlap = len((words - roles) & desc)
        if proper and not (proper & desc) and not overlap:
            continue
        score = (overlap, role == lemma, ent.start < tok.i, -abs(ent.start - tok.i))
        if best_score is None or score > best_score:
            best_score, best = score, ent
    return res.at(res.named(best), tok, "description") if best is not None else None


def repeated_description(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"the poll" again: the source an earlier statement named with the same head noun."""
    if not any(c.dep_ == "det" and c.lower_ in res.lex.definite_determiners for c in tok.children):
        return None
    lemma = tok.lemma_.lower()
    for _, sp, src in reversed(res.history):
        if src >= 0 and src != tok.i and res.doc[src].lemma_.lower() == lemma:
            return res.at(sp, tok, "repeated_description")
    return None


def joint_source(res: SpeakerResolver, tok: Token) -> Speaker | None:
    """"the document and Rubio denied …": a statement made jointly is the first named
    source's (SPEC s.2)."""
    for c in tok.children:
        ent = res.ent_of.get(c.i)
        if c.dep_ == "conj" and res.speaker_entity(ent):
            return res.named(ent)
    return None


def anonymous(res: SpeakerResolver, tok: Token) -> Speaker:
    """An unnamed source: its noun phrase without appositions and relative clauses."""
    doc = res.doc
    drop = set()
    for c in tok.children:
        if c.dep_ in ("appos", "punct", "advmod") and c.i > tok.i:
            drop.update(t.i for t in c.subtree)
        if (c.dep_ == "acl" and c.i > tok.i) or c.dep_ == "relcl":
            drop.update(t.i for t in c.subtree)
    toks = [t for t in tok.subtree if t.i not in drop]
    lo, hi = toks[0].i, toks[-1].i
    for t in toks:
        if t.i > tok.i and (t.text in (",", "(", "–", "—") or "\n" in t.text):
            hi = t.i - 1
            break
    for t in reversed(toks):
        if t.i < tok.i and "\n" in t.text:
            lo = t.i + 1
            break
    while lo < tok.i and (doc[lo].text in PUNCT_STRIP or doc[lo].is_space):
        lo += 1
    while hi > tok.i and (doc[hi].text in PUNCT_STRIP or doc[hi].is_space):
        hi -= 1
    if hi - lo > res.lex.anonymous_max_tokens:
        lo = max(lo, tok.i - res.lex.anonymous_max_tokens // 2 + 1)
        hi = min(hi, tok.i + res.lex.anonymous_max_tokens // 2)
    span = doc[lo:hi + 1]
    return Speaker(span.text, "anonymous", span.start_char, span.end_char, "")


# --------------------------------------------------------------------------- the order

SPEAKER_RULES: list[tuple[str, SpeakerRule]] = [
    ("entity", entity),
    ("apposition", apposition),
    ("titled_name", titled_name),
    ("pronoun", pronoun),
    ("repeated_description", repeated_description),
    ("former_holder", former_holder),
    ("description", description),
    ("compatriot", compatriot),
    ("proper_noun", proper_noun),
    ("medium", medium),
    ("surveyed_share", surveyed_share),
    ("joint_source", joint_source),
    ("anonymous", anonymous),
]


def resolve_speakers(doc: Doc, lex: QuoteLexicon, quotes: list[QuoteCandidate], quoted: list[bool],
                     indirect_ranges: list[tuple[int, int]]) -> None:
    """Give each quote its speaker, in text order, so pronouns see earlier speakers.

    A direct quote without a cue of its own inherits the speaker of the quote before
    it when it continues that quote or follows it closely (``inherit_window``).
    """
    in_content = list(quoted)
    for s, e in indirect_ranges:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None:
            for t in span:
                in_content[t.i] = True
    resolver = SpeakerResolver(doc, lex, in_content)
    prev: QuoteCandidate | None = None
    for q in quotes:
        if q.source_i >= 0:
            q.speaker = resolver.resolve(doc[q.source_i])
        elif q.kind == "direct" and prev is not None and not q.has_cue and (
            (q.mark is not None and q.mark.continues) or q.start - prev.end <= lex.inherit_window
        ):
            q.speaker = replace(prev.speaker, rule="previous_quote")
            q.cue = q.cue or prev.cue
        if q.speaker.kind != "unresolved":
            pos = q.speaker.start if q.speaker.start >= 0 else q.start
            resolver.history.append((pos, q.speaker, q.source_i))
            at = q.source_i if q.source_i >= 0 else (doc.char_span(q.start, q.end, alignment_mode="expand") or doc[:1]).start
            resolver.record(q.speaker, q.source_i, at)
        prev = q
