"""Built-in stages. Importing this package registers them, exactly as a plugin's entry point would."""

from . import clean, entities, geocode, langid, link, metadata, quotes, temporal

__all__ = ["clean", "entities", "geocode", "langid", "link", "metadata", "quotes", "temporal"]
