"""The ``cluster`` benchmark (issue acceptance 5): time and peak memory of the cluster stage at 1k, 10k and 100k reports.

Base items: the real reports of ``../shared/eval/incidents/docs.jsonl.gz`` (271) and
``../shared/eval/clustering/ecbplus.jsonl.gz`` (982), read in place, run once through the
per-document pipeline (clean through casualties, as ``eventlens run`` runs them; fields ``text``,
``title``, ``published`` only) in a preparation process (untimed), each turned into a
``ClusterItem`` by ``ClusterItem.from_document``. ``--quick`` uses the incidents reports only.

Items at size N: replica 0 is the base set; replica k >= 1 is a copy of every base item with a new
doc_id, its dates (incident date and publication date, at their own precision) shifted by one offset
drawn for the replica from 0-364 days, and its point moved by one offset of up to +-0.5 degrees of
latitude and longitude. One offset per replica keeps each incident's reports together in time and
space, so every replica is a plausible set of incidents; the whole set is cut to N items (seeded, so
a size is the same items on every run). Texts: by default (``--cluster-texts renamed``) every
capitalised word and number of a copy's text and entities gets a suffix of that copy ("Akron" ->
"Akronzqb"), so each copy names its own people, places and tolls as new incidents would; the rest of
the text is kept. With ``kept`` texts every copy shares all of its original's rare words, so each
blocking key is held by (copies x holders) items and the candidate pairs grow with the square of the
number of copies, which no real collection does (10,000 items: 580 million sparse products in the
pair scores, over 4 GiB).

Each size runs in a fresh interpreter (``python benchmarks/cluster.py measure SPEC RESULT``), which
builds the items, then times one call of the registered cluster stage (the default settings' choice
for the ``cluster`` slot, else ``cluster.incidents.v1``) with no fixed incidents and the default
``cluster`` settings. Memory: the process's peak RSS (VmHWM, interpreter, imports and items included),
the RSS just before the call, and the peak during the call alone (VmHWM reset through
``/proc/self/clear_refs`` just before it, so ``call_peak_rss_mib - rss_before_call_mib`` is what the
call added). The exponent b of time ~ N^b is the least-squares slope of log(seconds) on log(N).
Nothing is asserted about timings.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from dataclasses import asdict, fields, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from machine import status_kb  # run from benchmarks/, beside machine.py

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (300, 1_000, 3_000)
SHIFT_DAYS = 365
JITTER_DEGREES = 0.5
TARGET_LARGEST_S = 300  # the 100k size should take under about 5 minutes
# A measured process may use this share of the machine's memory (RLIMIT_AS): a stage that needs more
# fails with MemoryError, reported as that size's error, instead of pushing other work out of memory.
MEMORY_SHARE = 0.6
DEFAULT_STAGE = "cluster.incidents.v1"
_FIELDS = ("text", "title", "published")
# Capitalised words and numbers: the instance-specific part of a report (names, places, ages, tolls).
_NAME_OR_NUMBER = re.compile(r"\b(?:[A-Z][\w'’-]*\w|\d+(?:[.,:/-]\d+)*)\b")


# -- base items ------------------------------------------------------------------------------------


def _sources(eval_dir: Path, quick: bool) -> list[Path]:
    paths = [eval_dir / "incidents" / "docs.jsonl.gz"]
    if not quick:
        paths.append(eval_dir / "clustering" / "ecbplus.jsonl.gz")
    for path in paths:
        if not path.is_file():
            raise SystemExit(f"{path} is missing: is ../shared/eval present? (or pass --eval-dir)")
    return paths


def prepare_items(sources: list[Path], out: Path) -> dict[str, Any]:
    """Run the per-document pipeline over the sources' reports; write one ClusterItem per report (JSON lines)."""
    import gzip
    import tempfile

    from eventlens.eval.casualties import pipeline_settings
    from eventlens.io.readers import read_paths
    from eventlens.model import Document
    from eventlens.pipeline import Pipeline
    from eventlens.stages.cluster import ClusterItem

    settings = pipeline_settings()
    started = time.perf_counter()
    counts = {"reports": 0, "items": 0, "failed": 0, "with_main_incident": 0, "text_bytes": 0}
    with tempfile.TemporaryDirectory(prefix="eventlens-bench-cluster-") as tmp, out.open("w", encoding="utf-8") as fh:
        jsonl = Path(tmp) / "reports.jsonl"
        with jsonl.open("w", encoding="utf-8") as reports:
            for source in sources:
                with gzip.open(source, "rt", encoding="utf-8") as lines:
                    for line in lines:
                        if line.strip():
                            record = json.loads(line)
                            reports.write(json.dumps({k: record.get(k) for k in _FIELDS if record.get(k)}) + "\n")
                            counts["reports"] += 1
        for batch in Pipeline(settings).pipe(read_paths([jsonl], settings.ingest)):
            for doc in batch:
                if not isinstance(doc, Document):
                    counts["failed"] += 1
                    continue
                item = ClusterItem.from_document(doc)
                counts["items"] += 1
                counts["with_main_incident"] += any(i.role == "main" for i in doc.incidents)
                counts["text_bytes"] += len(item.text.encode("utf-8"))
                fh.write(json.dumps(asdict(item), ensure_ascii=False) + "\n")
    counts["prepare_s"] = round(time.perf_counter() - started, 1)
    counts["pipeline_stages"] = dict(settings.pipeline.stages)
    return counts


