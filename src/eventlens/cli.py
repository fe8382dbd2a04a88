"""The command line: parses, calls the API, prints, sets the exit code; no logic of its own.

Exit codes: 0 all inputs processed, 1 some inputs failed (the rest were processed) or nothing could be
processed, 2 usage or configuration error. Files of an unsupported type met in a folder are named and
counted as skipped, but fail nothing.

Importing this module loads typer and rich only: each command imports what it needs when it runs,
so ``--help``, ``config show``, ``stages`` and ``docs`` never load spaCy, the gazetteer or trafilatura.
"""

from __future__ import annotations

import json
from dataclasses import asdict
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import ConfigError, EventlensError, StoreError

if TYPE_CHECKING:
    from .api import RunProgress
    from .model import RunResult
    from .settings import Settings

#: Where ``eventlens run`` puts its store by default (``--out out``), and where ``ingest`` and ``docs`` look.
DEFAULT_DB = Path("out") / "eventlens.sqlite"

app = typer.Typer(
    help="eventlens: turn piles of news reports into de-duplicated incident records with evidence.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
eval_app = typer.Typer(help="Score a capability on the gold data in ../shared/eval, beside its baseline.", no_args_is_help=True)
config_app = typer.Typer(help="Show the resolved settings.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(config_app, name="config")

console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="A TOML settings file (partial is fine).")]
SetOpt = Annotated[
    Optional[list[str]], typer.Option("--set", "-s", help="Override one setting: section.key=value (repeatable).")
]
VerboseOpt = Annotated[int, typer.Option("--verbose", "-v", count=True, help="-v for INFO, -vv for DEBUG logs.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks for expected errors.")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Stop at the first stage error instead of recording it.")]


def _error(message: str) -> None:
    """Print a one-line error; the message is plain text (file names may hold [brackets])."""
    err_console.print(f"error: {message}", style="red", markup=False, highlight=False, soft_wrap=True)


def _setup_logging(verbose: int, quiet: bool) -> None:
    from rich.logging import RichHandler

    level = logging.ERROR if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    logging.basicConfig(level=level, handlers=[RichHandler(console=err_console, show_path=False)], format="%(message)s", force=True)


def _settings(config: Path | None, sets: list[str] | None, strict: bool = False) -> Settings:
    from .settings import load_settings

    try:
        settings = load_settings(config, sets or [])
        if strict:
            settings = settings.merged({"pipeline": {"strict": True}})
        return settings
    except ConfigError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None


def _with_progress(quiet: bool, paths: list[Path], settings: Settings, call):  # type: ignore[no-untyped-def]
    """Run ``call(progress_callback)`` under a rich progress display (none when quiet or not a terminal).

    The inputs are counted first, so the bar has its total; it then moves with every document through
    every stage, and its label names the stage running.
    """
    if quiet or not err_console.is_terminal:
        return call(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .io.readers import count_inputs

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("inputs"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("counting inputs", total=None)
        total = count_inputs(paths, settings.ingest)
        bar.update(task, total=total, description="loading")

        def show(step: RunProgress) -> None:
            bar.update(task, completed=step.done, total=max(total, int(step.done + 0.999)), description=step.stage)

        return call(show)


def _print_summary(result: RunResult, quiet: bool) -> None:
    from .writers.dossier import count_label

    for failure in result.failures:
        err_console.print(f"skipped: {failure.message}", style="yellow", markup=False, highlight=False, soft_wrap=True)
    if not result.counts.get("processed"):
        reasons = Counter(failure.reason for failure in result.failures)
        why = ", ".join(f"{reason} ×{n}" for reason, n in sorted(reasons.items())) or "no inputs found"
        _error(f"nothing could be processed ({why})")
    if quiet:
        return
    table = Table(title="eventlens run", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in result.counts.items():
        table.add_row(count_label(key), str(value))
    console.print(table)
    for key, value in result.counts.items():
        if key.startswith("not_analysed:"):
            console.print(f"{count_label(key)} ×{value} (stored; the English stages did not run)", highlight=False)
    if "incidents" in result.counts:
        counts = result.counts
        console.print(
            f"{counts['reports_in_incidents']} reports and {counts['copies_in_incidents']} copies of them "
            f"-> {counts['incidents']} incidents ({counts['new_incidents']} new, {counts['updated_incidents']} updated); "
            f"{counts['reports_without_incident']} analysed reports tell no incident of their own",
            highlight=False,
        )
    for name, path in result.outputs.items():
        console.print(f"{name}: {path}", highlight=False)


def _finish(call, *, paths: list[Path], settings: Settings, quiet: bool, debug: bool) -> None:  # type: ignore[no-untyped-def]
    try:
        result = _with_progress(quiet, paths, settings, call)
    except (ConfigError,) as exc:
        if debug:
            raise
        _error(str(exc))
        raise typer.Exit(2) from None
    except EventlensError as exc:
        if debug:
            raise
        _error(str(exc))
        raise typer.Exit(1) from None
    _print_summary(result, quiet)
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of reports (txt, html, jsonl, rss/atom, .gz).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")] = Path("out"),
    db: Annotated[Optional[str], typer.Option(help="Database URL or SQLite path (default: OUT/eventlens.sqlite).")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
    engine: Annotated[str, typer.Option(help="Where the work runs: local (this machine) or ray (a Ray cluster).")] = "local",
    address: Annotated[
        Optional[str], typer.Option(help="Ray cluster address (with --engine ray; default: start a local one).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Carry on a run of the same inputs, settings and store that was killed midway.")
    ] = False,
) -> None:
    """Ingest reports, run every stage, store them and write documents.jsonl, dossier.md and run.json."""
    from . import api

    _setup_logging(verbose, quiet)
    settings = _settings(config, set_, strict)
    if engine not in ("local", "ray"):
        _error(f"--engine {engine}: unknown engine; valid: local, ray")
        raise typer.Exit(2)
    _finish(
        lambda progress: api.run(
            paths, out=out, db=db, settings=settings, progress=progress, engine=engine, address=address, resume=resume
        ),
        paths=paths, settings=settings, quiet=quiet, debug=debug,
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of reports.")],
    db: Annotated[str, typer.Option(help="Database URL or SQLite path (the store `eventlens run` writes by default).")] = str(
        DEFAULT_DB
    ),
    config: ConfigOpt = None,
    set_: SetOpt = None,
    strict: StrictOpt = False,
    verbose: VerboseOpt = 0,
    quiet: QuietOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Read, clean and store reports in the database, without writing output files."""
    from . import api

    _setup_logging(verbose, quiet)
    settings = _settings(config, set_, strict)
    _finish(
        lambda progress: api.ingest(paths, db=db, settings=settings, progress=progress),
        paths=paths, settings=settings, quiet=quiet, debug=debug,
    )


@app.command()
def docs(
    db: Annotated[
        str, typer.Option(help="Database URL or SQLite path (default: the store `eventlens run` writes, out/eventlens.sqlite).")
    ] = str(DEFAULT_DB),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
) -> None:
    """List the stored documents with their status, and the recorded failures."""
    from .store import Store

    if "://" not in db and not Path(db).exists():
        hint = " (`eventlens run` writes it there by default; pass --db for another store)" if db == str(DEFAULT_DB) else ""
        _error(f"{db}: no such database{hint}")
        raise typer.Exit(2)
    try:
        with Store(db) as store:
            rows, failures = store.list_documents(), store.list_failures()
    except StoreError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        for failure in failures:
            sys.stdout.write(json.dumps({"status": "failed", **failure.model_dump()}, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} documents, {len(failures)} failures")
    for column in ("doc_id", "status", "published", "lang", "outlet", "title / reason", "path"):
        table.add_column(column, overflow="fold")
    for row in rows:
        status = row["status"] + (f" of {row['copy_of']}" if row["copy_of"] else "")
        if row.get("analysis"):
            status += f" ({row['analysis']})"
        table.add_row(
            row["doc_id"], status, row["published"] or "", row["language"] or "", row["outlet"] or "",
            (row["title"] or "")[:60], row["path"],
        )
    for failure in failures:
        status = "skipped" if failure.reason == "unsupported" else "failed"
        table.add_row(failure.doc_id or "", status, "", "", "", failure.reason, failure.path)
    console.print(table)


@app.command()
def serve(
    db: Annotated[str, typer.Option(help="Database URL or SQLite path (default: out/eventlens.sqlite).")] = str(DEFAULT_DB),
    host: Annotated[str, typer.Option(help="Address to bind; the default serves this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    get: Annotated[Optional[str], typer.Option("--get", help="Print the response to one GET of this path and exit (no server).")] = None,
) -> None:
    """Serve the web UI and HTTP API over the store; writes need the token in EVENTLENS_TOKEN (none set: writes refused)."""
    import os

    if "://" not in db and not Path(db).exists():
        _error(f"{db}: no such database (`eventlens run` writes out/eventlens.sqlite; pass --db for another store)")
        raise typer.Exit(2)
    from .web import create_app

    try:
        web_app = create_app(db, token=os.environ.get("EVENTLENS_TOKEN") or None)
    except StoreError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    if get is not None:
        from fastapi.testclient import TestClient

        response = TestClient(web_app, raise_server_exceptions=False).get(get)
        sys.stdout.write(response.text + ("\n" if not response.text.endswith("\n") else ""))
        raise typer.Exit(0 if response.status_code < 400 else 1)
    import uvicorn

    uvicorn.run(web_app, host=host, port=port, log_level="info")


@app.command()
def schema(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the JSON Schema files.")] = Path("schema"),
) -> None:
    """Write the JSON Schema of the published outputs."""
    from .writers import write_events_schema, write_schema

    console.print(str(write_schema(out)), highlight=False)
    console.print(str(write_events_schema(out)), highlight=False)


@app.command()
def stages() -> None:
    """List the registered stages with the slot they fill and what they read and write."""
    from .registry import registered_stages

    table = Table(title="registered stages")
    for column in ("name", "slot", "requires", "assigns"):
        table.add_column(column)
    for name, spec in registered_stages().items():
        table.add_row(name, spec.slot, ", ".join(spec.requires), ", ".join(spec.assigns))
    console.print(table)


@config_app.command("show")
def config_show(
    config: ConfigOpt = None,
    set_: SetOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the values as JSON (no descriptions), for programs.")] = False,
) -> None:
    """Print the resolved settings as commented TOML: every key under its description (a valid --config file)."""
    from .settings import settings_toml

    settings = _settings(config, set_)
    if as_json:
        sys.stdout.write(json.dumps(settings.model_dump(mode="json"), indent=2) + "\n")
        return
    sys.stdout.write(settings_toml(settings))


@eval_app.command("extraction")
def eval_extraction(
    data: Annotated[Optional[Path], typer.Option(help="The extraction gold folder (default: ../shared/eval/extraction).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
) -> None:
    """Score body extraction (shingle P/R/F1, exact accuracy) against trafilatura's defaults."""
    from .eval.common import default_eval_dir
    from .eval.extraction import evaluate_extraction

    folder = data or default_eval_dir() / "extraction"
    if not (folder / "ground-truth.json").is_file():
        _error(f"{folder}: no ground-truth.json (pass --data)")
        raise typer.Exit(2)
    results = evaluate_extraction(folder)
    table = Table(title=f"body extraction on {folder}")
    for column in ("system", "split", "pages", "precision", "recall", "F1", "exact acc."):
        table.add_column(column, justify="right")
    for system, by_split in results.items():
        for split, score in by_split.items():
            table.add_row(
                system, split, str(score.pages), f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.4f}", f"{score.accuracy:.4f}"
            )
    console.print(table)
    if json_out is not None:
        payload = {system: {split: asdict(score) for split, score in by_split.items()} for system, by_split in results.items()}
        json_out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")


@eval_app.command("geoparse")
def eval_geoparse(
    data: Annotated[Optional[Path], typer.Option(help="The geoparsing gold folder (default: ../shared/eval/geoparsing).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Score toponym spotting and resolution on GeoWebNews beside spaCy spans and largest-population matching."""
    from .eval.common import default_eval_dir
    from .eval.geoparse import evaluate_geoparse

    folder = data or default_eval_dir() / "geoparsing"
    if not (folder / "gwn.jsonl.gz").is_file():
        _error(f"{folder}: no gwn.jsonl.gz (pass --data)")
        raise typer.Exit(2)
    results = evaluate_geoparse(folder, _settings(config, set_))
    tagging = Table(title="geotagging (exact spans)")
    for column in ("split/group", "system", "P", "R", "F1", "gold", "predicted"):
        tagging.add_column(column, justify="right")
    for key, systems in results["geotagging"].items():
        for system, s in systems.items():
            tagging.add_row(key, system, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["gold"]), str(s["predicted"]))
    console.print(tagging)
    coding = Table(title="geocoding")
    for column in ("split/group", "system", "Acc@161", "AUC", "mean km", "median km", "GeoNames acc", "N"):
        coding.add_column(column, justify="right")
    for key, systems in results["geocoding"].items():
        for system, s in systems.items():
            ids = "-" if s["geonames_acc"] is None else f"{s['geonames_acc']:.3f}"
            coding.add_row(key, system, f"{s['acc161']:.3f}", f"{s['auc']:.3f}", f"{s['mean_km']:.0f}", f"{s['median_km']:.1f}", ids, str(s["n"]))
    console.print(coding)
    precision = Table(title="end to end: our resolved toponyms within 161 km of a gold toponym they overlap")
    for column in ("split", "precision@161", "correct", "predicted"):
        precision.add_column(column, justify="right")
    for split, s in results["end_to_end_precision"].items():
        precision.add_row(split, f"{s['precision']:.3f}", str(s["correct"]), str(s["predicted"]))
    console.print(precision)
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


@eval_app.command("times")
def eval_times(
    data: Annotated[Optional[Path], typer.Option(help="The incidents gold folder (default: ../shared/eval/incidents).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
) -> None:
    """Score event dates from the time stage against the incident dates, beside the publication-day and dateparser baselines."""
    from .eval.common import default_eval_dir
    from .eval.times import evaluate_times

    folder = data or default_eval_dir() / "incidents"
    if not (folder / "docs.jsonl.gz").is_file() or not (folder / "incidents.jsonl").is_file():
        _error(f"{folder}: no docs.jsonl.gz and incidents.jsonl (pass --data)")
        raise typer.Exit(2)
    results = evaluate_times(folder)
    counts, scores = results["counts"], results["scores"]
    table = Table(title=f"event dates on {folder} ({counts['documents']} documents)")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("includes gold date (temporal.rules.v1)", f"{scores['includes']:.4f}")
    table.add_row("baseline: incident on the publication day", f"{scores['baseline_publication_day']:.4f}")
    table.add_row("baseline: dateparser search_dates includes gold date", f"{scores['baseline_dateparser']:.4f}")
    for split in ("dev", "test"):
        part = results["splits"][split]
        table.add_row(
            f"  {split} ({part['documents']} docs): includes / publication day / dateparser",
            f"{part['includes']:.4f} / {part['baseline_publication_day']:.4f} / {part['baseline_dateparser']:.4f}",
        )
    table.add_row("first day-level time is gold", f"{scores['first']:.4f}")
    table.add_row("earlier of the first two is gold", f"{scores['lead']:.4f}")
    table.add_row("documents with a day-level time", str(counts["with_day_time"]))
    table.add_row("times found / resolved", f"{counts['times']} / {counts['resolved']}")
    table.add_row("after publication: year stated", str(counts["after_publication_stated"]))
    table.add_row("after publication: future in the text", str(counts["after_publication_future"]))
    table.add_row("after publication: other", str(counts["after_publication_other"]))
    table.add_row("documents failed before the stage", str(counts["failed"]))
    table.add_row("stage speed (docs/s)", f"{results['docs_per_second']:.0f}")
    table.add_row("dateparser speed (docs/s)", f"{results['dateparser_docs_per_second']:.0f}")
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


@eval_app.command("quotes")
def eval_quotes(
    data: Annotated[Optional[Path], typer.Option(help="The shared eval folder (default: ../shared/eval).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
) -> None:
    """Score quotes and statements (speaker, stance, found) against the gold quotes, beside textacy's direct quotations."""
    from .eval.common import default_eval_dir
    from .eval.quotes import evaluate_quotes

    folder = data or default_eval_dir()
    if not (folder / "multisource" / "docs").is_dir() or not (folder / "incidents" / "docs.jsonl.gz").is_file():
        _error(f"{folder}: no multisource/docs and incidents/docs.jsonl.gz (pass --data)")
        raise typer.Exit(2)
    results = evaluate_quotes(folder)
    columns = ("recall", "recall_direct", "recall_reported", "precision", "speaker_accuracy", "speaker_accuracy_found",
               "stance_accuracy", "stance_accuracy_found")
    table = Table(title=f"quotes on {results['gold_quotes']} gold quotes in {results['documents']} documents")
    table.add_column("split / system")
    for column in columns:
        table.add_column(column.replace("_", " "), justify="right")
    for split, systems in results["splits"].items():
        for name, scores in systems.items():
            table.add_row(
                f"{split} ({scores['counts']['gold']}) {name}",
                *("-" if scores[c] is None else f"{scores[c]:.3f}" for c in columns),
            )
    console.print(table)
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


@eval_app.command("casualties")
def eval_casualties(
    data: Annotated[Optional[Path], typer.Option(help="The incidents gold folder (default: ../shared/eval/incidents).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Score killed and injured per incident (fused by the largest claim) beside the first-number regex baseline."""
    from .eval.casualties import evaluate_casualties
    from .eval.common import default_eval_dir

    folder = data or default_eval_dir() / "incidents"
    if not (folder / "docs.jsonl.gz").is_file() or not (folder / "incidents.jsonl").is_file():
        _error(f"{folder}: no docs.jsonl.gz and incidents.jsonl (pass --data)")
        raise typer.Exit(2)
    results = evaluate_casualties(folder, _settings(config, set_))
    table = Table(title=f"killed / injured on {folder} ({results['documents']} documents)")
    for column in ("figure", "system", "scope", "exact", "within 1", "strict (null wrong)", "N"):
        table.add_column(column, justify="right")
    for figure in ("killed", "injured"):
        for system in ("ours", "baseline"):
            scores = results[system][figure]
            for scope, score in (*((f"incidents {k}", v) for k, v in scores["incidents"].items()), ("documents", scores["documents"])):
                table.add_row(
                    figure, "eventlens" if system == "ours" else "first-number regex", scope,
                    f"{score['exact']:.3f}", f"{score['within1']:.3f}", f"{score['strict']:.3f}", str(score["n"]),
                )  # fmt: skip
    console.print(table)
    console.print(f"documents failed before the stages: {results['failed']}; pipeline speed {results['docs_per_second']} docs/s")
    if json_out is not None:
        json_out.write_text(json.dumps({k: v for k, v in results.items() if k != "per_document"}, indent=2) + "\n", encoding="utf-8")


@eval_app.command("cluster")
def eval_cluster(
    data: Annotated[Optional[Path], typer.Option(help="The ECB+ gold folder (default: ../shared/eval/clustering).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Score same-event clustering on ECB+ dev and test (global and within topic) beside three baselines."""
    from .eval.cluster import SYSTEMS, evaluate_cluster
    from .eval.common import default_eval_dir

    folder = data or default_eval_dir() / "clustering"
    if not (folder / "ecbplus.jsonl.gz").is_file():
        _error(f"{folder}: no ecbplus.jsonl.gz (pass --data)")
        raise typer.Exit(2)
    try:
        results = evaluate_cluster(folder, _settings(config, set_))
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    tuned = results["tuned"]
    labels = {
        "tfidf average link": f"TF-IDF avg link @{tuned['tfidf_threshold']}",
        "tfidf + entities average link": f"TF-IDF + {tuned['entity_weight']} entities @{tuned['mixed_threshold']}",
    }
    table = Table(title=f"same-event clustering on {folder} ({results['documents']} documents; dev = topics 1-35, test = 36-45)")
    for column in ("split", "scope", "system", "clusters", "B3 P", "B3 R", "B3 F1", "pair P", "pair R", "pair F1", "hard neg. merged"):
        table.add_column(column, justify="right")
    for split, split_scores in results["splits"].items():
        for scope in ("global", "within_topic"):
            for system in SYSTEMS:
                s = split_scores[scope][system]
                b3, pair = s["bcubed"], s["pairwise"]
                table.add_row(
                    f"{split} ({split_scores['documents']} docs, {split_scores['clusters']} clusters)", scope.replace("_", " "),
                    labels.get(system, system), str(s["clusters"]),
                    f"{b3['precision']:.3f}", f"{b3['recall']:.3f}", f"{b3['f1']:.3f}",
                    f"{pair['precision']:.3f}", f"{pair['recall']:.3f}", f"{pair['f1']:.3f}",
                    f"{s['hard_negatives_merged']}/{split_scores['hard_negative_pairs']} ({s['hard_negative_share']:.1%})",
                )  # fmt: skip
    console.print(table)
    console.print("hard negatives: document pairs of one topic and different subtopics (same kind of event, another instance)")
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


@eval_app.command("incidents")
def eval_incidents(
    data: Annotated[Optional[Path], typer.Option(help="The incidents gold folder (default: ../shared/eval/incidents).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores (and each gold incident's) to this JSON file.")] = None,
    config: ConfigOpt = None,
    set_: SetOpt = None,
) -> None:
    """Run the whole pipeline on reports grouped by incident; score the incidents it makes, beside the baselines."""
    from .eval.common import default_eval_dir
    from .eval.incidents import evaluate_incidents

    folder = data or default_eval_dir() / "incidents"
    if not (folder / "docs.jsonl.gz").is_file() or not (folder / "incidents.jsonl").is_file():
        _error(f"{folder}: no docs.jsonl.gz and incidents.jsonl (pass --data)")
        raise typer.Exit(2)
    try:
        results = evaluate_incidents(folder, _settings(config, set_))
    except ValueError as exc:
        _error(str(exc))
        raise typer.Exit(2) from None
    clusters = Table(
        title=f"incidents on {folder}: {results['documents']} reports, {results['gold_incidents']} gold incidents, "
        f"{results['predicted_incidents']} predicted"
    )
    for column in ("system", "clusters", "B3 P", "B3 R", "B3 F1", "pair P", "pair R", "pair F1", "2-4 whole", "2-4 B3 R",
                   "hard neg. merged"):  # fmt: skip
        clusters.add_column(column, justify="right")
    names = {"eventlens": "eventlens", "one_per_document": "one per report", "tfidf_average_link": f"TF-IDF avg link @{results['tfidf_threshold']}"}
    for system, s in results["clustering"].items():
        b3, pair, small, hard = s["bcubed"], s["pairwise"], s["small"], s["hard_negatives"]
        clusters.add_row(
            names[system], str(s["clusters"]), f"{b3['precision']:.3f}", f"{b3['recall']:.3f}", f"{b3['f1']:.3f}",
            f"{pair['precision']:.3f}", f"{pair['recall']:.3f}", f"{pair['f1']:.3f}",
            f"{small['whole']}/{small['incidents']} ({small['whole_share']:.3f})", f"{small['bcubed_recall']:.3f}",
            f"{hard['merged_pairs']}/{hard['candidate_pairs']} ({len(hard['merged_incident_pairs'])}/{hard['candidate_incident_pairs']} inc.)",
        )  # fmt: skip
    console.print(clusters)
    ours, base = results["incidents"]["scores"], results["incidents"]["baseline"]
    fields = Table(title="per gold incident: the predicted incident holding most of its reports")
    for column in ("field", "eventlens", "baseline", "N"):
        fields.add_column(column, justify="right")
    for figure in ("killed", "injured"):
        for key, label in (("exact", "exact (null = 0)"), ("strict", "exact (null wrong)"), ("within1", "within +-1")):
            fields.add_row(f"{figure} {label}", f"{ours[figure][key]:.3f}", f"{base[figure][key]:.3f}", str(ours[figure]["n"]))
    fields.add_row("date exact", f"{ours['date']['share']:.3f}", f"{base['date']['share']:.3f}", str(ours["date"]["n"]))
    fields.add_row("date within 1 day", f"{ours['date_within1']['share']:.3f}", f"{base['date_within1']['share']:.3f}", str(ours["date"]["n"]))
    location = ours["location"]
    fields.add_row(f"location within {results['location_km']:.0f} km", f"{location['share']:.3f}", "-", str(location["n"]))
    fields.add_row("  median km / no point", f"{location['median_km'] if location['median_km'] is not None else '-'} / {location['without_point']}", "-", "")
    fields.add_row("city", f"{ours['city']['share']:.3f}", "-", str(ours["city"]["n"]))
    fields.add_row("gold incidents with no predicted incident", str(ours["no_predicted_incident"]), "-", "")
    console.print(fields)
    console.print("baselines: killed/injured = first-number regex fused by the maximum over the gold grouping; date = earliest publication day")
    floors = Table(title="floors (issue acceptance 3)")
    for column in ("figure", "value", "floor", "goal", "floor held"):
        floors.add_column(column, justify="right")
    for row in results["floors"]:
        bound = "<=" if row["most"] else ">="
        value = str(row["value"]) if row["most"] else f"{row['value']:.3f}"
        floors.add_row(row["figure"], value, f"{bound} {row['floor']}", f"{bound} {row['goal']}", "pass" if row["passes"] else "FAIL")
    console.print(floors)
    console.print(
        f"{results['documents_without_incident']} reports in no incident; whole run {results['seconds']} s "
        f"(hard negatives: reports of different gold incidents, same city and state, gold dates <= {results['hard_negative_days']} days apart)"
    )
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


@eval_app.command("events")
def eval_events(
    data: Annotated[Optional[Path], typer.Option(help="The event-typing gold folder (default: ../shared/eval/events).")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the scores to this JSON file.")] = None,
) -> None:
    """Score PLOVER event types from the sentence classifier, beside the majority-class and TF-IDF baselines."""
    from .eval.common import default_eval_dir
    from .eval.events import evaluate_events

    folder = data or default_eval_dir() / "events"
    if not (folder / "plover_gsr.jsonl").is_file():
        _error(f"{folder}: no plover_gsr.jsonl (pass --data)")
        raise typer.Exit(2)
    results = evaluate_events(folder)
    table = Table(title=f"PLOVER event types on {folder} ({results['records']} records)")
    for column in ("split", "system", "accuracy", "macro-F1", "micro-F1", "acc FIGHT=ASSAULT", "N"):
        table.add_column(column, justify="right")
    for split in ("dev", "test"):
        for system, s in results["splits"][split].items():
            table.add_row(
                split, system, f"{s['accuracy']:.3f}", f"{s['macro_f1']:.3f}", f"{s['micro_f1']:.3f}",
                f"{s['accuracy_fight_as_assault']:.3f}", str(s["records"]),
            )  # fmt: skip
    console.print(table)
    per_type = Table(title="per-type F1 (eventlens / tfidf_logreg)")
    per_type.add_column("type")
    for split in ("dev", "test"):
        per_type.add_column(split, justify="right")
    for label in results["splits"]["all"]["eventlens"]["per_type"]:
        per_type.add_row(
            label,
            *(
                f"{results['splits'][split]['eventlens']['per_type'][label]:.2f} / "
                f"{results['splits'][split]['tfidf_logreg']['per_type'][label]:.2f}"
                for split in ("dev", "test")
            ),
        )
    console.print(per_type)
    if "actors" in results:
        actors = Table(title="actor codes (eventlens), micro over records")
        for column in ("split", "role", "precision", "recall", "F1"):
            actors.add_column(column, justify="right")
        for split in ("dev", "test"):
            for role in ("source", "target"):
                s = results["actors"][split][role]
                actors.add_row(split, role, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}")
        console.print(actors)
    if json_out is not None:
        json_out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    """Entry point of the ``eventlens`` command."""
    app()


if __name__ == "__main__":
    main()
