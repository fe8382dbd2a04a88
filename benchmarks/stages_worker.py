"""Worker side of the ``stages`` benchmark; ``benchmarks/worker.py`` dispatches here (one fresh process per system).

Systems (``spec["system"]``):

- ``stages_prepare``: reads the eval documents in place with eventlens' own reader (``read_paths`` on the
  ``.jsonl.gz`` files, as ``eventlens ingest`` would), runs the foundation stages (clean, metadata, langid,
  the default implementations) and writes the documents that came through, exactly ``spec["docs"]`` of
  them, as Document JSON lines to a temporary file outside the repository. Not a measurement.
- ``eventlens_stages``: the document-understanding slots (entities, temporal, geocode: the default
  settings' implementations) through ``Pipeline.pipe`` over those cleaned documents, with
  ``pipeline.n_process = spec["n_process"]``.
- ``spacy_ner``: ``spacy.load(model)`` with every component but tok2vec and ner disabled, ``nlp.pipe``
  over the same cleaned texts, one process.

Only the processing is timed; imports, reading the prepared documents, model and gazetteer loading and a
warm-up are timed separately and reported as start-up.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

from worker import thin_trace  # the same sampling as the other benchmarks
from machine import status_kb

#: Environment variable naming the Document fields the documents already carry when they reach the pipeline
#: (those the foundation stages assign); read by this process and by the pool workers it spawns.
FOUNDATION_SLOTS = ("clean", "metadata", "langid")
UNDERSTANDING_SLOTS = ("entities", "temporal", "geocode")
SPACY_ENABLED = ("tok2vec", "ner")

_WARMUP_TEXT = (
    "Warm-up report\n\nThe regional police in Mitrovica said on Monday, 3 July 2023, that two people had been "
    "injured after a fire in a warehouse near the river. Mayor Ana Petrovic said the road would reopen on Friday.\n"
)


# -- measuring helpers (same sources as worker.py) ----------------------------------------------------------


def _rss_mib(pid: int | str = "self") -> float | None:
    kb = status_kb("VmRSS", pid)
    return kb / 1024 if kb is not None else None


def _hwm_mib(pid: int | str = "self") -> float | None:
    kb = status_kb("VmHWM", pid)
    return kb / 1024 if kb is not None else None


def _cpu_s(children: bool = False) -> float:
    times = os.times()
    own = times.user + times.system
    return own + times.children_user + times.children_system if children else own


def _words(text: str) -> int:
    return len(text.split())


# -- pool workers ---------------------------------------------------------------------------------------------


# -- stages_prepare -------------------------------------------------------------------------------------------


def run_prepare(spec: dict[str, Any], result: dict[str, Any]) -> None:
    from eventlens.io.readers import read_paths
    from eventlens.model import Document
    from eventlens.pipeline import Pipeline
    from eventlens.registry import get_stage
    from eventlens.settings import PipelineSettings, Settings

    defaults = Settings()
    result["default_stages"] = dict(defaults.pipeline.stages)
    result["entities_model"] = defaults.entities.model
    result["entities_batch_size"] = defaults.entities.batch_size
    result["has_n_process"] = "n_process" in PipelineSettings.model_fields
    result["doc_slots"] = [slot for slot, name in defaults.pipeline.stages.items() if get_stage(name).kind == "doc"]
    foundation = {slot: name for slot, name in defaults.pipeline.stages.items() if slot in FOUNDATION_SLOTS}
    settings = defaults.merged({"pipeline": {"stages": foundation}})
    result["foundation_stages"] = foundation
    result["preassigned_fields"] = sorted({f for name in foundation.values() for f in get_stage(name).assigns})
    pipeline = Pipeline(settings)
    target = spec["docs"]
    stride = spec.get("stride", 1)

    t0 = time.perf_counter()
    kept: list[Document] = []
    sources: list[dict[str, Any]] = []
    failures: list[str] = []
    raw: dict[str, Document] = {}  # the reader's documents (before clean), for the whole-pipeline benchmark

    def _tee(items: Any) -> Any:
        for item in items:
            if isinstance(item, Document):
                raw[item.doc_id] = item
            yield item

    for source in spec["sources"]:  # in order: the first is taken whole, the next ones top the batch up
        path = source["path"]
        taken = read = 0
        limit = source.get("limit")
        for batch in pipeline.pipe(_tee(read_paths([path], settings.ingest))):
            for item in batch:
                read += 1
                if isinstance(item, Document):
                    if len(kept) < target and (limit is None or taken < limit):
                        kept.append(item)
                        taken += 1
                else:
                    failures.append(f"{item.path}: {item.message}")
            if len(kept) >= target or (limit is not None and taken >= limit):
                break
        sources.append({"path": path, "documents_taken": taken, "records_through_foundation": read})
        if len(kept) >= target:
            break
    prep_s = time.perf_counter() - t0
    if len(kept) < target:
        raise SystemExit(f"only {len(kept)} documents came through the foundation stages; {target} wanted")
    if stride > 1:  # --quick: every stride-th document of the full batch, same mix of sources
        kept = kept[::stride]

    out = Path(spec["out"])
    words = chars = 0
    with out.open("w", encoding="utf-8") as fh:
        for doc in kept:
            fh.write(doc.model_dump_json() + "\n")
            words += _words(doc.text)
            chars += len(doc.text)
    result["raw_outputs"] = [
        _write_raw(Path(item["path"]), [raw[doc.doc_id] for doc in kept], kept, int(item["docs"]))
        for item in spec.get("raw_outputs", [])
    ]
    per_source: dict[str, int] = {}
    for doc in kept:
        key = Path(doc.path.rsplit(":", 1)[0]).parent.name
        per_source[key] = per_source.get(key, 0) + 1
    result.update(
        {
            "seconds": round(prep_s, 4),
            "documents": len(kept),
            "documents_per_source_folder": per_source,
            "sources": sources,
            "foundation_failures": failures[:20],
            "foundation_failure_count": len(failures),
            "words": words,
            "chars": chars,
            "text_bytes": sum(len(doc.text.encode("utf-8")) for doc in kept),
            "mean_words_per_doc": round(words / len(kept), 1),
            "median_words_per_doc": sorted(_words(d.text) for d in kept)[len(kept) // 2],
            "doc_paths_first_last": [kept[0].path, kept[-1].path],
            "languages": _count(d.language for d in kept),
            "with_published": sum(d.published is not None for d in kept),
        }
    )


def _write_raw(out: Path, raws: list[Any], cleaned: list[Any], count: int) -> dict[str, Any]:
    """Write ``count`` reader documents (as read, before clean) as Document JSON lines: the batch in order, then
    again and again (copy k of document i gets doc_id ``<doc_id>~k`` and path ``<path>#copy-k``) until ``count``.
    Words and bytes are those of the cleaned texts of the documents written."""
    words = text_bytes = 0
    with out.open("w", encoding="utf-8") as fh:
        for index in range(count):
            copy, at = divmod(index, len(raws))
            doc = raws[at]
            if copy:
                doc = doc.model_copy(update={"doc_id": f"{doc.doc_id}~{copy}", "path": f"{doc.path}#copy-{copy}"})
            fh.write(doc.model_dump_json() + "\n")
            words += _words(cleaned[at].text)
            text_bytes += len(cleaned[at].text.encode("utf-8"))
    return {
        "path": str(out),
        "documents": count,
        "distinct_texts": min(count, len(raws)),
        "copies_per_text": round(count / len(raws), 2),
        "words": words,
        "text_bytes": text_bytes,
        "raw_file_bytes": out.stat().st_size,
        "how": (
            f"the {len(raws):,} real reports in order, repeated to {count:,} with distinct ids "
            "(copy k of a report: doc_id '<doc_id>~k', path '<path>#copy-k'); the texts are unchanged"
        )
        if count > len(raws)
        else f"the first {count:,} real reports",
    }


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        key = str(value)
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def _load_docs(path: str) -> list[Any]:
    from eventlens.model import Document

    with open(path, encoding="utf-8") as fh:
        return [Document.model_validate_json(line) for line in fh if line.strip()]


# -- eventlens_stages -----------------------------------------------------------------------------------------


def run_eventlens_stages(spec: dict[str, Any], result: dict[str, Any]) -> None:
    n_process = int(spec["n_process"])
    started = time.perf_counter()
    from eventlens.model import Document, Failure
    from eventlens.pipeline import Pipeline
    from eventlens.settings import Settings

    result["import_s"] = round(time.perf_counter() - started, 4)
    defaults = Settings()
    slots = tuple(spec.get("slots") or UNDERSTANDING_SLOTS)
    chosen = {slot: name for slot, name in defaults.pipeline.stages.items() if slot in slots}
    whole = "clean" in chosen  # the whole per-document pipeline, from the reader's documents
    # Otherwise the documents have been through clean/metadata/langid already: the pipeline starts partway.
    overrides: dict[str, Any] = {"stages": chosen, "preassigned": list(spec["preassigned_fields"])}
    result["preassigned"] = list(spec["preassigned_fields"])
    if "n_process" in type(defaults.pipeline).model_fields:
        overrides["n_process"] = n_process
    elif n_process > 1:
        raise SystemExit("the setting pipeline.n_process does not exist in this eventlens")
    settings = defaults.merged({"pipeline": overrides})
    pipeline = Pipeline(settings)
    result["pipeline_stages"] = chosen
    result["pipeline_stage_order"] = [s.name for s in pipeline.stages]
    result["batch_size"] = settings.pipeline.batch_size
    result["entities_batch_size"] = settings.entities.batch_size
    result["n_process"] = n_process

    t0 = time.perf_counter()
    docs = _load_docs(spec["docs_path"])
    result["load_inputs_s"] = round(time.perf_counter() - t0, 4)
    warm_doc = Document(doc_id="warmup", path="warmup.txt", format="txt", raw_text=_WARMUP_TEXT)
    if not whole:
        foundation = Pipeline(defaults.merged({"pipeline": {"stages": {
            s: n for s, n in defaults.pipeline.stages.items() if s in FOUNDATION_SLOTS}}}))
        warm_doc = foundation.process(warm_doc)

    startup: dict[str, float] = {}
    if n_process == 1:
        from eventlens.stages.entities import load_nlp
        from eventlens.stages.geocode import load_gazetteer

        t0 = time.perf_counter()
        load_nlp(settings.entities.model)
        startup["model_load_s"] = round(time.perf_counter() - t0, 4)
        t0 = time.perf_counter()
        load_gazetteer()
        if settings.geocode.extra_gazetteer:
            load_gazetteer(settings.geocode.extra_gazetteer)
        startup["gazetteer_load_s"] = round(time.perf_counter() - t0, 4)
        t0 = time.perf_counter()
        for _ in pipeline.pipe([warm_doc, warm_doc.model_copy(update={"doc_id": "warmup2"})]):
            pass
        startup["warmup_s"] = round(time.perf_counter() - t0, 4)
    elif spec.get("measure_pool_startup", True):
        # The pool is created by each pipe() call and its workers load spaCy and the gazetteer on their first
        # batch, so the timed call below pays that again. Measure it here: a pool of the same size on one tiny
        # document per worker (batch_size 1 so each worker gets one).
        warm_settings = settings.merged({"pipeline": {"batch_size": 1}})
        cpu_warm = _cpu_s(children=True)
        t0 = time.perf_counter()
        for _ in Pipeline(warm_settings).pipe(
            [warm_doc.model_copy(update={"doc_id": f"warmup{i}"}) for i in range(n_process)]
        ):
            pass
        startup["pool_startup_s"] = round(time.perf_counter() - t0, 4)
        result["pool_startup_cpu_s"] = round(_cpu_s(children=True) - cpu_warm, 4)
    result["startup"] = startup
    result["startup_s"] = round(sum(startup.values()), 4)

    gc.collect()
    result["rss_before_mib"] = round(_rss_mib() or 0.0, 1)
    result["peak_rss_before_mib"] = round(_hwm_mib() or 0.0, 1)
    trace: list[list[float]] = []
    child_hwm: dict[int, float] = {}
    done = failures = 0
    failure_examples: list[str] = []
    counts = {"entities": 0, "places": 0, "places_resolved": 0, "times": 0, "times_resolved": 0}
    digested = {"doc_id", "entities", "places", "times"}
    if "events" in chosen:
        counts.update({"incidents": 0, "incidents_main": 0, "claims": 0})
        digested.add("incidents")
    if "quotes" in chosen:
        counts.update({"quotes": 0, "quotes_direct": 0})
        digested.add("quotes")
    if whole:
        counts["analysed"] = 0  # documents the English stages read (analysis is None)
        digested.update({"text", "language", "analysis"})
    digest = hashlib.sha256()
    cpu0 = _cpu_s(children=True)
    t0 = time.perf_counter()
    for batch in pipeline.pipe(docs):
        elapsed = time.perf_counter() - t0
        children_rss = 0.0
        for child in multiprocessing.active_children():
            rss, hwm = _rss_mib(child.pid), _hwm_mib(child.pid)
            children_rss += rss or 0.0
            if hwm is not None:
                child_hwm[child.pid] = max(child_hwm.get(child.pid, 0.0), hwm)
        done += len(batch)
        own = _rss_mib() or 0.0
        trace.append([done, round(elapsed, 4), round(own, 1), round(children_rss, 1), round(own + children_rss, 1)])
        for item in batch:
            if isinstance(item, Failure):
                failures += 1
                if len(failure_examples) < 5:
                    failure_examples.append(item.message)
                digest.update(f"FAILED {item.doc_id}\n".encode())
                continue
            counts["entities"] += len(item.entities)
            counts["places"] += len(item.places)
            counts["places_resolved"] += sum(p.lat is not None for p in item.places)
            counts["times"] += len(item.times)
            counts["times_resolved"] += sum(t.value is not None for t in item.times)
            if "incidents" in counts:
                counts["incidents"] += len(item.incidents)
                counts["incidents_main"] += sum(i.role == "main" for i in item.incidents)
                counts["claims"] += sum(len(i.claims) for i in item.incidents)
            if "quotes" in counts:
                counts["quotes"] += len(item.quotes)
                counts["quotes_direct"] += sum(q.direct for q in item.quotes)
            if "analysed" in counts:
                counts["analysed"] += item.analysis is None
            digest.update(item.model_dump_json(include=digested).encode())
            digest.update(b"\n")
        del batch
    seconds = time.perf_counter() - t0
    cpu = _cpu_s(children=True) - cpu0
    result["seconds"] = round(seconds, 4)
    result["cpu_s"] = round(cpu, 4)
    result["docs_in"] = len(docs)
    result["docs_out"] = done
    result["failures"] = failures
    result["failure_examples"] = failure_examples
    result["counts"] = counts
    result["output_sha256"] = digest.hexdigest()
    result["trace"] = thin_trace(trace)
    result["trace_fields"] = ["docs_done", "seconds", "rss_mib_this_process", "rss_mib_pool_workers", "rss_mib_total"]
    result["pool_worker_peak_rss_mib"] = [round(v, 1) for v in child_hwm.values()]
    if n_process > 1:
        steady = steady_state(trace, done, 2 * n_process * settings.pipeline.batch_size)
        result.update(steady)
        if "pool_startup_s" in startup:
            result["wall_minus_pool_startup_s"] = round(seconds - startup["pool_startup_s"], 4)
            result["processing_cpu_s"] = round(max(cpu - result["pool_startup_cpu_s"], 0.0), 4)
    else:
        result["processing_s"] = result["seconds"]


def steady_state(trace: list[list[float]], total: int, skip_docs: int) -> dict[str, Any]:
    """Processing seconds of a run whose worker processes start (and load the models) inside the timed call.

    The rate is measured from the first trace point at or past ``skip_docs`` documents (by then every worker
    has returned work, so its start-up is behind it) to the end, and ``processing_s`` is the time all
    ``total`` documents take at that rate. Subtracting a pool start-up measured on another pool was tried
    first: on the shared 2-core machine that start-up varied from 10 to 30 s, more than the processing."""
    start = next((point for point in trace if point[0] >= skip_docs and point[0] < total), None)
    if start is None or trace[-1][1] <= start[1]:
        return {
            "processing_s": trace[-1][1] if trace else 0.0,
            "processing_s_method": "whole wall time (batch too small to measure a steady state)",
        }
    rate = (trace[-1][0] - start[0]) / (trace[-1][1] - start[1])
    return {
        "processing_s": round(total / rate, 4),
        "processing_s_method": (
            f"steady state: documents {int(start[0])}..{int(trace[-1][0])} took {trace[-1][1] - start[1]:.2f} s "
            f"(after the first {int(start[0])}, which include the workers' start-up and model loading); "
            "processing_s = all documents at that rate"
        ),
        "steady_state_from_docs": int(start[0]),
        "steady_state_from_s": start[1],
    }


# -- spacy_ner ------------------------------------------------------------------------------------------------


def run_spacy_ner(spec: dict[str, Any], result: dict[str, Any]) -> None:
    started = time.perf_counter()
    import spacy

    result["import_s"] = round(time.perf_counter() - started, 4)
    t0 = time.perf_counter()
    nlp = spacy.load(spec["model"])
    disabled = [name for name in nlp.pipe_names if name not in SPACY_ENABLED]
    nlp.select_pipes(disable=disabled)
    model_load_s = time.perf_counter() - t0
    result["pipes_enabled"] = list(nlp.pipe_names)
    result["pipes_disabled"] = list(nlp.disabled)
    result["model"] = spec["model"]
    result["batch_size"] = spec["batch_size"]

    t0 = time.perf_counter()
    with open(spec["docs_path"], encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    if spec.get("docs"):  # the same texts, repeated as the whole-pipeline batch repeats them
        texts = [texts[index % len(texts)] for index in range(int(spec["docs"]))]
    n_process = int(spec.get("n_process", 1))
    result["n_process"] = n_process
    result["load_inputs_s"] = round(time.perf_counter() - t0, 4)
    t0 = time.perf_counter()
    for _ in nlp.pipe([_WARMUP_TEXT, _WARMUP_TEXT], batch_size=spec["batch_size"]):
        pass
    result["startup"] = {"model_load_s": round(model_load_s, 4), "warmup_s": round(time.perf_counter() - t0, 4)}
    result["startup_s"] = round(sum(result["startup"].values()), 4)

    gc.collect()
    result["rss_before_mib"] = round(_rss_mib() or 0.0, 1)
    result["peak_rss_before_mib"] = round(_hwm_mib() or 0.0, 1)
    trace: list[list[float]] = []
    labels: dict[str, int] = {}
    digest = hashlib.sha256()
    done = 0
    child_hwm: dict[int, float] = {}
    cpu0 = _cpu_s(children=n_process > 1)
    t0 = time.perf_counter()
    stream = iter(nlp.pipe(texts, batch_size=spec["batch_size"], n_process=n_process))
    while chunk := list(islice(stream, spec["trace_every"])):
        for child in multiprocessing.active_children():  # spaCy's own worker processes (n_process > 1)
            hwm = _hwm_mib(child.pid)
            if hwm is not None:
                child_hwm[child.pid] = max(child_hwm.get(child.pid, 0.0), hwm)
        for sdoc in chunk:
            for ent in sdoc.ents:
                labels[ent.label_] = labels.get(ent.label_, 0) + 1
                digest.update(f"{ent.start_char}:{ent.end_char}:{ent.label_};".encode())
            digest.update(b"\n")
        done += len(chunk)
        trace.append([done, round(time.perf_counter() - t0, 4), round(_rss_mib() or 0.0, 1)])
        del chunk
    seconds = time.perf_counter() - t0
    result["seconds"] = round(seconds, 4)
    if n_process > 1:  # spaCy's worker processes start inside the timed call
        result.update(steady_state(trace, done, 2 * n_process * spec["batch_size"]))
    else:
        result["processing_s"] = result["seconds"]
    result["cpu_s"] = round(_cpu_s(children=n_process > 1) - cpu0, 4)
    if child_hwm:
        result["pool_worker_peak_rss_mib"] = [round(v, 1) for v in child_hwm.values()]
    result["docs_in"] = len(texts)
    result["docs_out"] = done
    result["failures"] = 0
    result["counts"] = {"entities": sum(labels.values()), "entity_labels": dict(sorted(labels.items()))}
    result["output_sha256"] = digest.hexdigest()
    result["trace"] = thin_trace(trace)
    result["trace_fields"] = ["docs_done", "seconds", "rss_mib"]


SYSTEMS = {"stages_prepare": run_prepare, "eventlens_stages": run_eventlens_stages, "spacy_ner": run_spacy_ner}


def run(spec: dict[str, Any], result: dict[str, Any]) -> None:
    SYSTEMS[spec["system"]](spec, result)


if __name__ == "__main__":  # pragma: no cover - run through worker.py
    sys.exit("run through benchmarks/worker.py")
