"""Local and Ray engines give the same database; a run killed midway and resumed ends as an uninterrupted one.

The larger set is the example corpus with the multisource eval reports (read in place from
``../shared/eval``; skipped where that folder is absent). Batches of 8 documents, so a crash after
the second batch is midway.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

import eventlens
from eventlens.settings import Settings

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "kosovo-2023"
MULTISOURCE = REPO.parent / "shared" / "eval" / "multisource" / "docs"
EVENTLENS = str(Path(sys.executable).parent / "eventlens")
SMALL_BATCHES = {"pipeline": {"batch_size": 8}}

pytestmark = pytest.mark.slow  # each run loads the models; about 2 minutes in all on 2 cores


def _larger() -> list[Path]:
    if not MULTISOURCE.is_dir():
        pytest.skip(f"{MULTISOURCE} is absent (the shared eval data)")
    return [EXAMPLES, MULTISOURCE]


def snapshot(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a run leaves in the store, without the run's own timestamps (a revision's ``recorded``)."""
    engine = create_engine(f"sqlite:///{db}")
    found: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            if name in ("alembic_version", "run_state"):
                continue
            rows = [dict(row) for row in conn.execute(text(f'SELECT * FROM "{name}"')).mappings()]
            for row in rows:
                if name == "revisions":
                    row.pop("recorded")
                    row["record"] = json.dumps({k: v for k, v in json.loads(row["record"]).items() if k != "recorded"})
            found[name] = sorted((tuple(sorted(row.items())) for row in rows), key=repr)
    engine.dispose()
    return found


def differences(found: dict[str, list[Any]], expected: dict[str, list[Any]]) -> dict[str, Any]:
    """Per table, the first rows only one side has (empty when the stores are equal)."""
    out = {}
    for name in sorted(set(found) | set(expected)):
        a, b = set(found.get(name, ())), set(expected.get(name, ()))
        if a != b:
            out[name] = {"only_found": sorted(a - b, key=repr)[:1], "only_expected": sorted(b - a, key=repr)[:1]}
    return out


def _cli(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EVENTLENS, "run", *args, "-q"], capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="module")
def local_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The uninterrupted local runs everything is compared with: the example corpus and the larger set."""
    root = tmp_path_factory.mktemp("local")
    found = {}
    for name, paths in (("examples", [EXAMPLES]), ("larger", _larger())):
        result = eventlens.run(paths, out=root / name, settings=Settings.model_validate(SMALL_BATCHES))
        found[name] = {"db": snapshot(root / name / "eventlens.sqlite"), "counts": result.counts}
    return found


def _cli_settings(tmp_path: Path) -> list[str]:
    config = tmp_path / "eventlens.toml"
    config.write_text("[pipeline]\nbatch_size = 8\n", encoding="utf-8")
    return ["--config", str(config)]


@pytest.mark.parametrize("name", ["examples", "larger"])
def test_ray_gives_the_local_result(name: str, local_runs, ray_address: str, tmp_path: Path) -> None:
    from eventlens.engines.ray import RayEngine

    paths = [EXAMPLES] if name == "examples" else _larger()
    result = eventlens.run(paths, out=tmp_path / "ray", settings=Settings.model_validate(SMALL_BATCHES), engine=RayEngine())
    local = local_runs[name]
    assert result.counts == local["counts"]
    assert differences(snapshot(tmp_path / "ray" / "eventlens.sqlite"), local["db"]) == {}
    assert local["db"]["incidents"], "the comparison should cover incidents"


@pytest.mark.parametrize(
    ("engine", "crash"), [("local", "batch:2"), ("local", "storing:1"), ("ray", "batch:2")]
)
def test_a_killed_run_resumed_ends_as_an_uninterrupted_one(
    engine: str, crash: str, local_runs, ray_address: str, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = [*map(str, _larger()), "--out", str(out), *_cli_settings(tmp_path), "--engine", engine]
    if engine == "ray":
        args += ["--address", ray_address]
    killed = _cli(args, {"EVENTLENS_TEST_CRASH": crash})
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert (out / ".eventlens-run" / "staging.sqlite").exists()  # the checkpoint survived
    resumed = _cli([*args, "--resume"])
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["resumed"] is True
    assert not (out / ".eventlens-run").exists()
    assert differences(snapshot(out / "eventlens.sqlite"), local_runs["larger"]["db"]) == {}


def test_blocked_clustering_as_ray_tasks_gives_the_local_blocked_result(ray_address: str, tmp_path: Path) -> None:
    """With ``cluster.block_days`` the clustering blocks run as Ray tasks; the store equals the local engine's."""
    from eventlens.engines.ray import RayEngine

    blocked = Settings.model_validate({**SMALL_BATCHES, "cluster": {"block_days": 7}})
    local = eventlens.run(_larger(), out=tmp_path / "local", settings=blocked)
    ray_result = eventlens.run(_larger(), out=tmp_path / "ray", settings=blocked, engine=RayEngine())
    assert ray_result.counts == local.counts
    expected = snapshot(tmp_path / "local" / "eventlens.sqlite")
    assert differences(snapshot(tmp_path / "ray" / "eventlens.sqlite"), expected) == {}
    assert len(expected["incidents"]) >= 8  # the larger set's incidents, not one block's


def test_a_killed_ray_worker_is_retried(local_runs, ray_address: str, tmp_path: Path) -> None:
    out, marker = tmp_path / "out", tmp_path / "killed-worker"
    args = [*map(str, _larger()), "--out", str(out), *_cli_settings(tmp_path), "--engine", "ray", "--address", ray_address]
    done = _cli(args, {"EVENTLENS_TEST_KILL_WORKER_ONCE": str(marker)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert marker.exists()  # a worker process did kill itself midway
    assert differences(snapshot(out / "eventlens.sqlite"), local_runs["larger"]["db"]) == {}
