"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, loopback only, a free port.

The server refuses to run as root, so as root (CI) the cluster belongs to ``nobody`` and its commands
run through ``runuser``. The binaries are found on PATH or under ``/usr/lib/postgresql/<version>/bin``
(Debian's layout; ``make test`` installs the ``postgresql`` package when they are missing). Where they
cannot be found the PostgreSQL cases are skipped with that reason.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_UNPRIVILEGED = "nobody"
_databases = itertools.count(1)


def pg_bin() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)
    return installed[-1].parent if installed else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", _UNPRIVILEGED, "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """``postgresql://postgres@127.0.0.1:PORT`` of a cluster started for this test session, stopped after it."""
    folder = pg_bin()
    if folder is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql); `make test` installs it")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: the PostgreSQL server cannot be started as an unprivileged user")
    root = Path(tempfile.mkdtemp(prefix="eventlens-pg-"))
    data, log = root / "data", root / "server.log"
    if os.geteuid() == 0:
        shutil.chown(root, _UNPRIVILEGED)
    port = _free_port()
    subprocess.run(
        _as_owner([str(folder / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]),
        check=True, capture_output=True,
    )
    # -F: no fsync (a throwaway cluster); -k: the socket in our folder, not /var/run/postgresql.
    options = f"-h 127.0.0.1 -p {port} -k {root} -F"
    started = subprocess.run(
        _as_owner([str(folder / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"]),
        capture_output=True, text=True,
    )
    if started.returncode != 0:
        message = log.read_text(errors="replace")[-2000:] if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"the test PostgreSQL cluster did not start: {message}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_owner([str(folder / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def new_database(server: str) -> str:
    """A fresh, empty database on ``server``; its URL."""
    import psycopg

    name = f"eventlens_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    server, _, name = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL on each backend: a SQLite file in tmp_path, or a fresh database on the test cluster."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    url = new_database(request.getfixturevalue("pg_server"))
    try:
        yield url
    finally:
        drop_database(url)
