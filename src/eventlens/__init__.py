"""eventlens: raw multi-source news reports in, de-duplicated incident records with evidence out.

The names below are imported when first used (PEP 562), so ``import eventlens`` and the command line's
``--help`` stay fast; ``eventlens.run`` and the rest behave exactly as plain imports.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import ingest, run
    from .errors import ConfigError, EventlensError, InputError, StageError, StoreError
    from .model import Document, Evidence, Failure, PartialDate, RunResult
    from .pipeline import Pipeline
    from .settings import Settings, load_settings
    from .store import Store

#: Public name -> the module that defines it.
_EXPORTS = {
    "ConfigError": "errors",
    "Document": "model",
    "EventlensError": "errors",
    "Evidence": "model",
    "Failure": "model",
    "InputError": "errors",
    "PartialDate": "model",
    "Pipeline": "pipeline",
    "RunResult": "model",
    "Settings": "settings",
    "StageError": "errors",
    "Store": "store",
    "StoreError": "errors",
    "ingest": "api",
    "load_settings": "settings",
    "run": "api",
}

__all__ = sorted(_EXPORTS)

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'eventlens' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
