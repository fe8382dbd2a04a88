"""Every input accounted for (issue 16): files of unsupported types are named, a run that processed nothing
says so, one path is one path, a run over part of the reports leaves the store as it was, and ``docs``
finds the store ``run`` wrote."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import eventlens
from eventlens.cli import app
from eventlens.io.readers import count_inputs, read_paths
from eventlens.settings import Settings
from eventlens.store import Store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "kosovo-2023"
GOOD = (
    "The harbour authority closed the port for two days after a storm damaged the main pier, "
    "officials said on Monday.\n\nFerries were diverted to the northern terminal."
)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
DOCX = b"PK\x03\x04\x14\x00\x06\x00word/document.xml"
#: Only the cheap stages, for tests about inputs rather than what the stages find.
LIGHT = Settings().merged({"pipeline": {"stages": {"clean": "clean.rules.v1", "metadata": "metadata.rules.v1"}}})


def _unsupported_folder(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "photo.png": PNG,
        "report.docx": DOCX,
        "scan.pdf": b"%PDF-1.7\n",
        "README": GOOD.encode("utf-8"),  # no extension: not walked, even though it is text
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return sorted(folder / name for name in files)


@pytest.mark.issue(16)
def test_a_folder_of_unsupported_files_says_nothing_was_processed_and_exits_1(tmp_path: Path) -> None:
    """Today a folder holding a .png and a .docx exits 0 and names neither."""
    folder = tmp_path / "in"
    files = _unsupported_folder(folder)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(out)])
    assert result.exit_code == 1, result.output
    skipped = sorted(line for line in result.output.splitlines() if line.startswith("skipped:"))
    assert len(skipped) == len(files)
    for path, line in zip(files, skipped):
        assert line.startswith(f"skipped: {path}: unsupported type (")
        assert line.endswith("skipped (reason: unsupported)")
    assert "(.png, not in ingest.extensions)" in result.output and "(no extension, not in" in result.output
    assert "error: nothing could be processed (unsupported ×4)" in result.output
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["ok"] is False
    assert run["counts"]["processed"] == 0 and run["counts"]["skipped:unsupported"] == 4
    assert sorted(f["path"] for f in run["failures"]) == [str(p) for p in files]
    assert {f["reason"] for f in run["failures"]} == {"unsupported"}
    with Store(out / "eventlens.sqlite") as store:
        assert sorted((f.path, f.reason) for f in store.list_failures()) == [(str(p), "unsupported") for p in files]
    assert "unsupported" in (out / "dossier.md").read_text(encoding="utf-8")


@pytest.mark.issue(16)
def test_an_unsupported_file_beside_reports_is_named_and_skipped_but_fails_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "photo.png").write_bytes(PNG)
    result = CliRunner().invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "s.sqlite"), "--set", "pipeline.stages={}"])
    assert result.exit_code == 0, result.output
    assert f"skipped: {folder / 'photo.png'}: unsupported type (.png, not in ingest.extensions); skipped (reason: unsupported)" in (
        result.output.splitlines()
    )
    assert "nothing could be processed" not in result.output
    outcome = eventlens.ingest(folder, db=tmp_path / "s.sqlite", settings=LIGHT)
    assert outcome.ok
    assert (outcome.counts["processed"], outcome.counts["failed"], outcome.counts["skipped:unsupported"]) == (1, 0, 1)


@pytest.mark.issue(16)
def test_an_empty_folder_says_nothing_was_processed(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "empty"), "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1, result.output
    assert "error: nothing could be processed (no inputs found)" in result.output


@pytest.mark.issue(16)
def test_a_folder_the_settings_extend_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "notes.md").write_text(GOOD, encoding="utf-8")
    assert [f.reason for f in eventlens.ingest(folder, db=tmp_path / "a.sqlite", settings=LIGHT).failures] == ["unsupported"]
    wider = LIGHT.merged({"ingest": {"extensions": [".md"]}})
    assert eventlens.ingest(folder, db=tmp_path / "b.sqlite", settings=wider).counts["processed"] == 1


@pytest.mark.issue(16)
@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "Path"])
def test_one_path_is_one_path(tmp_path: Path, as_path) -> None:
    """``run("folder")`` used to iterate over the characters of the string and walk ``/``."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.txt").write_text(GOOD.replace("two days", "three days"), encoding="utf-8")
    result = eventlens.run(as_path(folder), db=tmp_path / "run.sqlite", settings=LIGHT)
    assert result.counts["processed"] == 2 and not result.failures
    ingested = eventlens.ingest(as_path(folder / "a.txt"), db=tmp_path / "ingest.sqlite", settings=LIGHT)
    assert ingested.counts["processed"] == 1 and not ingested.failures
    with Store(tmp_path / "run.sqlite") as store:
        assert sorted(Path(row["path"]).name for row in store.list_documents()) == ["a.txt", "b.txt"]


