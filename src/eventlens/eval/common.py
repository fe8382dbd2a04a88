"""Helpers shared by the evaluations: where the gold data lives and the dev/test split."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["default_eval_dir", "split_of"]


def split_of(doc_id: str) -> str:
    """'dev' when the first hex digit of sha1(doc_id) is 0-b, else 'test' (shared/eval/README.md)."""
    return "dev" if hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[0] in "0123456789ab" else "test"


def default_eval_dir() -> Path:
    """``$EVENTLENS_EVAL_DIR``, else ``../shared/eval`` beside the working directory or this checkout."""
    env = os.environ.get("EVENTLENS_EVAL_DIR")
    if env:
        return Path(env)
    candidates = [Path.cwd() / ".." / "shared" / "eval"]
    candidates += [parent / ".." / "shared" / "eval" for parent in Path(__file__).resolve().parents]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate.resolve()
    return candidates[0]
