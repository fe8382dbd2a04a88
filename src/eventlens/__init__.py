"""eventlens: raw multi-source news reports in, de-duplicated incident records with evidence out."""

import logging

from .api import ingest, run
from .errors import ConfigError, EventlensError, InputError, StageError, StoreError
from .model import Document, Evidence, Failure, PartialDate, RunResult
from .pipeline import Pipeline
from .settings import Settings, load_settings
from .store import Store

__all__ = [
    "ConfigError",
    "Document",
    "EventlensError",
    "Evidence",
    "Failure",
    "InputError",
    "PartialDate",
    "Pipeline",
    "RunResult",
    "Settings",
    "StageError",
    "Store",
    "StoreError",
    "ingest",
    "load_settings",
    "run",
]

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