@pytest.mark.issue(16)
def test_count_inputs_counts_files_and_jsonl_lines(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b.jsonl").write_text("\n".join(json.dumps({"text": GOOD}) for _ in range(3)) + "\n\n", encoding="utf-8")
    (folder / "c.png").write_bytes(PNG)
    assert count_inputs([folder]) == 5
    assert count_inputs([folder / "missing.txt"]) == 1  # one failure to come
    items = list(read_paths([folder]))
    assert len(items) == 5


def _documents(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT doc_id, record FROM documents"))


def _annotation_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return sorted(
            (table, *row)
            for table in ("entities", "places", "times")
            for row in conn.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed names)
        )


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus run once into its own store (the reference state)."""
    out = tmp_path_factory.mktemp("full") / "out"
    result = eventlens.run(EXAMPLES, out=out)
    assert result.counts["processed"] == 5 and result.ok
    return out


@pytest.mark.issue(16)
def test_rerunning_one_report_into_the_store_changes_nothing_and_shrinks_no_output(full_run: Path, tmp_path: Path) -> None:
    """Report 000's 'Banska' resolved differently when 000 was re-run alone, and was counted 'updated'."""
    db = full_run / "eventlens.sqlite"
    before, rows_before = _documents(db), _annotation_rows(db)
    lines_before = (full_run / "documents.jsonl").read_text(encoding="utf-8")
    (report,) = EXAMPLES.glob("000_*.txt")
    out = tmp_path / "again"
    result = eventlens.run(report, out=out, db=db)
    assert result.counts["processed"] == 1
    assert (result.counts["new"], result.counts["updated"]) == (0, 0)
    assert _documents(db) == before
    assert _annotation_rows(db) == rows_before
    # The outputs are the store's state: all five documents, not only the one re-run.
    assert (out / "documents.jsonl").read_text(encoding="utf-8") == lines_before
    assert "## Documents (5)" in (out / "dossier.md").read_text(encoding="utf-8")
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["doc_ids"] == list(result.doc_ids) and run["store"]["documents"] == 5


@pytest.mark.issue(16)
def test_the_store_does_not_depend_on_which_batch_brought_a_report(full_run: Path, tmp_path: Path) -> None:
    """Corpus stages read the evidence already stored: 000 first, then the rest, ends where one run ends."""
    reports = sorted(EXAMPLES.glob("*.txt"))
    db = tmp_path / "split.sqlite"
    first = eventlens.run(reports[0], db=db)
    second = eventlens.run(reports[:0:-1], db=db)  # the others, in reverse order
    assert (first.counts["new"], second.counts["new"]) == (1, 4)
    assert _documents(db) == _documents(full_run / "eventlens.sqlite")
    with Store(db) as store:
        banska = [p for doc in store.iter_documents() for p in doc.places if p.text == "Banska"]
    assert banska and all(p.method and p.method.startswith("corpus:") for p in banska)


@pytest.mark.issue(16)
def test_docs_without_db_finds_the_store_run_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = CliRunner().invoke(app, ["docs"])
    assert missing.exit_code == 2
    assert "out/eventlens.sqlite: no such database (`eventlens run` writes it there by default" in " ".join(missing.output.split())
    Path("good.txt").write_text(GOOD, encoding="utf-8")
    ran = CliRunner().invoke(app, ["run", "good.txt", "-q", "--set", "pipeline.stages={}"])
    assert ran.exit_code == 0, ran.output
    listed = CliRunner().invoke(app, ["docs", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [json.loads(line)["path"] for line in listed.stdout.splitlines()] == ["good.txt"]
