"""The pipeline: per-document stages in slot order, checked at build time, run in batches."""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from .errors import ConfigError, InputError
from .model import Document, Failure
from .registry import SLOTS, StageSpec, get_stage
from .settings import Settings

__all__ = ["Pipeline", "READER_ASSIGNS"]

logger = logging.getLogger(__name__)

#: ``on_step(stage_name, documents)``: called as documents get through a stage (0 when a stage starts).
StepCallback = Callable[[str, int], None]

# With a progress callback, a batched stage (spaCy's nlp.pipe) sees its batch in chunks of this many
# documents, so progress moves every few documents instead of once per batch. nlp.pipe over chunks
# of 8 took about as long as over 64 on 128 incident reports (noise of the 2-core machine: +-30%).
_PROGRESS_CHUNK = 8

#: Document fields a reader fills before any stage runs.
READER_ASSIGNS: frozenset[str] = frozenset(
    {"doc_id", "path", "format", "encoding", "raw_html", "raw_text", "hints", "status", "copy_of"}
)


class Pipeline:
    """The chosen stage for each slot, in slot order, with requires/assigns checked at build time."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        chosen = self.settings.pipeline.stages
        unknown = [slot for slot in chosen if slot not in SLOTS]
        if unknown:
            raise ConfigError(f"unknown pipeline slot(s) {', '.join(unknown)}; valid: {', '.join(SLOTS)}")
        specs = []
        for slot in SLOTS:
            if slot not in chosen:
                continue
            spec = get_stage(chosen[slot])
            if spec.slot != slot:
                raise ConfigError(f"stage {spec.name!r} belongs in slot {spec.slot!r}, not {slot!r}")
            if specs and specs[-1].kind in ("corpus", "fusion") and spec.kind == "doc":
                raise ConfigError(f"per-document stage {spec.name!r} cannot follow corpus stage {specs[-1].name!r}")
            specs.append(spec)
        self.stages: tuple[StageSpec, ...] = tuple(specs)
        self._check_requires()

    def _check_requires(self) -> None:
        assigned = set(READER_ASSIGNS) | set(self.settings.pipeline.preassigned)
        for spec in self.stages:
            missing = [field for field in spec.requires if field not in assigned]
            if missing:
                raise ConfigError(
                    f"stage {spec.name!r} requires {', '.join(missing)}, which no earlier stage assigns"
                )
            assigned.update(spec.assigns)

    @property
    def doc_stages(self) -> tuple[StageSpec, ...]:
        return tuple(spec for spec in self.stages if spec.kind == "doc")

    @property
    def corpus_stages(self) -> tuple[StageSpec, ...]:
        """Stages that see all documents of a run at once (after every per-document stage)."""
        return tuple(spec for spec in self.stages if spec.kind == "corpus")

    @property
    def fusion_stages(self) -> dict[str, StageSpec]:
        """The stages that fuse documents into incidents, by slot (``cluster``, ``reconcile``)."""
        return {spec.slot: spec for spec in self.stages if spec.kind == "fusion"}

    def run_corpus_stage(self, spec: StageSpec, docs: Callable[[], Iterator[Document]]) -> Iterator[Document]:
        """Run one corpus stage over a re-iterable source of documents; yields the documents it changed."""
        cfg = getattr(self.settings, spec.section) if spec.section else None
        for new in spec.func(docs, cfg):
            yield new

    def process(self, doc: Document) -> Document | Failure:
        """Run every per-document stage on ``doc``; a failing stage gives a Failure instead."""
        return self.process_batch([doc])[0]

    def process_batch(
        self, items: list[Document | Failure], on_step: StepCallback | None = None
    ) -> list[Document | Failure]:
        """Run every per-document stage over a batch, in order; failures pass through untouched.

        A batched stage (``batched=True``, e.g. spaCy's ``nlp.pipe``) sees the whole batch at once; if it
        raises, it is re-run one document at a time so that only the bad document fails. ``on_step`` hears
        of every document (or, for a batched stage, every few documents) that gets through a stage.
        """
        current = _read_pending(items, self.settings)
        for spec in self.doc_stages:
            cfg = getattr(self.settings, spec.section) if spec.section else None
            live = [index for index, item in enumerate(current) if isinstance(item, Document)]
            if not live:
                break
            if on_step is not None:
                on_step(spec.name, 0)
            docs = [current[index] for index in live]
            outputs: list[Document | Failure]
            if spec.batched and len(docs) > 1:
                size = _PROGRESS_CHUNK if on_step is not None else len(docs)
                outputs = []
                for start in range(0, len(docs), size):
                    outputs.extend(self._apply_batched(spec, cfg, docs[start : start + size]))
                    if on_step is not None:
                        on_step(spec.name, len(docs[start : start + size]))
            else:
                outputs = []
                for doc in docs:
                    outputs.append(self._apply(spec, cfg, doc))
                    if on_step is not None:
                        on_step(spec.name, 1)
            for index, output in zip(live, outputs):
                current[index] = output
        return current

    def _apply_batched(self, spec: StageSpec, cfg: object, docs: list[Document]) -> list[Document | Failure]:
        if len(docs) == 1:
            return [self._apply(spec, cfg, docs[0])]
        outputs: list[Document | Failure]
        try:
            outputs = list(spec.func(docs, cfg))
            if len(outputs) != len(docs):  # zip would silently leave the rest unprocessed
                raise ValueError(f"stage {spec.name} returned {len(outputs)} documents for {len(docs)}")
        except Exception:  # isolate the bad document by re-running one at a time
            if self.settings.pipeline.strict:
                raise
            logger.debug("batched stage %s failed; retrying one document at a time", spec.name, exc_info=True)
            return [self._apply(spec, cfg, doc) for doc in docs]
        if self.settings.pipeline.strict:
            for before, after in zip(docs, outputs):
                _check_assigns(spec, before, after)  # type: ignore[arg-type]
        return outputs

    def _apply(self, spec: StageSpec, cfg: object, doc: Document) -> Document | Failure:
        try:
            new = spec.func([doc], cfg)[0] if spec.batched else spec.func(doc, cfg)
        except InputError as exc:
            if self.settings.pipeline.strict:
                raise
            return Failure(path=doc.path, reason=exc.reason, message=str(exc), stage=spec.slot, doc_id=doc.doc_id)
        except Exception as exc:  # one bad document must not kill the batch (see pipeline.strict)
            if self.settings.pipeline.strict:
                raise
            logger.debug("stage %s failed on %s", spec.name, doc.doc_id, exc_info=True)
            return Failure(
                path=doc.path,
                reason="stage_error",
                message=f"{doc.path}: stage {spec.name} failed ({type(exc).__name__}: {exc}); skipped (reason: stage_error)",
                stage=spec.slot,
                doc_id=doc.doc_id,
            )
        if self.settings.pipeline.strict:
            _check_assigns(spec, doc, new)
        return new

    def pipe(
        self, items: Iterable[Document | Failure], on_step: StepCallback | None = None
    ) -> Iterator[list[Document | Failure]]:
        """Yield batches of processed documents (and passed-through failures), in input order.

        With ``pipeline.n_process > 1`` the batches are processed by a pool of worker processes (each
        loads the models once), at most two batches per worker in flight so memory stays bounded;
        ``on_step`` is then not called (the workers' progress is known only when a batch returns).
        """
        workers = self.settings.pipeline.n_process
        if workers <= 1:
            for batch in _batched(items, self.settings.pipeline.batch_size):
                yield self.process_batch(batch, on_step)
            return
        # Smaller batches keep both workers busy to the end of a run and the progress moving.
        pool = _shared_pool(self.settings.model_dump_json(), workers)
        pending: deque[Future[list[Document | Failure]]] = deque()
        for batch in _batched(items, min(self.settings.pipeline.batch_size, _POOL_BATCH)):
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _read_pending(items: Iterable[Any], settings: Settings) -> list[Document | Failure]:
    """The batch with every deferred file (``io.readers.PendingFile``) read in place, in order."""
    out: list[Document | Failure] = []
    for item in items:
        if isinstance(item, (Document, Failure)):
            out.append(item)
        else:
            out.extend(item.read(settings.ingest))
    return out


_POOL_BATCH = 16
_POOL: tuple[str, int, ProcessPoolExecutor] | None = None


def _shared_pool(settings_json: str, workers: int) -> ProcessPoolExecutor:
    """The worker pool for these settings, started once per process and kept for the next run: a pool
    costs seconds to start (each worker imports the stages and loads the models)."""
    global _POOL
    if _POOL is not None and _POOL[:2] == (settings_json, workers):
        return _POOL[2]
    if _POOL is not None:
        _POOL[2].shutdown(wait=True, cancel_futures=True)
    context = multiprocessing.get_context("spawn")  # fork would copy the parent's loaded models and threads
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(settings_json,))
    if _POOL is None:
        atexit.register(_shutdown_pool)
    _POOL = (settings_json, workers, pool)
    return pool


def _shutdown_pool() -> None:
    global _POOL
    if _POOL is not None:
        _POOL[2].shutdown(wait=True, cancel_futures=True)
        _POOL = None


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


_WORKER_PIPELINE: Pipeline | None = None


def _init_worker(settings_json: str) -> None:
    global _WORKER_PIPELINE
    # One worker per core: a BLAS thread pool in each (numpy, for spaCy's NER) would only compete with
    # the other workers. Set before numpy is first imported in this process.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    _WORKER_PIPELINE = Pipeline(Settings.model_validate_json(settings_json))


def _work(batch: list[Document | Failure]) -> list[Document | Failure]:
    if _WORKER_PIPELINE is None:
        raise RuntimeError("pipeline worker used before its initializer ran")
    return _WORKER_PIPELINE.process_batch(batch)


def _check_assigns(spec: StageSpec, before: Document, after: Document) -> None:
    changed = [
        name for name in Document.model_fields if getattr(before, name) != getattr(after, name)
    ]
    extra = [name for name in changed if name not in spec.assigns]
    if extra:
        raise ConfigError(f"stage {spec.name!r} changed {', '.join(extra)}, which it does not declare in assigns")
