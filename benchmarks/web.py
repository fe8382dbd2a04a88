"""Web benchmark: requests/s and p95 latency of eventlens serve beside Datasette, over one 10k-incident store.

    .venv/bin/python benchmarks/run.py --only web          # 10,000 incidents (part of `make bench`)
    .venv/bin/python benchmarks/run.py --only web --quick  # 1,000 incidents, fewer requests

The store: the example corpus run through the whole pipeline, then its incidents replicated through the
store API (``Store.write_incidents``) with shifted dates, moved points, perturbed figures and summaries,
each copy keeping its real sources (so an incident page renders four source texts). Both servers run in
their own process on a free loopback port, one at a time (each has the 2 cores to itself), each serving
the same SQLite file (Datasette reads the same ``incidents`` table). The load generator is bounded: a
fixed number of concurrent httpx clients sends a fixed number of requests per endpoint after a warm-up,
and nothing is asserted about the figures.
"""

from __future__ import annotations

import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
CONCURRENCY = 4  # clients at once: with the load generator on the same 2 cores, 8 mostly measures queueing
FULL = {"incidents": 10_000, "requests": 1_000, "warmup": 50}
QUICK = {"incidents": 1_000, "requests": 200, "warmup": 20}
GOAL_P95_MS = 50.0
SEARCH_TERMS = ("Banj", "Mitrov", "police", "Attack", "Kosovo", "Zve", "Banjske copy 7", "nothing-matches")


def build_store(db: Path, incidents: int, seed: int = 7) -> list[str]:
    """Run the example corpus into ``db`` and replicate its incidents up to ``incidents``; returns their ids."""
    from eventlens.api import run
    from eventlens.model import FigureRange
    from eventlens.store import Store

    run(ROOT / "examples" / "kosovo-2023", db=db)
    rng = random.Random(seed)
    with Store(db) as store:
        real = list(store.iter_incidents())
        members = {i.id: [(d, "main") for d in i.sources] for i in real}
        ids = [i.id for i in real]
        batch: list[Any] = []
        for n in range(incidents - len(real)):
            base = real[n % len(real)]
            day = date.fromisoformat(base.date[:10]) - timedelta(days=rng.randrange(0, 3650)) if base.date else None
            figures = {}
            for name, figure in base.figures.items():
                best = None if figure.best is None else max(0, figure.best + rng.randrange(-1, 6))
                figures[name] = figure.model_copy(update={"best": best, "high": None if best is None else max(best, figure.high or 0)})
            location = base.location.model_copy(
                update={"lat": (base.location.lat or 0) + rng.uniform(-8, 8), "lon": (base.location.lon or 0) + rng.uniform(-15, 25),
                        "name": f"{base.location.name} copy {n}"}
            ) if base.location else None
            copy = base.model_copy(
                update={
                    "id": f"syn-{n:06d}",
                    "date": day.isoformat() if day else None,
                    "figures": figures,
                    "location": location,
                    "summary": f"{base.summary} (copy {n})",
                    "revisions": tuple(r.model_copy(update={"figures": {k: FigureRange(low=v.low, best=v.best, high=v.high) for k, v in figures.items()}}) for r in base.revisions),
                }
            )
            batch.append(copy)
            ids.append(copy.id)
            if len(batch) == 1000:
                store.write_incidents(batch, {c.id: members[base_id(c, real)] for c in batch}, {c.id: list(c.revisions) for c in batch})
                batch = []
        if batch:
            store.write_incidents(batch, {c.id: members[base_id(c, real)] for c in batch}, {c.id: list(c.revisions) for c in batch})
    return ids


def base_id(copy: Any, real: list[Any]) -> str:
    """The real incident a copy was made from (the one with the same sources)."""
    return next(i.id for i in real if i.sources == copy.sources)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(command: list[str], port: int, ready_path: str) -> subprocess.Popen[bytes]:
    import httpx

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited: {process.stderr.read().decode()[-2000:] if process.stderr else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}{ready_path}", timeout=2).status_code < 500:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{command[0]} did not start in 60 s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


async def _load(base: str, paths: list[str], requests: int, warmup: int) -> dict[str, Any]:
    """``requests`` GETs of ``paths`` (cycled) by CONCURRENCY clients; latency of each, req/s of the whole."""
    import httpx

    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for path in paths[:warmup]:
            await client.get(path)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        sizes: list[int] = []
        queue = iter(range(requests))

        async def worker() -> None:
            for index in queue:
                path = paths[index % len(paths)]
                started = time.perf_counter()
                response = await client.get(path)
                latencies.append(time.perf_counter() - started)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                sizes.append(len(response.content))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": requests,
        "concurrency": CONCURRENCY,
        "wall_s": round(wall, 3),
        "requests_per_s": round(requests / wall, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))] * 1000, 2),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 2),
        "mean_bytes": round(statistics.fmean(sizes)),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


