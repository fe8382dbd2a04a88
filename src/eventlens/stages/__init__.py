"""Built-in stages. Importing this package registers them, exactly as a plugin's entry point would."""

from . import clean, langid, metadata

__all__ = ["clean", "langid", "metadata"]
