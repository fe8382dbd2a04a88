"""The stage registry: stages register under versioned names, with what they read and write.

Built-in stages register exactly as a third-party stage would; other packages can add stages through
the ``eventlens_stages`` entry-point group. A new behaviour gets a new name (``clean.rules.v2``), so
old settings keep their meaning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import catalogue

from .errors import ConfigError
from .model import Document

__all__ = ["SLOTS", "StageSpec", "get_stage", "registered_stages", "stage"]

#: Fixed order of the pipeline's slots; settings choose each slot's implementation by name.
SLOTS: tuple[str, ...] = (
    "clean",
    "metadata",
    "langid",
    "entities",
    "temporal",
    "geocode",
    "events",
    "casualties",
    "quotes",
    "link",
    "cluster",
    "reconcile",
)

_DOC_FIELDS = frozenset(Document.model_fields)

stages = catalogue.create("eventlens", "stages", entry_points=True)


@dataclass(frozen=True, slots=True)
class StageSpec:
    """A registered stage: its name, slot, the Document fields it reads and writes, its settings section."""

    name: str
    slot: str
    func: Callable[..., Any]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    section: str | None
    kind: str = "doc"
    batched: bool = False


def stage(
    name: str,
    *,
    slot: str,
    requires: tuple[str, ...] = (),
    assigns: tuple[str, ...] = (),
    section: str | None = None,
    kind: str = "doc",
    batched: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a stage function under ``name`` for ``slot``.

    A plain stage is ``(doc, cfg) -> Document``; a ``batched`` one is ``(docs, cfg) -> list[Document]``
    with one output per input, in order. A ``corpus`` stage is ``(docs_source, cfg) -> Iterator[Document]``
    (the documents it changed). A ``fusion`` stage works on incidents, not documents: the ``cluster`` slot
    is ``(items, fixed, cfg) -> {doc_id: incident_key}`` and the ``reconcile`` slot is
    ``(incident_id, members, cfg) -> Incident`` (see ``eventlens.fusion``).
    """
    if slot not in SLOTS:
        raise ConfigError(f"stage {name!r}: unknown slot {slot!r}; valid: {', '.join(SLOTS)}")
    if kind not in ("doc", "corpus", "fusion"):
        raise ConfigError(f"stage {name!r}: kind must be 'doc', 'corpus' or 'fusion', not {kind!r}")
    bad = [field for field in (*requires, *assigns) if field not in _DOC_FIELDS]
    if kind == "doc" and bad:
        raise ConfigError(f"stage {name!r}: {', '.join(bad)} are not Document fields")

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        spec = StageSpec(name, slot, func, tuple(requires), tuple(assigns), section, kind, batched)
        stages.register(name, func=spec)
        return func

    return register


def registered_stages() -> dict[str, StageSpec]:
    """Every registered stage (built-ins and entry points), by name."""
    from . import stages as _builtins  # noqa: F401  (importing registers the built-in stages)

    return dict(sorted(stages.get_all().items()))


def get_stage(name: str) -> StageSpec:
    """The stage registered under ``name``; ``ConfigError`` lists the valid names otherwise."""
    found = registered_stages()
    if name not in found:
        raise ConfigError(f"no stage registered as {name!r}; registered: {', '.join(found)}")
    return found[name]
