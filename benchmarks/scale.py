"""The ``scale`` benchmark (issue 15): the Ray engine with 1 and 2 workers beside the local engine, and a
projection for a year of news (50 million articles).

    .venv/bin/python benchmarks/scale.py                 # 10,000 documents per engine (about 35 min on 2 cores)
    .venv/bin/python benchmarks/scale.py --docs 2000     # what `make bench` / run.py --only scale runs
    .venv/bin/python benchmarks/run.py --only scale

Two measurements, all in this one run (``benchmarks/results/scale.json``, with machine and command):

1. **Whole runs.** ``eventlens.run`` (every default stage, then fusion) into a fresh SQLite store, for
   ``local``, ``ray`` with 1 worker and ``ray`` with 2 workers (one local Ray cluster of 2 CPUs, started
   once, outside the timed region; each engine warmed up on 5 documents first). Input: the 271 reports
   of ``../shared/eval/incidents`` (read in place), replicated to ``--docs`` documents as one JSONL file,
   each copy with its own first line (so its own doc_id) and its publication date moved by a week per
   copy; most copies are then linked as near-copies (MinHash), so every document goes through every
   per-document stage while fusion sees the original reports. The three stores are checked equal.
2. **Clustering blocks.** 10,000 ``ClusterItem`` (the cluster benchmark's replication of the real
   reports: dates shifted, points moved, names renamed; ``benchmarks/cluster.py``) clustered with
   ``cluster.block_days`` (default 30) by ``engines.blocks``: locally and as Ray tasks with 1 and 2
   workers; the number of blocks, the largest block, the time per block and per item.

The projection is written out as arithmetic in ``projection`` from the measured figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import git_info, library_versions, machine_info, status_kb, utc_now  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
YEAR_ARTICLES = 50_000_000
CLUSTER_ITEMS = 10_000


def write_corpus(path: Path, count: int) -> int:
    """``count`` reports from the incidents eval set, replicated (see the module docstring); returns bytes written."""
    with gzip.open(EVAL / "incidents" / "docs.jsonl.gz", "rt", encoding="utf-8") as fh:
        base = [json.loads(line) for line in fh if line.strip()]
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            record, copy = base[index % len(base)], index // len(base)
            published = record.get("published")
            if published and copy:
                published = (date.fromisoformat(published[:10]) + timedelta(days=7 * copy)).isoformat()
            line = json.dumps(
                {"title": record.get("title"), "published": published, "text": f"Edition {copy}.\n\n{record['text']}"},
                ensure_ascii=False,
            )
            out.write(line + "\n")
            written += len(line.encode("utf-8")) + 1
    return written


def _snapshot(db: Path) -> dict[str, int]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return {
            name: conn.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            if name not in ("run_state", "alembic_version")
        }


def _membership(db: Path) -> list[tuple[str, str, str]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return sorted(conn.execute("SELECT doc_id, incident_id, role FROM incident_documents").fetchall())


def bench_runs(docs: int, tmp: Path, block_days: int) -> list[dict[str, Any]]:
    import eventlens
    from eventlens.engines import LocalEngine
    from eventlens.engines.ray import RayEngine
    from eventlens.settings import Settings

    corpus, warm = tmp / "corpus.jsonl", tmp / "warm.jsonl"
    size = write_corpus(corpus, docs)
    write_corpus(warm, 5)
    settings = Settings.model_validate({"cluster": {"block_days": block_days}})
    engines = {"local": LocalEngine(), "ray-1-worker": RayEngine(num_cpus=2, workers=1), "ray-2-workers": RayEngine(workers=2)}
    results = []
    for label, engine in engines.items():
        eventlens.run(warm, db=tmp / f"warm-{label}.sqlite", settings=settings, engine=engine)
        db = tmp / f"{label}.sqlite"
        print(f"  {label}: {docs:,} documents ...", end="", flush=True)
        started, cpu = time.perf_counter(), time.process_time()
        result = eventlens.run(corpus, db=db, settings=settings, engine=engine)
        seconds = time.perf_counter() - started
        print(f" {seconds:.1f} s ({docs / seconds:.1f} docs/s)")
        results.append(
            {
                "label": label,
                "docs": docs,
                "input_bytes": size,
                "seconds": round(seconds, 2),
                "cpu_s": round(time.process_time() - cpu, 2),  # the driver's (Ray workers are other processes)
                "docs_per_s": round(docs / seconds, 2),
                "mb_per_s": round(size / 1e6 / seconds, 3),
                "peak_rss_mib": round((status_kb("VmHWM") or 0) / 1024, 1),  # the driver's
                "counts": result.counts,
                "store_rows": _snapshot(db),
                "failures": result.counts.get("failed", 0),
            }
        )
    reference = _membership(tmp / "local.sqlite")
    for row in results:
        row["same_incidents_as_local"] = _membership(tmp / f"{row['label']}.sqlite") == reference
        row["same_rows_as_local"] = row["store_rows"] == results[0]["store_rows"]
    return results


def bench_blocks(tmp: Path, block_days: int) -> list[dict[str, Any]]:
    import cluster as cluster_bench

    from eventlens.engines import LocalEngine, blocks
    from eventlens.engines.ray import RayEngine
    from eventlens.registry import get_stage
    from eventlens.settings import ClusterSettings

    items_path = tmp / "items.jsonl"
    print("  preparing ClusterItems (per-document pipeline over the incidents reports, untimed) ...", flush=True)
    cluster_bench.prepare_items([EVAL / "incidents" / "docs.jsonl.gz"], items_path)
    items = cluster_bench.replicate(cluster_bench.load_items(items_path), CLUSTER_ITEMS, seed=15)
    cfg = ClusterSettings(block_days=block_days)
    func = get_stage("cluster.incidents.v1").func
    results = []
    reference = None
    for label, engine in (("local", LocalEngine()), ("ray-1-worker", RayEngine(workers=1)), ("ray-2-workers", RayEngine(workers=2))):
        timings: list[tuple[int, float]] = []

        def timed(call: Any, *args: Any) -> tuple[dict[str, str], float]:
            started = time.perf_counter()
            return call(*args), time.perf_counter() - started

        def map_calls(call: Any, calls: list[tuple[Any, ...]], engine: Any = engine) -> list[Any]:
            out = engine.map_calls(timed, [(call, *args) for args in calls])
            timings.extend((len(args[1]), seconds) for args, (_, seconds) in zip(calls, out))  # args: func, items, fixed, cfg
            return [labels for labels, _ in out]

        started = time.perf_counter()
        labels = blocks.cluster_in_blocks(func, items, {}, cfg, map_calls)
        seconds = time.perf_counter() - started
        stats = blocks.last_stats
        reference = reference or labels
        largest = max(timings, key=lambda t: t[0])
        results.append(
            {
                "label": label,
                "items": len(items),
                "block_days": block_days,
                "seconds": round(seconds, 2),
                "items_per_s": round(len(items) / seconds, 1),
                "blocks": stats.blocks if stats else None,
                "largest_block_items": stats.largest_block if stats else None,
                "border_passes": stats.border_passes if stats else None,
                "largest_border_items": stats.largest_border if stats else None,
                "largest_block_s": round(largest[1], 2),
                "sum_block_s": round(sum(t for _, t in timings), 2),
                "incidents": len(set(labels.values())),
                "same_result_as_local": labels == reference,
            }
        )
        print(f"  blocks {label}: {seconds:.1f} s, {results[-1]['blocks']} blocks, largest {results[-1]['largest_block_items']}")
    return results


def projection(runs: list[dict[str, Any]], blocks_found: list[dict[str, Any]], block_days: int) -> dict[str, Any]:
    """Workers and hours for a year of news, written out as arithmetic from the measured figures."""
    local = next(r for r in runs if r["label"] == "local")
    two = next(r for r in runs if r["label"] == "ray-2-workers")
    per_worker = two["docs_per_s"] / 2  # docs/s one Ray worker (one core) sustains in the 2-worker run
    local_block = next(b for b in blocks_found if b["label"] == "local")
    per_item_s = local_block["sum_block_s"] / local_block["items"]
    per_day = YEAR_ARTICLES / 365
    # The largest block of a year: one country's reports of block_days days. Assume the busiest country
    # carries 20% of the world's reports (a guess to replace with real shares), all clusterable.
    largest_block = round(per_day * block_days * 0.20)
    measured_largest = local_block["largest_block_items"]
    # Memory of a block: the cluster benchmark measured what the stage adds per item (cluster_scaling.json).
    scaling = json.loads((ROOT / "benchmarks" / "results" / "cluster_scaling.json").read_text(encoding="utf-8"))
    sizes = {r.get("docs"): r for r in scaling.get("results", []) if r.get("call_peak_rss_mib")}
    point = sizes.get(100_000) or sizes.get(10_000)
    mib_per_item = (point["call_peak_rss_mib"] - point["rss_before_call_mib"]) / point["docs"] if point else None
    hours_for = {workers: round(YEAR_ARTICLES / (per_worker * workers) / 3600, 1) for workers in (16, 64, 256)}
    workers_for_a_day = -(-YEAR_ARTICLES // round(per_worker * 24 * 3600))
    return {
        "per_worker_docs_per_s": round(per_worker, 2),
        "per_document_hours": hours_for,
        "arithmetic": [
            f"per-document stages: one worker (core) sustains {two['docs_per_s']} / 2 = {per_worker:.2f} docs/s "
            f"(the 2-worker Ray run; local engine {local['docs_per_s']} docs/s on one core)",
            f"{YEAR_ARTICLES:,} articles / ({per_worker:.2f} docs/s x W workers) / 3600 s: "
            + ", ".join(f"W={w}: {h} h" for w, h in hours_for.items()),
            f"to finish in 24 h: {YEAR_ARTICLES:,} / ({per_worker:.2f} x 86,400) = {workers_for_a_day:,} workers",
            f"clustering: {local_block['sum_block_s']} s for {local_block['items']:,} items in {local_block['blocks']} blocks "
            f"= {per_item_s * 1000:.2f} ms per item; a year is {YEAR_ARTICLES:,} x {per_item_s:.4f} s = "
            f"{YEAR_ARTICLES * per_item_s / 3600:.0f} CPU hours if time per item stays flat with block size "
            f"(it grows: the cluster benchmark's exponent is above 1, so keep blocks small)",
            f"largest block: {YEAR_ARTICLES:,} / 365 = {per_day:,.0f} reports a day; x {block_days} days x 20% "
            f"(busiest country, assumed) = {largest_block:,} items in one block (measured here: {measured_largest:,} "
            f"of {local_block['items']:,})",
            (
                f"memory of that block: {largest_block:,} x {mib_per_item:.3f} MiB per item (what the cluster stage added at "
                f"{point['docs']:,} items, cluster_scaling.json) "
                f"= {largest_block * mib_per_item / 1024:.1f} GiB"
                if mib_per_item
                else "memory of that block: see benchmarks/results/cluster_scaling.json (no 10k figure found)"
            ),
            "the driver (copies, store writes, fusion) is one process: at this scale it needs PostgreSQL and "
            "per-block fusion too; measured here it is part of every whole-run figure",
        ],
        "largest_block_items": largest_block,
        "largest_block_gib": round(largest_block * mib_per_item / 1024, 2) if mib_per_item else None,
    }


def bench_scale(docs: int, block_days: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="eventlens-bench-scale-") as folder:
        tmp = Path(folder)
        print(f"[scale] eventlens run on {docs:,} documents: local, ray 1 worker, ray 2 workers")
        runs = bench_runs(docs, tmp, block_days)
        print(f"[scale] blocked clustering of {CLUSTER_ITEMS:,} items, block_days={block_days}")
        found = bench_blocks(tmp, block_days)
    return {"results": runs, "blocks": found, "projection": projection(runs, found, block_days)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000, help="documents per engine (default 10,000)")
    parser.add_argument("--block-days", type=int, default=30, help="cluster.block_days for both measurements")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "scale.json")
    args = parser.parse_args(argv)
    started = utc_now()
    body = bench_scale(args.docs, args.block_days)
    data = {
        "benchmark": "scale",
        "command": " ".join([".venv/bin/python", "benchmarks/scale.py", *(argv if argv is not None else sys.argv[1:])]),
        "timestamp_utc": started,
        "finished_utc": utc_now(),
        "machine": machine_info(),
        "eventlens": git_info(ROOT),
        "versions": library_versions(),
        **body,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for line in body["projection"]["arithmetic"]:
        print("  " + line)
    print(f"  -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
