"""Where the time of the per-document pipeline goes, per stage and per function (issue 12, acceptance 6).

    .venv/bin/python benchmarks/profile_stages.py              # 500 real reports, about 2 minutes on 2 cores
    .venv/bin/python benchmarks/profile_stages.py --docs 200

The reports are the batch of the ``stages``/``pipeline`` benchmarks (ECB+ topped up with the incidents
documents, read in place from ../shared/eval by eventlens' own reader). Every per-document slot of the
default ``pipeline.stages`` runs in this one process over them (``Pipeline.pipe``, n_process=1), twice:

1. untimed warm-up on two documents, then a plain pass: each stage's wall time (ms per document), from the
   pipeline's ``on_step`` progress callback (a batched stage, spaCy, then sees its batch in chunks of 8);
2. the same pass under cProfile: per function of the event stages (``stages/events.py``,
   ``stages/casualties.py``, ``stages/quotes.py``, ``eventtypes.py``) and overall, own time and cumulative
   time in ms per document. cProfile slows pure-Python code down (often 1.5-2x), so read its figures
   as shares, and the per-stage figures of pass 1 as the times.

Writes ``benchmarks/results/profile_stages.json`` (the machine and the command with it).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shlex
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from machine import git_info, library_versions, load_average, machine_info, utc_now  # noqa: E402
from stages import _sources, src_fingerprint  # noqa: E402

FOCUS = ("stages/events.py", "stages/casualties.py", "stages/quotes.py", "eventtypes.py")


def _read_reports(eval_dir: Path, count: int) -> list[Any]:
    from eventlens.io.readers import read_paths
    from eventlens.model import Document
    from eventlens.settings import Settings

    docs: list[Any] = []
    for path in _sources(eval_dir):
        for item in read_paths([path], Settings().ingest):
            if isinstance(item, Document):
                docs.append(item)
                if len(docs) >= count:
                    return docs
    return docs


def _pipeline() -> Any:
    from eventlens.pipeline import Pipeline
    from eventlens.registry import get_stage
    from eventlens.settings import Settings

    defaults = Settings()
    chosen = {slot: name for slot, name in defaults.pipeline.stages.items() if get_stage(name).kind == "doc"}
    return Pipeline(defaults.merged({"pipeline": {"stages": chosen, "n_process": 1}}))


def _timed_pass(pipeline: Any, docs: list[Any]) -> tuple[float, dict[str, float], list[Any]]:
    per_stage: dict[str, float] = {}
    state: dict[str, Any] = {"stage": None, "since": time.perf_counter()}

    def on_step(name: str, _count: int) -> None:
        now = time.perf_counter()
        if state["stage"] is not None:
            per_stage[state["stage"]] = per_stage.get(state["stage"], 0.0) + now - state["since"]
        state["stage"], state["since"] = name, now

    out: list[Any] = []
    started = time.perf_counter()
    for batch in pipeline.pipe(docs, on_step=on_step):
        on_step_end = time.perf_counter()
        if state["stage"] is not None:
            per_stage[state["stage"]] = per_stage.get(state["stage"], 0.0) + on_step_end - state["since"]
        state["stage"] = None
        out += batch
    return time.perf_counter() - started, per_stage, out


def _functions(stats: pstats.Stats, docs: int, focus: tuple[str, ...] | None, top: int) -> list[dict[str, Any]]:
    rows = []
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = filename.replace("\\", "/")
        if focus is not None and not any(short.endswith("eventlens/" + f) for f in focus):
            continue
        if "/site-packages/" in short:
            short = short.split("/site-packages/", 1)[1]
        elif "/src/" in short:
            short = short.split("/src/", 1)[1]
        rows.append(
            {
                "function": f"{short}:{line}({name})",
                "calls": calls,
                "calls_per_doc": round(calls / docs, 2),
                "own_ms_per_doc": round(1000 * tottime / docs, 3),
                "cum_ms_per_doc": round(1000 * cumtime / docs, 3),
            }
        )
    return sorted(rows, key=lambda r: -r["own_ms_per_doc"])[:top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=500, help="real reports to profile (default 500)")
    parser.add_argument("--top", type=int, default=25, help="functions listed per table")
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "profile_stages.json")
    args = parser.parse_args(argv)
    from eventlens.model import Document

    fingerprint = src_fingerprint()
    load_before = load_average()
    docs = _read_reports(args.eval_dir.resolve(), args.docs)
    pipeline = _pipeline()
    pipeline.process_batch(docs[:2])  # warm-up: models, gazetteer, lazy imports
    wall, per_stage, out = _timed_pass(pipeline, docs)
    cleaned = [d for d in out if isinstance(d, Document)]
    words = sum(len(d.text.split()) for d in cleaned)
    profiler = cProfile.Profile()
    profiler.enable()
    profiled_wall, profiled_stage, _ = _timed_pass(pipeline, docs)
    profiler.disable()
    stats = pstats.Stats(profiler)
    n = len(docs)
    stages = [
        {
            "stage": spec.name,
            "ms_per_doc": round(1000 * per_stage.get(spec.name, 0.0) / n, 2),
            "share": round(per_stage.get(spec.name, 0.0) / wall, 3),
            "ms_per_doc_under_cprofile": round(1000 * profiled_stage.get(spec.name, 0.0) / n, 2),
        }
        for spec in pipeline.doc_stages
    ]
    data = {
        "benchmark": "profile_stages",
        "command": " ".join([".venv/bin/python", "benchmarks/profile_stages.py", *map(shlex.quote, sys.argv[1:] if argv is None else argv)]),
        "timestamp_utc": utc_now(),
        "load_average_1_5_15": {"before": load_before, "after": load_average()},
        "eventlens": git_info(ROOT),
        "machine": machine_info(),
        "versions": library_versions(),
        "src_changed_during_run": fingerprint != src_fingerprint(),
        "input": {
            "documents": n,
            "words_cleaned": words,
            "mean_words_per_doc": round(words / max(len(cleaned), 1), 1),
            "analysed_english": sum(d.analysis is None for d in cleaned),
            "failures": n - len(cleaned),
            "sources": [str(p) for p in _sources(args.eval_dir.resolve())],
        },
        "wall_s": round(wall, 3),
        "docs_per_s": round(n / wall, 2),
        "words_per_s": round(words / wall, 1),
        "ms_per_doc": round(1000 * wall / n, 2),
        "profiled_wall_s": round(profiled_wall, 3),
        "stages": stages,
        "event_stage_functions": _functions(stats, n, FOCUS, args.top),
        "all_functions": _functions(stats, n, None, args.top),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"{n} reports ({words / max(len(cleaned), 1):.0f} words on average), one process: {n / wall:.1f} docs/s, "
          f"{words / wall:,.0f} words/s, {1000 * wall / n:.1f} ms/doc (load before {load_before})")
    print(f"{'stage':<24} {'ms/doc':>8} {'share':>6} {'ms/doc (cProfile)':>18}")
    for row in stages:
        print(f"{row['stage']:<24} {row['ms_per_doc']:>8.2f} {row['share']:>6.1%} {row['ms_per_doc_under_cprofile']:>18.2f}")
    for title, rows in (("event stages (own time)", data["event_stage_functions"]), ("all (own time)", data["all_functions"])):
        print(f"\n{title}: {'own ms/doc':>10} {'cum ms/doc':>10} {'calls/doc':>9}")
        for row in rows:
            print(f"  {row['own_ms_per_doc']:>10.3f} {row['cum_ms_per_doc']:>10.3f} {row['calls_per_doc']:>9.1f}  {row['function']}")
    print(f"\n-> {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
