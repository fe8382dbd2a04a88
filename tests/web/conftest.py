"""Fixtures of the web tests: the example corpus run once into a store, copies of it to write to,
the app in-process (TestClient) and on a live loopback port (uvicorn in a thread)."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventlens.api import run

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"
from webtools import TOKEN, TestClient


@pytest.fixture(scope="session")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus run through the whole pipeline into a store (once per session; read only)."""
    out = tmp_path_factory.mktemp("example")
    run(EXAMPLES, db=out / "eventlens.sqlite")
    return out / "eventlens.sqlite"


@pytest.fixture
def fresh_db(example_db: Path, tmp_path: Path) -> Path:
    """A private copy of the example store, for tests that write."""
    target = tmp_path / "eventlens.sqlite"
    with sqlite3.connect(example_db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


@pytest.fixture(scope="session")
def client(example_db: Path) -> TestClient:
    from eventlens.web import create_app

    return TestClient(create_app(example_db), raise_server_exceptions=False)


@pytest.fixture(scope="session")
def incident_a(example_db: Path) -> str:
    """The id of the example's incident A: the one with four sources."""
    with sqlite3.connect(example_db) as conn:
        return str(conn.execute("SELECT id FROM incidents WHERE source_count = 4").fetchone()[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory, example_db: Path) -> Iterator[str]:
    """The app over a copy of the example store, served by uvicorn on a free loopback port, with a token."""
    import uvicorn

    from eventlens.web import create_app

    db = tmp_path_factory.mktemp("live") / "eventlens.sqlite"
    with sqlite3.connect(example_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, token=TOKEN), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        pytest.fail("uvicorn did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