def _workloads(ids: list[str], rng: random.Random, per: int) -> dict[str, dict[str, list[str]]]:
    """Per endpoint, the paths each system gets: the same pages, incidents and terms for both."""
    pages = [rng.randrange(0, min(len(ids) // 50, 200)) for _ in range(per)]
    picks = [rng.choice(ids) for _ in range(per)]
    terms = [rng.choice(SEARCH_TERMS) for _ in range(per)]
    return {
        "eventlens": {
            "list_html": [f"/incidents?page={p + 1}" for p in pages],
            "list_json": [f"/api/incidents?limit=50&offset={p * 50}" for p in pages],
            "incident_html": [f"/incidents/{i}" for i in picks],
            "incident_json": [f"/api/incidents/{i}" for i in picks],
            "search_json": [f"/api/search?q={t.replace(' ', '+')}&limit=20" for t in terms],
        },
        "datasette": {
            # Datasette pages by keyset (_next) only: page p of 50 rows sorted by id is _next=<the id before it>.
            "list_html": [f"/eventlens/incidents?_size=50&_sort=id&_next={ids_sorted(ids)[p * 50]}" if p else "/eventlens/incidents?_size=50&_sort=id" for p in pages],
            "list_json": [f"/eventlens/incidents.json?_size=50&_sort=id&_next={ids_sorted(ids)[p * 50]}" if p else "/eventlens/incidents.json?_size=50&_sort=id" for p in pages],
            "incident_html": [f"/eventlens/incidents/{i}" for i in picks],
            "incident_json": [f"/eventlens/incidents/{i}.json" for i in picks],
            "search_json": [f"/eventlens/incidents.json?_size=20&summary__contains={t.replace(' ', '+')}" for t in terms],
        },
    }


_SORTED: list[str] = []


def ids_sorted(ids: list[str]) -> list[str]:
    if not _SORTED:
        _SORTED.extend(sorted(ids))
    return _SORTED


def bench_web(*, quick: bool = False) -> dict[str, Any]:
    """Build the store, serve it with eventlens and with Datasette in turn, load both; the result's body."""
    sizes = QUICK if quick else FULL
    rng = random.Random(11)
    with tempfile.TemporaryDirectory(prefix="eventlens-web-bench-") as folder:
        db = Path(folder) / "eventlens.sqlite"
        started = time.perf_counter()
        ids = build_store(db, sizes["incidents"])
        build_s = round(time.perf_counter() - started, 1)
        from eventlens.store import Store
        from eventlens.store.corrections import ensure_tables

        with Store(db) as store:
            ensure_tables(store)  # the list's indexes, before Datasette opens the file
        workloads = _workloads(ids, rng, max(sizes["requests"], 200))
        results: dict[str, dict[str, Any]] = {}
        servers = {
            "eventlens": ([str(BIN / "eventlens"), "serve", "--db", str(db), "--port", "{port}"], "/api/incidents?limit=1"),
            "datasette": ([str(BIN / "datasette"), "serve", str(db), "--port", "{port}", "--setting", "sql_time_limit_ms", "5000"], "/eventlens.json"),
        }
        for system, (template, ready) in servers.items():
            port = _free_port()
            command = [part.replace("{port}", str(port)) for part in template]
            process = _start(command, port, ready)
            try:
                results[system] = {}
                for endpoint, paths in workloads[system].items():
                    results[system][endpoint] = asyncio.run(_load(f"http://127.0.0.1:{port}", paths, sizes["requests"], sizes["warmup"]))
                    row = results[system][endpoint]
                    print(f"  {system:<10} {endpoint:<14} {row['requests_per_s']:>8.1f} req/s  p50 {row['p50_ms']:>7.2f} ms  p95 {row['p95_ms']:>7.2f} ms  {row['statuses']}")
            finally:
                _stop(process)
    ours, theirs = results["eventlens"], results["datasette"]
    comparison = {
        endpoint: {
            "eventlens_rps": ours[endpoint]["requests_per_s"],
            "datasette_rps": theirs[endpoint]["requests_per_s"],
            "ratio": round(ours[endpoint]["requests_per_s"] / theirs[endpoint]["requests_per_s"], 2),
            "eventlens_p95_ms": ours[endpoint]["p95_ms"],
            "datasette_p95_ms": theirs[endpoint]["p95_ms"],
        }
        for endpoint in ours
    }
    goals = {
        "list_p95_under_50ms": ours["list_html"]["p95_ms"] < GOAL_P95_MS and ours["list_json"]["p95_ms"] < GOAL_P95_MS,
        "list_rps_at_least_datasette": comparison["list_html"]["ratio"] >= 1 and comparison["list_json"]["ratio"] >= 1,
    }
    return {
        "incidents": len(ids),
        "store_build_s": build_s,
        "load_generator": f"httpx.AsyncClient, {CONCURRENCY} concurrent clients, {sizes['requests']} requests per endpoint after {sizes['warmup']} warm-up, loopback",
        "servers": {
            "eventlens": "eventlens serve (uvicorn, one process)",
            "datasette": "datasette serve (one process), the same SQLite file",
        },
        "endpoints": {
            "list_html": "eventlens /incidents?page=N (50 rows, sorted by date) vs Datasette /eventlens/incidents?_size=50&_sort=id&_next=...",
            "list_json": "eventlens /api/incidents?limit=50&offset=... vs Datasette /eventlens/incidents.json?_size=50 (keyset)",
            "incident_html": "eventlens /incidents/ID (figures, 4 source texts highlighted, timeline) vs Datasette's row page",
            "incident_json": "eventlens /api/incidents/ID (the whole record with revisions) vs Datasette's row JSON",
            "search_json": "eventlens /api/search?q= (incidents and documents) vs Datasette summary__contains=",
        },
        "results": [],  # run.py's summary table is for ingest rows; these figures are in by_system
        "by_system": results,
        "comparison": comparison,
        "goals": goals,
    }


def main() -> int:
    quick = "--quick" in sys.argv
    body = bench_web(quick=quick)
    import json

    print(json.dumps({"comparison": body["comparison"], "goals": body["goals"]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
