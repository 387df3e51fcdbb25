"""The error a user fixes in the configuration: cli turns it into exit status 2.

It lives alone here so that every layer (nlp, the stages' lexicon loader, the
runner) can raise it without importing one another.
"""


class ConfigError(ValueError):
    """The configuration cannot be used (missing file, unknown model, component or key)."""
