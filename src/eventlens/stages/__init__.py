"""Built-in stages. Importing this package registers them, exactly as a plugin's entry point would."""

from . import casualties, clean, cluster, entities, events, geocode, langid, link, metadata, quotes, reconcile, temporal

__all__ = ["casualties", "clean", "cluster", "entities", "events", "geocode", "langid", "link", "metadata", "quotes", "reconcile", "temporal"]
