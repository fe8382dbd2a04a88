"""Built-in stages. Importing this package registers them, exactly as a plugin's entry point would."""

from . import clean, entities, langid, metadata

__all__ = ["clean", "entities", "langid", "metadata"]
