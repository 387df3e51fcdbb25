"""Actors stage: registry ruler, in-document canonical names, office holders by date,
affiliations.

The model's NER finds the mentions; a ``SpanRuler`` built from the actor registry
(``configs/actors.yml``) adds and relabels the actors it knows, including offices
("the US President") whose holder is looked up by the article's anchor date. Then, in
this order:

1. mentions are trimmed to their names (``mentions.py``: ``in_subheading``,
   ``headline_run_on``, ``last_constituent``, ``extend_given_names``,
   ``clean_mention``, ``is_hyphenated_title``, ``resolve_overlaps``);
2. mentions that refer to one actor are grouped and given the group's canonical name,
   the fullest proper-name form the article uses (``names.py``: registry, same text,
   name ending, family name first, acronym, near spelling);
3. groups that are a capitalised common word, not an actor, are dropped
   (``mentions.py``: section label, sentence start, title phrase);
4. each actor's gender, affiliation and country go into ``doc._.actor_info``
   (``affiliations.py``: registry, own name, description, honorific, affiliation's
   country), and what each organisation, place and nationality word tells into
   ``doc._.affiliation_spans`` (for sources that are no named actor: "Russian officials").

The registry improves recall and labels; it never gates. It is also the one home of
the title words: ``nlp.get_pipe("parley_actors").registry.title_words`` (role nouns,
lower-case) and ``.registry.honorifics`` (honorific → "m"/"f"/"").
"""
from .affiliations import actor_info, describe_span
from .linker import ACTOR_LABELS, ActorLinker
from .mentions import CommonWords, last_constituent
from .names import canonical_names, one_edit_apart
from .registry import Registry, gender_code

__all__ = [
    "ACTOR_LABELS", "ActorLinker", "CommonWords", "Registry", "actor_info", "canonical_names", "describe_span",
    "gender_code", "last_constituent", "one_edit_apart",
]
