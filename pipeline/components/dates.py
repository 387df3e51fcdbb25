"""dates stage (placeholder until its issue lands)."""
from spacy.language import Language
from spacy.tokens import Doc


class DateNormalizer:
    def __init__(self, nlp: Language, name: str, *, settings_path: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        return doc
