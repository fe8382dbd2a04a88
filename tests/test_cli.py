"""The command line: every command has --help, exit codes follow the README (0 ok, 1 some inputs failed,
2 usage or configuration errors), and bad inputs are reported in one line naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from eventlens.cli import app
from eventlens.settings import Settings
from eventlens.store import Store

GOOD = (
    "The harbour authority closed the port for two days after a storm damaged the main pier, "
    "officials said on Monday.\n\nFerries were diverted to the northern terminal."
)


def _command_paths(command: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    subcommands = getattr(command, "commands", None)  # a group (typer vendors its own click)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            paths.extend(_command_paths(sub, (*prefix, name)))
    return paths


COMMANDS = _command_paths(typer.main.get_command(app))


def test_the_expected_commands_exist() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"run", "ingest", "docs", "schema", "stages", "config show", "eval extraction"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "eventlens")
def test_help_everywhere(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.fixture
def folder_with_bad_file(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "[draft] broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    return folder


def test_run_with_a_bad_file_exits_1_and_names_it(tmp_path: Path, folder_with_bad_file: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(folder_with_bad_file), "--out", str(out)])
    assert result.exit_code == 1, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped:")]
    bad = folder_with_bad_file / "[draft] broken.txt"
    assert skipped == [f"skipped: {bad}: binary data, not text; skipped (reason: binary)"]
    # The good file was processed and written.
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [Path(json.loads(line)["path"]).name for line in lines] == ["good.txt"]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["processed"] == 1 and run["counts"]["skipped:binary"] == 1


def test_quiet_run_still_reports_skips(tmp_path: Path, folder_with_bad_file: Path) -> None:
    result = CliRunner().invoke(app, ["run", str(folder_with_bad_file), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert sum(line.startswith("skipped:") for line in result.output.splitlines()) == 1


def test_clean_run_exits_0(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "good.txt"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "skipped:" not in result.output
    assert "processed" in result.output


def test_nonexistent_path_exits_1_and_is_recorded(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-report.txt"
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(missing), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert f"skipped: {missing}: " in result.output and "not_found" in result.output
    with Store(out / "eventlens.sqlite") as store:
        (failure,) = store.list_failures()
    assert (failure.path, failure.reason) == (str(missing), "not_found")


@pytest.mark.parametrize(
    "pair,names",
    [
        ("ingest.max_byte=5", ["max_bytes", "min_encoding_coherence", "'ingest'"]),
        ("ingestt.max_bytes=5", ["ingest", "clean", "dedup", "pipeline"]),
    ],
)
def test_unknown_set_key_exits_2_naming_valid_keys(tmp_path: Path, pair: str, names: list[str]) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(tmp_path / "good.txt"), "--out", str(tmp_path / "out"), "--set", pair])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "error:" in message and "Valid:" in message
    assert "Did you mean" in message
    for name in names:
        assert name in message
    assert not (tmp_path / "out").exists()  # nothing ran


def test_bad_set_value_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "show", "--set", "ingest.max_bytes=-5"])
    assert result.exit_code == 2
    assert "ingest.max_bytes" in result.output


def test_set_changes_the_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "show", "--json", "--set", "dedup.threshold=0.8"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["dedup"]["threshold"] == 0.8


def test_config_show_prints_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == Settings().model_dump(mode="json")


def test_config_file(tmp_path: Path) -> None:
    config = tmp_path / "eventlens.toml"
    config.write_text("[ingest]\nmax_bytes = 1234\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["config", "show", "--json", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ingest"]["max_bytes"] == 1234
    missing = CliRunner().invoke(app, ["config", "show", "--config", str(tmp_path / "nope.toml")])
    assert missing.exit_code == 2 and "nope.toml" in missing.output


def test_docs_lists_documents(tmp_path: Path, folder_with_bad_file: Path) -> None:
    db = tmp_path / "store.sqlite"
    CliRunner().invoke(app, ["ingest", str(folder_with_bad_file), "--db", str(db), "-q"])
    table = CliRunner().invoke(app, ["docs", "--db", str(db)])
    assert table.exit_code == 0, table.output
    assert "1 documents, 1 failures" in table.output
    listed = CliRunner().invoke(app, ["docs", "--db", str(db), "--json"])
    assert listed.exit_code == 0, listed.output
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(Path(row["path"]).name, row["status"]) for row in rows] == [
        ("good.txt", "processed"),
        ("[draft] broken.txt", "failed"),
    ]
    assert rows[1]["reason"] == "binary"


def test_docs_on_a_missing_db_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["docs", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert not (tmp_path / "none.sqlite").exists()


def test_stages_lists_the_built_ins() -> None:
    result = CliRunner().invoke(app, ["stages"])
    assert result.exit_code == 0, result.output
    for name in ("clean.rules.v1", "metadata.rules.v1", "langid.fasttext.v1"):
        assert name in result.output


def test_schema_writes_the_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    schema = json.loads((tmp_path / "document.schema.json").read_text(encoding="utf-8"))
    assert schema["title"] == "eventlens document"


def test_no_arguments_shows_help() -> None:
    result = CliRunner().invoke(app, [])
    assert "Usage" in result.output
    assert result.exit_code in (0, 2)


@pytest.mark.issue(16)
@pytest.mark.parametrize(
    "pair,fragment",
    [
        ("geocode.extra_gazetteer=places-typo.csv", "places-typo.csv: no such file"),
        ("entities.model=en_core_web_typo", "'en_core_web_typo' is neither"),
    ],
)
def test_a_bad_file_setting_exits_2_before_any_document_is_read(tmp_path: Path, pair: str, fragment: str) -> None:
    """A mistyped path used to fail every document one by one and exit 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(folder), "--out", str(tmp_path / "out"), "--set", pair])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: invalid setting {pair.split('=')[0]}: ")
    assert fragment in lines[0]
    assert not (tmp_path / "out").exists()  # nothing was read, stored or written


@pytest.mark.issue(16)
def test_config_show_prints_each_description() -> None:
    result = CliRunner().invoke(app, ["config", "show", "--set", "dedup.threshold=0.8"])
    assert result.exit_code == 0, result.output
    assert "# Estimated Jaccard similarity of word shingles above which a document is a copy of another." in result.stdout
    assert "# (default: 0.7)\nthreshold = 0.8\n" in result.stdout
    assert "[geocode]" in result.stdout and "# extra_gazetteer is not set" in result.stdout
