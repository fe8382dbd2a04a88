"""Errors raised by eventlens.

    EventlensError
    ├── InputError(path, reason)     an input file or line could not be read; reason is one of REASONS
    ├── ConfigError                  a setting or stage name is wrong; names the key and the valid ones
    ├── StageError(stage, doc_id)    a stage failed on one document; raised from the cause
    └── StoreError                   the database could not be opened or written

Per-document errors never escape a batch: the pipeline turns them into stored ``Failure`` records.
"""

from __future__ import annotations

__all__ = ["REASONS", "ConfigError", "EventlensError", "InputError", "StageError", "StoreError"]

#: Stable reason codes for inputs that were skipped, with what each means.
REASONS: dict[str, str] = {
    "not_found": "the path does not exist",
    "unreadable": "the file exists but cannot be read (permissions, a directory, an I/O error)",
    "empty": "the file holds no bytes or only whitespace",
    "binary": "the bytes are not text (NUL bytes or a known binary signature)",
    "encoding": "not UTF-8 and no confident guess of another encoding",
    "too_large": "larger than ingest.max_bytes",
    "bad_gzip": "a .gz file that is truncated or corrupt",
    "bad_json": "a JSONL line that is not a JSON object",
    "bad_feed": "an RSS/Atom file that could not be parsed",
    "no_content": "nothing is left after extraction and cleaning",
    "unsupported": "a file type eventlens does not read",
    "stage_error": "a pipeline stage raised an error on this document",
}


class EventlensError(Exception):
    """Base class of every error eventlens raises on purpose."""


class InputError(EventlensError):
    """An input could not be read; ``reason`` is a key of ``REASONS``."""

    def __init__(self, path: str, reason: str, detail: str = "") -> None:
        if reason not in REASONS:
            raise ValueError(f"unknown input error reason {reason!r}; valid: {', '.join(REASONS)}")
        self.path = path
        self.reason = reason
        self.detail = detail or REASONS[reason]
        super().__init__(f"{path}: {self.detail}; skipped (reason: {reason})")


class ConfigError(EventlensError):
    """A configuration key or value is invalid."""


class StageError(EventlensError):
    """A stage raised on one document."""

    def __init__(self, stage: str, doc_id: str, detail: str) -> None:
        self.stage = stage
        self.doc_id = doc_id
        super().__init__(f"stage {stage} failed on document {doc_id}: {detail}")


class StoreError(EventlensError):
    """The store could not be opened or written."""
