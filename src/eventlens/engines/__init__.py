"""Engines: where the work of a run is done. ``local`` (the default) runs it in this process (or its
pool of ``pipeline.n_process`` workers); ``ray`` on a Ray cluster (``engines.ray``, extra ``eventlens[ray]``).

An engine does two things for a run: it turns input batches into processed batches (the per-document
stages), in input order, and it runs independent calls (the clustering blocks of ``engines.blocks``).
Every decision that depends on order (exact duplicates, copies, the store) stays in the driver, so
both engines give the same database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any, Protocol

from ..errors import ConfigError
from ..model import Document, Failure
from ..pipeline import Pipeline, StepCallback

__all__ = ["Engine", "LocalEngine", "get_engine", "with_blocked_clustering"]

Item = Any  # Document | Failure | io.readers.PendingFile
ENGINES = ("local", "ray")


class Engine(Protocol):
    name: str

    def process(
        self, pipeline: Pipeline, batches: Iterable[list[Item]], on_step: StepCallback | None = None
    ) -> Iterator[list[Document | Failure]]:
        """Each input batch through the per-document stages, one output list per batch, in order."""
        ...

    def map_calls(self, func: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        """``[func(*args) for args in calls]``, possibly in parallel, in order."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """Today's path: ``Pipeline.pipe`` in this process (or its worker pool), blocks one after another."""

    name = "local"

    def process(
        self, pipeline: Pipeline, batches: Iterable[list[Item]], on_step: StepCallback | None = None
    ) -> Iterator[list[Document | Failure]]:
        for batch in batches:
            yield [item for part in pipeline.pipe(batch, on_step) for item in part]

    def map_calls(self, func: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        return [func(*args) for args in calls]

    def close(self) -> None:
        pass


def get_engine(name: str = "local", *, address: str | None = None, num_cpus: int | None = None) -> Engine:
    """The engine called ``name``; ``address`` and ``num_cpus`` are Ray's (``ray.init``)."""
    if name == "local":
        return LocalEngine()
    if name == "ray":
        from .ray import RayEngine

        return RayEngine(address=address, num_cpus=num_cpus)
    raise ConfigError(f"unknown engine {name!r}; valid: {', '.join(ENGINES)}")


def with_blocked_clustering(pipeline: Pipeline, engine: Engine) -> Pipeline:
    """The pipeline whose ``cluster`` stage runs per block on ``engine`` (``engines.blocks``)."""
    from .blocks import cluster_in_blocks

    stages = tuple(
        dataclasses.replace(spec, func=partial(cluster_in_blocks, spec.func, map_calls=engine.map_calls))
        if spec.kind == "fusion" and spec.slot == "cluster"
        else spec
        for spec in pipeline.stages
    )
    blocked = Pipeline(pipeline.settings)
    blocked.stages = stages
    return blocked