# -- replication -----------------------------------------------------------------------------------


def shift_date(value: str | None, days: int) -> str | None:
    """An ISO date of any precision (``2015``, ``2015-03``, ``2015-03-02``, with a time) moved by ``days``, same precision."""
    if not value or days == 0:
        return value
    parts = value[:10].split("-")
    try:
        start = date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except ValueError:
        return value
    moved = start + timedelta(days=days)
    if len(parts) == 1:
        return f"{moved.year:04d}"
    if len(parts) == 2:
        return f"{moved.year:04d}-{moved.month:02d}"
    return moved.isoformat() + value[10:]


def copy_suffix(copy: int) -> str:
    """Letters that mark the names of one copy (``zq`` + the copy number in base 26): a word to TF-IDF."""
    letters = ""
    while copy:
        copy, digit = divmod(copy, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return "zq" + letters


def rename(text: str, suffix: str) -> str:
    """Every capitalised word and number of ``text`` with ``suffix`` appended (new names, same text otherwise)."""
    return _NAME_OR_NUMBER.sub(lambda match: match.group(0) + suffix, text)


def replicate(base: list[Any], size: int, seed: int, texts: str = "renamed") -> list[Any]:
    """``size`` items: the base set, then shifted and moved copies of it (one offset per copy), cut to ``size``.

    ``texts="renamed"`` gives each copy's names and numbers (text and entities) a suffix of its own;
    ``"kept"`` keeps every text as it is.
    """
    rng = random.Random(seed)
    items = list(base)
    copy = 0
    while len(items) < size:
        copy += 1
        days = rng.randrange(SHIFT_DAYS)
        dlat, dlon = rng.uniform(-JITTER_DEGREES, JITTER_DEGREES), rng.uniform(-JITTER_DEGREES, JITTER_DEGREES)
        suffix = copy_suffix(copy)
        for item in base:
            changes: dict[str, Any] = {}
            if texts == "renamed":
                changes = {"text": rename(item.text, suffix), "entities": tuple(rename(e, suffix) for e in item.entities)}
            items.append(
                replace(
                    item,
                    doc_id=f"{item.doc_id}~{copy}",
                    date=shift_date(item.date, days),
                    published=shift_date(item.published, days),
                    lat=None if item.lat is None else max(-90.0, min(90.0, item.lat + dlat)),
                    lon=None if item.lon is None else (item.lon + dlon + 180.0) % 360.0 - 180.0,
                    **changes,
                )
            )
    if len(items) > size:
        items = rng.sample(items, size)
    return items


def load_items(path: Path) -> list[Any]:
    from eventlens.stages.cluster import ClusterItem

    names = {f.name for f in fields(ClusterItem)}
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            items.append(ClusterItem(**{k: tuple(map(_tuple, v)) if isinstance(v, list) else v for k, v in data.items() if k in names}))
    return items


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# -- one measured size (in its own process) --------------------------------------------------------


def _mib(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb is not None else None


def _memory_limit() -> int | None:
    """MEMORY_SHARE of the machine's physical memory, in bytes (None where /proc/meminfo is missing)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(int(line.split()[1]) * 1024 * MEMORY_SHARE)
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux: writing 5 to /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """Build ``spec['size']`` items and time one call of the cluster stage on them."""
    import gc

    started = time.perf_counter()
    from eventlens.registry import get_stage
    from eventlens.settings import Settings

    result: dict[str, Any] = {"system": "eventlens_cluster", "pid": os.getpid()}
    result["import_s"] = round(time.perf_counter() - started, 3)
    settings = Settings()
    name = settings.pipeline.stages.get("cluster", DEFAULT_STAGE)
    spec_stage = get_stage(name)
    result["stage"] = name
    result["pipeline_stages"] = {**settings.pipeline.stages, "cluster": name}
    result["cluster_settings"] = settings.cluster.model_dump(mode="json")
    t0 = time.perf_counter()
    items = replicate(load_items(Path(spec["items"])), spec["size"], spec["seed"], spec.get("texts", "renamed"))
    result["texts"] = spec.get("texts", "renamed")
    result["build_s"] = round(time.perf_counter() - t0, 3)
    result["docs"] = len(items)
    result["text_bytes"] = sum(len(item.text.encode("utf-8")) for item in items)
    gc.collect()
    result["rss_before_call_mib"] = _mib(status_kb("VmRSS"))
    result["peak_rss_before_call_mib"] = _mib(status_kb("VmHWM"))
    result["peak_reset"] = _reset_peak()
    times0, wall0 = os.times(), time.perf_counter()
    labels = spec_stage.func(items, {}, settings.cluster)
    seconds = time.perf_counter() - wall0
    times1 = os.times()
    result["seconds"] = round(seconds, 3)
    result["cpu_s"] = round((times1.user + times1.system) - (times0.user + times0.system), 3)
    result["call_peak_rss_mib"] = _mib(status_kb("VmHWM")) if result["peak_reset"] else None
    peaks = [result["peak_rss_before_call_mib"], _mib(status_kb("VmHWM"))]
    result["peak_rss_mib"] = max((peak for peak in peaks if peak is not None), default=None)
    sizes = sorted((sum(1 for _ in group) for group in _groups(labels)), reverse=True)
    result["clusters"] = len(sizes)
    result["largest_cluster"] = sizes[0] if sizes else 0
    result["singletons"] = sum(size == 1 for size in sizes)
    result["labelled"] = len(labels)
    return result


def _groups(labels: dict[str, str]) -> list[list[str]]:
    found: dict[str, list[str]] = {}
    for doc_id, key in labels.items():
        found.setdefault(key, []).append(doc_id)
    return list(found.values())


# -- the section of benchmarks/run.py --------------------------------------------------------------


def _subprocess(args: argparse.Namespace, runner: Any, mode: str, spec: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    runner.count += 1
    spec_path = runner.tmp / f"cluster-spec-{runner.count}.json"
    result_path = runner.tmp / f"cluster-result-{runner.count}.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    cmd = [sys.executable, str(HERE / "cluster.py"), mode, str(spec_path), str(result_path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(
            cmd, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout, check=False,
            env=dict(os.environ, PYTHONHASHSEED="0"),
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return None, f"timed out after {time.perf_counter() - started:.0f} s (--timeout {args.timeout})"
    if done.returncode != 0 or not result_path.exists():
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-3:]
        return None, f"exit {done.returncode} after {time.perf_counter() - started:.0f} s: {' | '.join(tail)}"
    result = json.loads(result_path.read_text(encoding="utf-8"))
    result["process_wall_s"] = round(time.perf_counter() - started, 2)
    return result, ""


def fit_exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope b of log(seconds) = a + b log(N)."""
    usable = [(math.log(n), math.log(s)) for n, s in points if n > 0 and s > 0]
    if len(usable) < 2:
        return None
    mean_x = sum(x for x, _ in usable) / len(usable)
    mean_y = sum(y for _, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _ in usable)
    if spread == 0:
        return None
    return round(sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread, 3)


def bench_cluster(args: argparse.Namespace, runner: Any, eval_dir: Path) -> dict[str, Any]:
    """The ``cluster`` section: base items once, then one fresh process per size."""
    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    texts = getattr(args, "cluster_texts", "renamed")
    limit = _memory_limit()
    sources = _sources(eval_dir, args.quick)
    items_path = runner.tmp / "cluster-items.jsonl"
    print(f"[cluster] the cluster stage on {' / '.join(f'{n:,}' for n in sizes)} items from {len(sources)} eval sets")
    print("  preparing the base items: per-document pipeline, untimed ...", end="", flush=True)
    prep, error = _subprocess(args, runner, "prepare", {"sources": [str(p) for p in sources], "out": str(items_path)})
    if prep is None:
        print(f" FAILED ({error})")
        raise SystemExit(f"cluster benchmark: preparing the items failed: {error}")
    print(f" {prep['items']:,} items ({prep['with_main_incident']:,} with a main incident), {prep['prepare_s']:.0f} s")
    rows: list[dict[str, Any]] = []
    for size in sizes:
        label = f"cluster stage {size:,} items"
        if rows and "error" in rows[-1] or rows and "not_measured" in rows[-1]:
            rows.append({"label": label, "docs": size, "input_bytes": 0, "not_measured": "a smaller size failed"})
            continue
        print(f"  {label} ...", end="", flush=True)
        spec = {"items": str(items_path), "size": size, "seed": args.seed, "texts": texts, "max_bytes": limit}
        run, error = _subprocess(args, runner, "measure", spec)
        if run is None:
            print(f" FAILED ({error})")
            rows.append({"label": label, "docs": size, "input_bytes": 0, "error": error})
            continue
        seconds = run["seconds"]
        row = {
            "label": label,
            "system": run["system"],
            "stage": run["stage"],
            "docs": run["docs"],
            "input_bytes": run["text_bytes"],
            "seconds": seconds,
            "cpu_s": run["cpu_s"],
            "docs_per_s": round(run["docs"] / seconds, 1) if seconds else None,
            "mb_per_s": round(run["text_bytes"] / 1e6 / seconds, 3) if seconds else None,
            "ms_per_doc": round(1000 * seconds / run["docs"], 3),
            "peak_rss_mib": run["peak_rss_mib"],
            "rss_before_call_mib": run["rss_before_call_mib"],
            "call_peak_rss_mib": run["call_peak_rss_mib"],
            "call_rss_growth_mib": (
                round(run["call_peak_rss_mib"] - run["rss_before_call_mib"], 1)
                if run["call_peak_rss_mib"] is not None and run["rss_before_call_mib"] is not None
                else None
            ),
            "clusters": run["clusters"],
            "largest_cluster": run["largest_cluster"],
            "singletons": run["singletons"],
            "build_items_s": run["build_s"],
            "import_s": run["import_s"],
            "failures": 0,
            "runs": [run],
        }
        rows.append(row)
        print(
            f" {seconds:.2f} s ({row['ms_per_doc']:.2f} ms/item), peak RSS {row['peak_rss_mib']:.0f} MiB "
            f"(+{row['call_rss_growth_mib']} MiB in the call), {row['clusters']:,} clusters, largest {row['largest_cluster']}"
        )
    good = [(row["docs"], row["seconds"]) for row in rows if "seconds" in row]
    exponent = fit_exponent(good)
    largest = max(good, default=None)
    if exponent is not None:
        print(f"  time ~ N^{exponent} (least squares on log-log over {len(good)} sizes)")
    if largest is not None and largest[0] >= FULL_SIZES[-1] and largest[1] > TARGET_LARGEST_S:
        print(f"  NOTE: {largest[0]:,} items took {largest[1]:.0f} s, over the ~{TARGET_LARGEST_S} s target")
    return {
        "description": (
            "The registered cluster stage called once on N ClusterItems (no fixed incidents, default cluster settings), "
            "one fresh process per size. Items: real reports (shared/eval incidents + ECB+, per-document pipeline once) "
            "replicated with new ids, dates shifted by one offset per copy (0-364 days), points moved by up to "
            "+-0.5 degrees and (texts=renamed) each copy's capitalised words and numbers suffixed, in text and "
            "entities (texts=kept: texts as they are). seconds: wall time of the call; peak_rss_mib: VmHWM of the process (items "
            "included); call_rss_growth_mib: peak during the call (VmHWM reset just before it) minus RSS before it."
        ),
        "input": {
            "sources": [{"path": str(p), "path_relative_to_repo": os.path.relpath(p, ROOT)} for p in sources],
            "base": {k: v for k, v in prep.items() if k not in ("system", "pid")},
            "sizes": list(sizes),
            "seed": args.seed,
            "shift_days": SHIFT_DAYS,
            "jitter_degrees": JITTER_DEGREES,
            "texts": texts,
        },
        "memory_method": "subprocess per size; VmHWM, reset via /proc/self/clear_refs before the call",
        "memory_limit_bytes": limit,
        "memory_limit_note": f"RLIMIT_AS of each measured process: {MEMORY_SHARE:.0%} of physical memory",
        "time_exponent": exponent,
        "time_exponent_method": "least-squares slope of log(seconds) on log(N) over the measured sizes",
        "eventlens_slots": ["cluster"],
        "results": rows,
    }


def main(argv: list[str]) -> int:
    mode, spec_path, result_path = argv[1], Path(argv[2]), Path(argv[3])
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    if mode == "prepare":
        result = prepare_items([Path(p) for p in spec["sources"]], Path(spec["out"]))
    elif mode == "measure":
        if spec.get("max_bytes"):
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (spec["max_bytes"], spec["max_bytes"]))
        result = measure(spec)
    else:
        raise SystemExit(f"unknown mode {mode!r}: prepare or measure")
    result["peak_rss_mib"] = _mib(status_kb("VmHWM")) if mode == "prepare" else result.get("peak_rss_mib")
    result_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
