"""One measured run in a fresh process: ``python benchmarks/worker.py SPEC.json RESULT.json``.

Each system is measured in its own interpreter so that peak memory (``ru_maxrss``) belongs to that
run alone. The worker imports the system, warms it up on a tiny input outside the timed region (model
loading, lazy imports), then times the real run and writes what it measured to RESULT.json.

Systems:

- ``eventlens``: ``eventlens.api.ingest(paths, db=<temp SQLite>)``: read, gunzip, decode, HTML
  extraction, the configured per-document stages (clean, metadata, langid by default here), dedup
  and the store. Everything from the first byte read to the last commit is timed.
- ``stages_prepare``, ``eventlens_stages``, ``spacy_ner``: the ``stages`` benchmark, in ``stages_worker.py``.
- ``eventlens_extract``: ``eventlens.io.htmltext.extract_html(html)`` (body and metadata) alone, timed
  like ``trafilatura``; ``rungs`` counts the pages each extraction rung answered.
- ``trafilatura``: ``trafilatura.extract(html)`` with default settings, one document at a time;
  reading and preparing each HTML string is not timed, only the ``extract`` calls are (the
  ``wall_s`` field includes the reading, ``seconds`` does not).
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import status_kb  # run from benchmarks/, beside machine.py

_WARMUP_TEXT = (
    "Warm-up report\n\nThe regional police said on Monday that two people had been injured after a fire "
    "in a warehouse near the river. Firefighters brought the blaze under control within an hour.\n"
)
_WARMUP_HTML = (
    "<html><head><title>Warm-up report</title></head><body><article><h1>Warm-up report</h1>"
    "<p>The regional police said on Monday that two people had been injured after a fire in a warehouse "
    "near the river.</p><p>Firefighters brought the blaze under control within an hour, a spokesperson "
    "said, and the road was reopened in the evening.</p></article></body></html>"
)


def _rss_mib() -> float | None:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        kb = status_kb("VmRSS")
        return kb / 1024 if kb is not None else None


def _ru_maxrss_mib() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / 2**20 if sys.platform == "darwin" else value / 1024


def _peak_rss_mib() -> float:
    """Peak RSS of this process image: VmHWM where /proc has it, else ru_maxrss.

    ru_maxrss survives execve (getrusage(2)), so a process started by a big parent can report the
    parent's peak; VmHWM belongs to the address space created by exec and starts from zero.
    """
    hwm = status_kb("VmHWM")
    return hwm / 1024 if hwm is not None else _ru_maxrss_mib()


def _cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def thin_trace(trace: list[list[float]], most: int = 60) -> list[list[float]]:
    if len(trace) <= most:
        return trace
    step = len(trace) / most
    picked = [trace[int(i * step)] for i in range(most)]
    if picked[-1] is not trace[-1]:
        picked.append(trace[-1])
    return picked


def run_eventlens(spec: dict[str, Any], result: dict[str, Any]) -> None:
    started = time.perf_counter()
    from eventlens.api import ingest
    from eventlens.settings import Settings

    result["import_s"] = round(time.perf_counter() - started, 4)
    settings = Settings()
    slots = spec.get("slots")
    if slots is not None:  # keep the default implementation of these slots only
        chosen = {slot: name for slot, name in settings.pipeline.stages.items() if slot in slots}
        settings = settings.merged({"pipeline": {"stages": chosen}})
    overrides: dict[str, Any] = {}
    need = spec.get("min_max_bytes")
    if need is not None and settings.ingest.max_bytes < need:  # one big .jsonl file is larger than the default limit
        overrides = {"ingest": {"max_bytes": need, "default_max_bytes": settings.ingest.max_bytes}}
        settings = settings.merged({"ingest": {"max_bytes": need}})
    if spec.get("n_process"):
        settings = settings.merged({"pipeline": {"n_process": int(spec["n_process"])}})
    result["n_process"] = settings.pipeline.n_process
    result["settings_overrides"] = overrides
    result["pipeline_stages"] = dict(settings.pipeline.stages)
    result["batch_size"] = settings.pipeline.batch_size

    with tempfile.TemporaryDirectory(prefix="eventlens-bench-") as tmp:
        tmp_path = Path(tmp)
        warm_name = "warmup.html" if spec.get("warmup") == "html" else "warmup.txt"
        (tmp_path / warm_name).write_text(_WARMUP_HTML if warm_name.endswith(".html") else _WARMUP_TEXT, "utf-8")
        t0 = time.perf_counter()
        warm = ingest([tmp_path / warm_name], db=tmp_path / "warmup.sqlite", settings=settings)
        result["warmup_s"] = round(time.perf_counter() - t0, 4)
        result["warmup_counts"] = dict(warm.counts)

        db = tmp_path / "bench.sqlite"
        trace: list[list[float]] = []
        done = 0
        gc.collect()
        result["rss_before_mib"] = round(_rss_mib() or 0.0, 1)
        result["peak_rss_before_mib"] = round(_peak_rss_mib(), 1)
        cpu0 = _cpu_s()
        t0 = time.perf_counter()

        def progress(update: Any) -> None:
            # api.RunProgress (documents through every stage so far), or an int (documents just finished)
            nonlocal done
            if isinstance(update, int):
                done += update
            elif update.documents == done:
                return  # the same documents at a later stage: one sample per document count
            else:
                done = update.documents
            trace.append([done, round(time.perf_counter() - t0, 4), round(_rss_mib() or 0.0, 1)])

        outcome = ingest(spec["paths"], db=db, settings=settings, progress=progress)
        seconds = time.perf_counter() - t0
        cpu = _cpu_s() - cpu0
        result["seconds"] = round(seconds, 4)
        result["cpu_s"] = round(cpu, 4)
        result["counts"] = dict(outcome.counts)
        result["failures"] = len(outcome.failures)
        result["failure_examples"] = [f.message for f in outcome.failures[:3]]
        result["docs_in"] = sum(v for k, v in outcome.counts.items() if k in ("processed", "exact_duplicates", "failed"))
        result["db_bytes"] = sum(p.stat().st_size for p in tmp_path.glob("bench.sqlite*"))
        result["trace"] = thin_trace(trace)
        result["trace_fields"] = ["docs_done", "seconds", "rss_mib"]


def _html_inputs(spec: dict[str, Any]):
    source = spec["source"]
    if source == "html_gz":
        for path in spec["files"]:
            data = gzip.decompress(Path(path).read_bytes())
            yield data.decode("utf-8", errors="replace"), len(data)
    elif source == "txt_wrapped":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from corpus import to_minimal_html

        for path in spec["files"]:
            text = Path(path).read_text(encoding="utf-8")
            html = to_minimal_html(text)
            yield html, len(html.encode("utf-8"))
    else:
        raise SystemExit(f"unknown trafilatura source {source!r}")


def run_trafilatura(spec: dict[str, Any], result: dict[str, Any]) -> None:
    started = time.perf_counter()
    import trafilatura

    result["import_s"] = round(time.perf_counter() - started, 4)
    _time_extractor(spec, result, trafilatura.extract)


def run_eventlens_extract(spec: dict[str, Any], result: dict[str, Any]) -> None:
    """eventlens's HTML body and metadata extraction alone (``io.htmltext.extract_html``, default settings)."""
    started = time.perf_counter()
    from collections import Counter

    from eventlens.io.htmltext import extract_html
    from eventlens.settings import IngestSettings

    result["import_s"] = round(time.perf_counter() - started, 4)
    cfg = IngestSettings()
    rungs: Counter[str] = Counter()

    def extract(html: str) -> str:
        extracted = extract_html(html, favor_precision=cfg.html_favor_precision, rescue_ratio=cfg.html_rescue_ratio)
        rungs[extracted.rung] += 1
        return extracted.text

    _time_extractor(spec, result, extract, after_warmup=rungs.clear)
    result["rungs"] = dict(rungs)


