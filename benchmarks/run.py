"""Ingest + clean throughput and peak memory of eventlens, beside trafilatura alone, measured in this run.

    .venv/bin/python benchmarks/run.py            # the full run (`make bench`), about 9 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --quick    # a smoke run with small sizes, about 2 minutes
    .venv/bin/python benchmarks/run.py --only pipeline
    .venv/bin/python benchmarks/run.py --only stages
    .venv/bin/python benchmarks/run.py --only html --repeat 3
    .venv/bin/python benchmarks/run.py --only cluster
    .venv/bin/python benchmarks/run.py --only web
    .venv/bin/python benchmarks/run.py --only scale

Benchmarks, each written to ``benchmarks/results/<name>.json`` (``<name>-quick.json`` with ``--quick``):

- ``ingest_html_extraction``: the 181 gzipped pages of the extraction eval set
  (``../shared/eval/extraction/html``, read in place): ``eventlens.api.ingest`` into a temporary SQLite
  database (read, gunzip, decode, HTML extraction, clean, metadata, langid, dedup, store) beside
  ``trafilatura.extract`` with default settings on the same HTML strings, interleaved, at least
  3 runs each (``comparison``: pages/s of both and their ratio, wall and CPU).
- ``ingest_text_generated``: 10,000 generated news-like text documents (``benchmarks/corpus.py``, fixed
  seed) as a folder of ``.txt`` files and as one ``.jsonl`` file, ingested by eventlens, beside
  trafilatura on the same texts wrapped as minimal HTML.
- ``ingest_scaling``: eventlens on the first 1,000 / 3,000 / 10,000 generated documents: time and
  peak RSS at each size, and a per-batch trace of time and RSS within each run.
- ``stages``: the document-understanding stages (entities, temporal, geocode) on 1,000 real eval documents
  (ECB+ topped up with incidents, read in place; 200 with ``--quick``) with pipeline.n_process=1 and 2,
  beside spaCy NER alone: docs/s, words/s, start-up, peak RSS and RSS growth (``benchmarks/stages.py``).
  Not in the default run (``pipeline`` covers these stages); ``--only stages`` runs it.
- ``pipeline``: the whole per-document pipeline (every per-document slot of the default ``pipeline.stages``,
  clean through quotes) on 1,000 real eval documents (the batch of ``stages``, from the reader's documents)
  with pipeline.n_process=1 and 2 beside spaCy NER alone, and on 10,000 (the 1,000 repeated ten times with
  distinct ids) with n_process=2 beside spaCy NER with n_process=2; docs/s, words/s, peak RSS of all
  processes; and the start-up figure: ``eventlens run`` on one small example file (``benchmarks/stages.py``).
- ``cluster``: the registered cluster stage on 1,000 / 10,000 / 100,000 ClusterItems built from real eval
  reports (incidents + ECB+, per-document pipeline once) and replicated with shifted dates, moved points and
  (``--cluster-texts renamed``, the default) each copy's names and numbers renamed; wall time, peak RSS and
  what the call added, one fresh process per size, and the exponent b of time ~ N^b (``benchmarks/cluster.py``).
- ``web``: ``eventlens serve`` beside Datasette over one store of 10,000 incidents (1,000 with ``--quick``):
  requests/s and p50/p95/p99 latency of the incident list, an incident page and search, under a bounded
  loopback load (``benchmarks/web.py``).

Every system runs in a fresh interpreter (``benchmarks/worker.py``) so that peak RSS (``ru_maxrss``)
belongs to that run alone; each is warmed up on a tiny input outside the timed region. MB = 10^6 bytes
of uncompressed input; RSS in MiB. Nothing is asserted about timings: the numbers are reported.

By default eventlens runs the foundation stages (clean, metadata, langid: the implementations the
default settings choose for those slots); ``--pipeline default`` runs every stage the default
settings configure instead. ``--pipeline`` does not apply to ``stages`` or ``pipeline``; ``stages`` always runs the
entities, temporal and geocode slots after clean/metadata/langid.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import cluster  # noqa: E402
import corpus  # noqa: E402
import stages  # noqa: E402
import scale  # noqa: E402
import web  # noqa: E402
from machine import git_info, library_versions, load_average, machine_info, utc_now  # noqa: E402

BENCHMARKS = ("html", "text", "scaling", "stages", "pipeline", "cluster", "web", "scale")
#: What a run without --only measures: ``stages`` (entities + temporal + geocode) is inside ``pipeline`` now.
DEFAULT_BENCHMARKS = ("html", "text", "scaling", "pipeline", "cluster", "web", "scale")
NAMES = {
    "html": "ingest_html_extraction",
    "text": "ingest_text_generated",
    "scaling": "ingest_scaling",
    "stages": "stages",
    "pipeline": "pipeline",
    "cluster": "cluster_scaling",
    "web": "web",
    "scale": "scale",
}
FOUNDATION_SLOTS = ("clean", "metadata", "langid")
FULL = {"html_pages": None, "text_docs": 10_000, "scaling_sizes": (1_000, 3_000, 10_000)}
QUICK = {"html_pages": 30, "text_docs": 500, "scaling_sizes": (100, 300, 1_000)}
TARGET_FULL_RUN_S = 900  # the full run should finish in about 15 minutes on 2 cores
HTML_MIN_REPEAT = 3  # the HTML comparison is a headline figure: always a median of interleaved runs


# -- helpers ---------------------------------------------------------------------------------------


def _python_for_command() -> str:
    exe = Path(sys.executable)
    try:
        return str(exe.relative_to(ROOT))
    except ValueError:
        return shlex.quote(sys.executable)


def _command(args: argparse.Namespace, only: str | None) -> str:
    """The command line, run from the repository root, that reproduces one result file (or the whole run)."""
    parts = [_python_for_command(), "benchmarks/run.py"]
    if args.quick:
        parts.append("--quick")
    if only is not None:
        parts += ["--only", only]
    if args.repeat != 1:
        parts += ["--repeat", str(args.repeat)]
    if args.pipeline != "foundation":
        parts += ["--pipeline", args.pipeline]
    if args.seed != corpus.DEFAULT_SEED:
        parts += ["--seed", str(args.seed)]
    if args.eval_dir is not None:
        parts += ["--eval-dir", shlex.quote(str(args.eval_dir))]
    if args.ner_large and only == "pipeline":
        parts.append("--ner-large")
    if args.cluster_texts != "renamed" and only == "cluster":
        parts += ["--cluster-texts", args.cluster_texts]
    return " ".join(parts)


def _eval_dir(args: argparse.Namespace) -> Path:
    if args.eval_dir is not None:
        return Path(args.eval_dir).resolve()
    env = os.environ.get("EVENTLENS_EVAL_DIR")
    if env:
        return Path(env).resolve()
    return (ROOT.parent / "shared" / "eval").resolve()


def _slots(pipeline: str) -> list[str] | None:
    """The pipeline slots eventlens runs (each with the implementation the default settings choose); None: all."""
    return None if pipeline == "default" else list(FOUNDATION_SLOTS)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


class Runner:
    """Runs workers in fresh subprocesses and keeps what they measured."""

    def __init__(self, args: argparse.Namespace, tmp: Path) -> None:
        self.args = args
        self.tmp = tmp
        self.count = 0

    def measure(self, label: str, spec: dict[str, Any], repeat: int | None = None) -> dict[str, Any]:
        """Run ``spec`` ``repeat`` (default ``--repeat``) times, each in a fresh interpreter; keep every run and the median one."""
        repeat = self.args.repeat if repeat is None else repeat
        runs = []
        for attempt in range(repeat):
            self.count += 1
            spec_path = self.tmp / f"spec-{self.count}.json"
            result_path = self.tmp / f"result-{self.count}.json"
            spec_path.write_text(json.dumps(spec), encoding="utf-8")
            cmd = [sys.executable, str(HERE / "worker.py"), str(spec_path), str(result_path)]
            suffix = f" (run {attempt + 1}/{repeat})" if repeat > 1 else ""
            print(f"  {label}{suffix} ...", end="", flush=True)
            started = time.perf_counter()
            env = dict(os.environ, PYTHONHASHSEED="0")
            try:
                done = subprocess.run(
                    cmd, cwd=ROOT, capture_output=True, text=True, timeout=self.args.timeout, env=env, check=False
                )
            except subprocess.TimeoutExpired:
                elapsed = time.perf_counter() - started
                print(f" TIMED OUT after {elapsed:.0f} s (--timeout {self.args.timeout})")
                runs.append({"error": f"timed out after {elapsed:.0f} s (--timeout {self.args.timeout})"})
                break
            elapsed = time.perf_counter() - started
            if done.returncode != 0 or not result_path.exists():
                tail = (done.stderr or done.stdout or "").strip().splitlines()[-5:]
                print(f" FAILED (exit {done.returncode}): {' | '.join(tail)}")
                runs.append({"error": f"exit {done.returncode}", "stderr_tail": tail})
                break
            result = json.loads(result_path.read_text(encoding="utf-8"))
            result["process_wall_s"] = round(elapsed, 3)
            runs.append(result)
            note = f", {result['failures']} failed" if result.get("failures") else ""
            print(f" {result['seconds']:.2f} s timed ({elapsed:.1f} s with start-up), peak RSS {result['peak_rss_mib']:.0f} MiB{note}")
        return _with_median(label, runs)

    def interleaved(self, specs: dict[str, dict[str, Any]], repeat: int) -> dict[str, dict[str, Any]]:
        """Measure several systems ``repeat`` times, alternating (A B A B ...), so that load from other work
        falls on all of them alike; each keeps its median run."""
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label in specs}
        for attempt in range(repeat):
            for label, spec in specs.items():
                print(f"  [{attempt + 1}/{repeat}]", end="")
                runs[label] += self.measure(label, spec, repeat=1)["runs"]
        return {label: _with_median(label, found) for label, found in runs.items()}


def _with_median(label: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    good = [r for r in runs if "error" not in r]
    if not good:
        return {"label": label, "error": runs[-1]["error"], "runs": runs}
    ordered = sorted(good, key=lambda r: r["seconds"])
    median = ordered[(len(ordered) - 1) // 2]
    return {"label": label, "median_run": median, "runs": runs}


def _rates(measured: dict[str, Any], docs: int, input_bytes: int, content_bytes: int | None = None) -> dict[str, Any]:
    """Flatten a measurement into the figures a reader compares (from the median run)."""
    row: dict[str, Any] = {"label": measured["label"], "docs": docs, "input_bytes": input_bytes}
    if "error" in measured:
        row["error"] = measured["error"]
        row["runs"] = measured["runs"]
        return row
    run = measured["median_run"]
    seconds = run["seconds"]
    row.update(
        {
            "system": run["system"],
            "seconds": seconds,
            "docs_per_s": round(docs / seconds, 2) if seconds else None,
            "mb_per_s": round(input_bytes / 1e6 / seconds, 3) if seconds else None,
            "peak_rss_mib": run["peak_rss_mib"],
            "rss_before_timed_mib": run["rss_before_mib"],
            "rss_growth_during_run_mib": round(run["peak_rss_mib"] - run["peak_rss_before_mib"], 1),
            "cpu_s": run["cpu_s"],
            "cpu_per_wall": round(run["cpu_s"] / seconds, 2) if seconds else None,
            "warmup_s": run["warmup_s"],
            "import_s": run["import_s"],
            "counts": run["counts"],
            "failures": run["failures"],
        }
    )
    if run.get("settings_overrides"):
        row["settings_overrides"] = run["settings_overrides"]
    row["cpu_ms_per_doc"] = round(1000 * run["cpu_s"] / docs, 3) if docs else None
    if content_bytes is not None:
        row["content_bytes"] = content_bytes
        row["content_mb_per_s"] = round(content_bytes / 1e6 / seconds, 3) if seconds else None
    if len(measured["runs"]) > 1:
        times = [r["seconds"] for r in measured["runs"] if "error" not in r]
        row["seconds_all_runs"] = times
        row["seconds_spread"] = round(max(times) - min(times), 4)
        row["seconds_stdev"] = round(statistics.stdev(times), 4) if len(times) > 1 else None
    row["runs"] = measured["runs"]
    return row


# -- benchmarks ------------------------------------------------------------------------------------


def bench_html(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    html_dir = _eval_dir(args) / "extraction" / "html"
    files = sorted(html_dir.glob("*.html.gz"))
    if not files:
        raise SystemExit(f"no *.html.gz under {html_dir}: is ../shared/eval present? (or pass --eval-dir)")
    if sizes["html_pages"] is not None:
        files = files[: sizes["html_pages"]]
    compressed = sum(f.stat().st_size for f in files)
    uncompressed = sum(len(gzip.decompress(f.read_bytes())) for f in files)
    paths = [str(f) for f in files]
    print(f"[html] {len(files)} pages from {html_dir} ({uncompressed / 1e6:.1f} MB uncompressed)")
    repeat = max(args.repeat, HTML_MIN_REPEAT)
    measured = runner.interleaved(
        {
            "eventlens ingest": {"system": "eventlens", "paths": paths, "slots": slots, "warmup": "html"},
            "eventlens extract_html": {"system": "eventlens_extract", "source": "html_gz", "files": paths},
            "trafilatura.extract": {"system": "trafilatura", "source": "html_gz", "files": paths},
            "eventlens ingest n_process=2": {
                "system": "eventlens", "paths": paths, "slots": slots, "warmup": "html", "n_process": 2,
            },
        },
        repeat,
    )
    rows = [_rates(found, len(files), uncompressed) for found in measured.values()]
    comparison = _html_comparison(rows[0], rows[2], repeat)
    parallel = _html_comparison(rows[3], rows[2], repeat)
    if comparison and parallel:
        # pipeline.n_process=2 reads and extracts the pages in two processes (io.readers), as on this 2-core machine
        comparison["eventlens_n_process_2_pages_per_s"] = parallel["eventlens_pages_per_s"]
        comparison["n_process_2_speed_ratio_wall"] = parallel["speed_ratio_wall"]
    if comparison and "error" not in rows[1]:
        comparison["eventlens_extract_html_pages_per_s"] = rows[1]["docs_per_s"]
        comparison["extract_html_speed_ratio_wall"] = round(rows[1]["docs_per_s"] / rows[2]["docs_per_s"], 3)
        comparison["extract_html_speed_ratio_cpu"] = round(rows[2]["cpu_s"] / rows[1]["cpu_s"], 3)
        comparison["extract_html_rungs"] = measured["eventlens extract_html"]["median_run"].get("rungs")
    if comparison:
        print(
            f"  HTML ingest: eventlens {comparison['eventlens_pages_per_s']:.1f} pages/s, trafilatura.extract alone "
            f"{comparison['trafilatura_pages_per_s']:.1f} pages/s on the same {len(files)} pages: "
            f"x{comparison['speed_ratio_wall']:.2f} wall, x{comparison['speed_ratio_cpu']:.2f} CPU "
            f"(median of {repeat} interleaved runs each)"
        )
        if "eventlens_n_process_2_pages_per_s" in comparison:
            print(
                f"  with pipeline.n_process=2: eventlens {comparison['eventlens_n_process_2_pages_per_s']:.1f} pages/s, "
                f"x{comparison['n_process_2_speed_ratio_wall']:.2f} wall beside trafilatura.extract"
            )
        if "eventlens_extract_html_pages_per_s" in comparison:
            print(
                f"  extraction alone: eventlens extract_html {comparison['eventlens_extract_html_pages_per_s']:.1f} pages/s, "
                f"x{comparison['extract_html_speed_ratio_wall']:.2f} wall, x{comparison['extract_html_speed_ratio_cpu']:.2f} CPU "
                f"beside trafilatura.extract; rungs {comparison['extract_html_rungs']}"
            )
    return {
        "description": (
            "Extraction eval set (Article Extraction Benchmark pages): eventlens.api.ingest into a temporary "
            "SQLite db (read + gunzip + decode + HTML extraction + clean + metadata + langid + dedup + store), "
            "beside trafilatura.extract(html) with default settings on the same HTML strings "
            "(gunzip and decode not timed for trafilatura), and eventlens's extraction alone "
            "(io.htmltext.extract_html: body and metadata, timed like trafilatura)."
        ),
        "input": {
            "folder": str(html_dir),
            "folder_relative_to_repo": os.path.relpath(html_dir, ROOT),
            "pages": len(files),
            "bytes_gzipped": compressed,
            "bytes_uncompressed": uncompressed,
        },
        "comparison": comparison,
        "results": rows,
    }


def _html_comparison(ours: dict[str, Any], theirs: dict[str, Any], repeat: int) -> dict[str, Any] | None:
    """Pages/s of eventlens ingest beside trafilatura.extract alone, from the median runs (None if one failed)."""
    if "error" in ours or "error" in theirs or not ours["seconds"] or not theirs["seconds"]:
        return None
    pages = ours["docs"]
    ours_cpu, theirs_cpu = pages / ours["cpu_s"], pages / theirs["cpu_s"]
    return {
        "pages": pages,
        "runs_each": repeat,
        "order": "interleaved: eventlens, trafilatura, eventlens, ... each in a fresh process",
        "eventlens_pages_per_s": ours["docs_per_s"],
        "trafilatura_pages_per_s": theirs["docs_per_s"],
        "speed_ratio_wall": round(ours["docs_per_s"] / theirs["docs_per_s"], 3),
        "eventlens_pages_per_cpu_s": round(ours_cpu, 2),
        "trafilatura_pages_per_cpu_s": round(theirs_cpu, 2),
        "speed_ratio_cpu": round(ours_cpu / theirs_cpu, 3),
        "note": (
            "eventlens is timed from the first byte read to the last commit (gunzip, decode, extraction, clean, "
            "metadata, langid, dedup, store); trafilatura only inside its extract() calls. Ratio > 1: eventlens faster."
        ),
    }


def _generate(tmp: Path, count: int, seed: int) -> tuple[Path, dict[str, Any]]:
    folder = tmp / f"txt_{count}"
    if not folder.exists():
        started = time.perf_counter()
        stats = corpus.write_txt_folder(folder, count, seed)
        stats["generate_s"] = round(time.perf_counter() - started, 2)
        (tmp / f"txt_{count}.stats.json").write_text(json.dumps(stats), encoding="utf-8")
        print(f"  generated {count:,} documents ({stats['bytes'] / 1e6:.1f} MB) in {stats['generate_s']:.1f} s")
    stats = json.loads((tmp / f"txt_{count}.stats.json").read_text(encoding="utf-8"))
    return folder, stats


def bench_text(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    count = sizes["text_docs"]
    print(f"[text] {count:,} generated documents (seed {args.seed})")
    folder, stats = _generate(runner.tmp, count, args.seed)
    jsonl = runner.tmp / f"docs_{count}.jsonl"
    jsonl_stats = corpus.write_jsonl(jsonl, count, args.seed)
    files = sorted(folder.glob("*.txt"))
    txt = runner.measure(
        "eventlens ingest .txt folder", {"system": "eventlens", "paths": [str(folder)], "slots": slots, "warmup": "txt"}
    )
    # ingest.max_bytes limits a whole file; the single .jsonl is larger than the default 20 MB, so the worker
    # raises the limit to the file's size for this run (and records it in settings_overrides).
    jl = runner.measure(
        "eventlens ingest .jsonl",
        {"system": "eventlens", "paths": [str(jsonl)], "slots": slots, "warmup": "txt", "min_max_bytes": jsonl_stats["bytes"]},
    )
    traf = runner.measure(
        "trafilatura.extract minimal HTML",
        {"system": "trafilatura", "source": "txt_wrapped", "files": [str(f) for f in files]},
    )
    traf_row = _rates(traf, count, traf.get("median_run", {}).get("input_bytes_seen", 0), stats["bytes"])
    return {
        "description": (
            "Generated news-like documents (benchmarks/corpus.py, fixed seed; 300-900 words, some with navigation "
            "labels, captions, copyright lines, comment sections, ~1% exact and ~3% near duplicates) ingested by "
            "eventlens.api.ingest from a folder of .txt files and from one .jsonl file (a 'text' field per line), "
            "beside trafilatura.extract with default settings on the same texts wrapped as minimal HTML, one <p> "
            "per line (wrapping not timed). input_bytes is what each system was given; content_bytes is the .txt "
            "bytes, the same for all three."
        ),
        "input": {
            "documents": count,
            "seed": args.seed,
            "generator": "benchmarks/corpus.py",
            "txt": stats,
            "jsonl": jsonl_stats,
        },
        "results": [
            _rates(txt, count, stats["bytes"], stats["bytes"]),
            _rates(jl, count, jsonl_stats["bytes"], stats["bytes"]),
            traf_row,
        ],
    }


def _rss_slope(trace: list[list[float]]) -> float | None:
    """RSS growth per 1,000 documents within a run, from after the first batch to the end (MiB)."""
    if len(trace) < 2 or trace[-1][0] <= trace[0][0]:
        return None
    (first_docs, _, first_rss), (last_docs, _, last_rss) = trace[0], trace[-1]
    return round(1000 * (last_rss - first_rss) / (last_docs - first_docs), 2)


def bench_scaling(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    counts = sizes["scaling_sizes"]
    print(f"[scaling] eventlens on the first {' / '.join(f'{c:,}' for c in counts)} generated documents")
    largest, stats = _generate(runner.tmp, max(counts), args.seed)
    points = []
    for count in counts:
        folder = runner.tmp / f"prefix_{count}"
        if not folder.exists():
            corpus.link_prefix(largest, folder, count)
        size = sum(f.stat().st_size for f in folder.glob("*.txt"))
        measured = runner.measure(
            f"eventlens ingest {count:,} docs", {"system": "eventlens", "paths": [str(folder)], "slots": slots, "warmup": "txt"}
        )
        row = _rates(measured, count, size, size)
        if "error" not in row:
            row["ms_per_doc"] = round(1000 * row["seconds"] / count, 3)
            row["trace"] = measured["median_run"]["trace"]
            row["trace_fields"] = measured["median_run"]["trace_fields"]
        points.append(row)
    base = next((p for p in points if "error" not in p), None)
    for point in points:
        if base is not None and "error" not in point:
            point["cost_per_doc_vs_smallest"] = round(point["ms_per_doc"] / base["ms_per_doc"], 3)
            point["cpu_cost_per_doc_vs_smallest"] = round(point["cpu_ms_per_doc"] / base["cpu_ms_per_doc"], 3)
            point["rss_growth_per_1000_docs_mib"] = _rss_slope(point["trace"])
            point["peak_rss_vs_smallest_mib"] = round(point["peak_rss_mib"] - base["peak_rss_mib"], 1)
    return {
        "description": (
            "How cost grows with input size: eventlens.api.ingest on the first N documents of the generated corpus "
            "(each size a prefix of the largest), one fresh process per size. cost_per_doc_vs_smallest near 1.0 "
            "means time grows linearly (wall time is noisy on a busy machine; the CPU ratio is steadier); "
            "rss_growth_per_1000_docs_mib is the slope of RSS within the run after the first batch; 'trace' samples [documents done, seconds, RSS MiB] after each batch within "
            "the run, so growth inside a run is visible too."
        ),
        "input": {"sizes": list(counts), "seed": args.seed, "generator": "benchmarks/corpus.py", "largest": stats},
        "results": points,
    }


def _stages_used(body: dict[str, Any]) -> dict[str, str] | None:
    """The stage map eventlens actually ran with, as its worker reported it."""
    for row in body["results"]:
        for run in row.get("runs", []):
            if "pipeline_stages" in run:
                return run["pipeline_stages"]
    return None


def bench_stages(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    return stages.bench_stages(args, runner, _eval_dir(args))  # its own sizes and slots (benchmarks/stages.py)


def bench_pipeline(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    return stages.bench_pipeline(args, runner, _eval_dir(args))  # the whole per-document pipeline (benchmarks/stages.py)


def bench_cluster(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    return cluster.bench_cluster(args, runner, _eval_dir(args))  # its own sizes (benchmarks/cluster.py)


def bench_web(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    return web.bench_web(quick=args.quick)  # its own sizes and servers (benchmarks/web.py)


def bench_scale(args: argparse.Namespace, runner: Runner, sizes: dict[str, Any], slots: list[str] | None) -> dict[str, Any]:
    # 2,000 documents per engine, not 10,000: the whole pipeline runs at about 15 docs/s per core here, so
    # 10,000 through three engines is over half an hour (benchmarks/scale.py --docs 10000 measures it).
    return scale.bench_scale(300 if args.quick else 2_000, 30)


RUNNERS = {
    "html": bench_html,
    "text": bench_text,
    "scaling": bench_scaling,
    "stages": bench_stages,
    "pipeline": bench_pipeline,
    "cluster": bench_cluster,
    "web": bench_web,
    "scale": bench_scale,
}


# -- output ----------------------------------------------------------------------------------------


def _summary(written: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    header = (
        f"{'benchmark':<30} {'run':<34} {'docs':>7} {'MB':>7} {'s':>8} {'CPU s':>8} {'docs/s':>9} {'MB/s':>7} "
        f"{'peak RSS MiB':>12}  notes"
    )
    lines += [header, "-" * len(header)]
    for name, data in written.items():
        for row in data["results"]:
            mb = row["input_bytes"] / 1e6
            if "not_measured" in row:
                lines.append(f"{name:<30} {row['label']:<34} {row['docs']:>7,} {mb:>7.1f} {'':>8} {'':>8} {'':>9} {'':>7} {'':>12}  not measured: {row['not_measured']}")
                continue
            if "error" in row:
                lines.append(f"{name:<30} {row['label']:<34} {row['docs']:>7,} {mb:>7.1f} {'':>8} {'':>8} {'':>9} {'':>7} {'':>12}  {row['error']}")
                continue
            notes = []
            if row.get("failures"):
                notes.append(f"{row['failures']} failed")
            if "cost_per_doc_vs_smallest" in row:
                notes.append(
                    f"time/doc x{row['cost_per_doc_vs_smallest']:.2f}, CPU/doc x{row['cpu_cost_per_doc_vs_smallest']:.2f} "
                    f"vs smallest; RSS +{_fmt(row['rss_growth_per_1000_docs_mib'])} MiB/1k docs"
                )
            if "call_rss_growth_mib" in row:
                notes.append(f"+{_fmt(row['call_rss_growth_mib'], 0)} MiB in the call, {row['clusters']:,} clusters")
            if "time_exponent" in data and row is data["results"][-1] and data["time_exponent"] is not None:
                notes.append(f"time ~ N^{data['time_exponent']}")
            if row.get("settings_overrides"):
                notes.append("ingest.max_bytes raised to the file size")
            if row.get("system") == "trafilatura":
                notes.append("extract() calls only")
            if row.get("system") == "eventlens_extract":
                notes.append("extract_html() calls only")
            if "words_per_s" in row:
                notes.append(
                    f"{row['words_per_s']:,.0f} words/s, start-up {row['startup_s']:.1f} s, RSS growth "
                    f"{_fmt(row['rss_growth_over_batch_mib'])} MiB over the batch, ~{_fmt(row['extrapolated_docs_per_s_600_word_articles'], 2)} "
                    f"docs/s at 600 words (extrapolated)"
                )
            lines.append(
                f"{name:<30} {row['label']:<34} {row['docs']:>7,} {mb:>7.1f} {row['seconds']:>8.2f} {row['cpu_s']:>8.2f} "
                f"{_fmt(row['docs_per_s']):>9} {_fmt(row['mb_per_s'], 2):>7} {_fmt(row['peak_rss_mib'], 0):>12}  {', '.join(notes)}"
            )
    return lines


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run (30 pages, 500 docs, 100/300/1,000, 200 stage docs, 300/1,000/3,000 cluster items)")
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="run only this benchmark (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the median is reported (default 1)")
    parser.add_argument(
        "--pipeline",
        choices=("foundation", "default"),
        default="foundation",
        help="eventlens stages: 'foundation' = clean, metadata, langid (default); 'default' = every default stage",
    )
    parser.add_argument("--seed", type=int, default=corpus.DEFAULT_SEED, help="generator seed")
    parser.add_argument("--eval-dir", type=Path, default=None, help="shared/eval folder (default: $EVENTLENS_EVAL_DIR or ../shared/eval)")
    parser.add_argument("--out-dir", type=Path, default=HERE / "results", help="where the JSON results go")
    parser.add_argument("--timeout", type=int, default=900, help="seconds one measured process may run before it is stopped")
    parser.add_argument("--keep-temp", action="store_true", help="keep the generated corpus and temporary files")
    parser.add_argument(
        "--ner-large",
        action="store_true",
        help="pipeline: also measure spaCy NER alone over the 10,000 reports (adds about 5 minutes)",
    )
    parser.add_argument(
        "--cluster-texts",
        choices=("renamed", "kept"),
        default="renamed",
        help="cluster: each copy's names and numbers get a suffix of their own (default), or every text is kept as is",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    selected = [b for b in BENCHMARKS if b in (args.only or DEFAULT_BENCHMARKS)]
    sizes = QUICK if args.quick else FULL
    slots = _slots(args.pipeline)
    started_wall = time.perf_counter()
    started_utc = utc_now()
    context = {
        "machine": machine_info(),
        "eventlens": git_info(ROOT),
        "versions": library_versions(),
    }
    run_command = " ".join([_python_for_command(), "benchmarks/run.py", *map(shlex.quote, sys.argv[1:])])
    print(f"eventlens benchmarks ({'quick' if args.quick else 'full'}), commit {context['eventlens']['commit'][:12]}"
          f"{' + uncommitted src changes' if context['eventlens']['src_dirty'] else ''}, "
          f"{context['machine']['cpu_model']}, {context['machine']['cpu_usable']} usable cores")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="eventlens-bench-"))
    runner = Runner(args, tmp)
    written: dict[str, dict[str, Any]] = {}
    try:
        for bench in selected:
            bench_started_utc, bench_started = utc_now(), time.perf_counter()
            load_before = load_average()
            body = RUNNERS[bench](args, runner, sizes, slots)
            name = NAMES[bench] + ("-quick" if args.quick else "")
            data = {
                "benchmark": name,
                "command": _command(args, bench),
                "run_command": run_command,
                "cwd": str(ROOT),
                "timestamp_utc": bench_started_utc,
                "finished_utc": utc_now(),
                "benchmark_wall_s": round(time.perf_counter() - bench_started, 2),
                "load_average_1_5_15": {"before": load_before, "after": load_average()},
                "eventlens": context["eventlens"],
                "machine": context["machine"],
                "versions": context["versions"],
                "options": {
                    "quick": args.quick,
                    "repeat": args.repeat,
                    "pipeline": args.pipeline,
                    "eventlens_slots": body.pop("eventlens_slots", None)
                    or (slots if slots is not None else "all slots of the default settings"),
                    "eventlens_stages": _stages_used(body),
                    "timeout_s": args.timeout,
                },
                "units": {
                    "MB": "10^6 bytes of uncompressed input",
                    "MiB": "2^20 bytes (RSS)",
                    "seconds": "wall-clock of the timed region, after imports and warm-up",
                    "peak_rss_mib": (
                        "VmHWM (peak resident set) of the fresh process that ran the system, interpreter and imports "
                        "included; ru_maxrss is kept per run as ru_maxrss_mib but can carry the launching process's "
                        "peak across exec"
                    ),
                },
                **body,
            }
            path = args.out_dir / f"{name}.json"
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            written[name] = data
            print(f"  -> {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    finally:
        if args.keep_temp:
            print(f"temporary files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    total = time.perf_counter() - started_wall
    print()
    for line in _summary(written):
        print(line)
    print()
    loads = [d["load_average_1_5_15"]["before"] for d in written.values() if d["load_average_1_5_15"]["before"]]
    if loads:
        worst = max(load[0] for load in loads)
        print(f"load average (1 min) before the benchmarks: up to {worst:.2f} on {context['machine']['cpu_usable']} cores"
              + ("; other work was running, so wall times are noisy (CPU s is steadier)" if worst > 0.5 else ""))
    print(f"total runtime {total:.0f} s ({total / 60:.1f} min), started {started_utc}; reproduce with: {run_command}")
    failed = [(n, r["label"], r["failures"]) for n, d in written.items() for r in d["results"] if r.get("failures")]
    for name, label, count in failed:
        print(f"WARNING: {name} / {label}: {count} documents failed; its throughput is not a clean figure")
    if not args.quick and not args.only:
        if total > TARGET_FULL_RUN_S:
            print(f"NOTE: the full run took {total / 60:.1f} min, over the ~{TARGET_FULL_RUN_S // 60}-minute target on this "
                  f"machine ({context['machine']['cpu_usable']} cores); sizes were not reduced.")
        else:
            print(f"the full run took {total / 60:.1f} min, within the ~{TARGET_FULL_RUN_S // 60}-minute target")
    errors = [(n, r["label"], r["error"]) for n, d in written.items() for r in d["results"] if "error" in r]
    for name, label, error in errors:
        print(f"ERROR: {name} / {label}: no figure ({error})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