def _time_extractor(spec: dict[str, Any], result: dict[str, Any], extract: Any, after_warmup: Any = None) -> None:
    """Time ``extract(html)`` on each input, reading and decoding outside the timed region."""
    t0 = time.perf_counter()
    extract(_WARMUP_HTML)
    result["warmup_s"] = round(time.perf_counter() - t0, 4)
    if after_warmup is not None:
        after_warmup()

    gc.collect()
    result["rss_before_mib"] = round(_rss_mib() or 0.0, 1)
    result["peak_rss_before_mib"] = round(_peak_rss_mib(), 1)
    trace: list[list[float]] = []
    seconds = 0.0
    docs = extracted = out_chars = in_bytes = 0
    cpu0 = _cpu_s()
    wall0 = time.perf_counter()
    for html, size in _html_inputs(spec):
        t0 = time.perf_counter()
        text = extract(html)
        seconds += time.perf_counter() - t0
        docs += 1
        in_bytes += size
        if text:
            extracted += 1
            out_chars += len(text)
        if docs % 64 == 0:
            trace.append([docs, round(seconds, 4), round(_rss_mib() or 0.0, 1)])
    result["wall_s"] = round(time.perf_counter() - wall0, 4)
    result["cpu_s"] = round(_cpu_s() - cpu0, 4)
    result["seconds"] = round(seconds, 4)
    result["docs_in"] = docs
    result["input_bytes_seen"] = in_bytes
    result["counts"] = {"documents": docs, "with_text": extracted, "empty": docs - extracted, "output_chars": out_chars}
    result["failures"] = 0
    trace.append([docs, round(seconds, 4), round(_rss_mib() or 0.0, 1)])
    result["trace"] = thin_trace(trace)
    result["trace_fields"] = ["docs_done", "seconds_in_extract", "rss_mib"]


def main(argv: list[str]) -> int:
    spec_path, result_path = Path(argv[1]), Path(argv[2])
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    result: dict[str, Any] = {"system": spec["system"], "pid": os.getpid()}
    if spec["system"] == "eventlens":
        run_eventlens(spec, result)
    elif spec["system"] == "trafilatura":
        run_trafilatura(spec, result)
    elif spec["system"] == "eventlens_extract":
        run_eventlens_extract(spec, result)
    elif spec["system"] in ("stages_prepare", "eventlens_stages", "spacy_ner"):  # the `stages` benchmark
        import stages_worker

        stages_worker.run(spec, result)
    else:
        raise SystemExit(f"unknown system {spec['system']!r}")
    result["peak_rss_mib"] = round(_peak_rss_mib(), 1)
    result["ru_maxrss_mib"] = round(_ru_maxrss_mib(), 1)
    result["peak_rss_source"] = "VmHWM" if status_kb("VmHWM") is not None else "ru_maxrss"
    result_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
