"""The store on both backends (SQLite and PostgreSQL): migrations, round trips, re-runs, concurrent writers."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, select, text

import eventlens
from eventlens.dedup import CopyFinder
from eventlens.model import Document, Failure
from eventlens.settings import DedupSettings
from eventlens.store import OWN_INDEXES, OWN_TABLES, Store, _driver_url, _head, metadata

from test_store import OTHER, REPORT, _write_corpus


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: a full picture of the store on either backend."""
    engine = create_engine(_driver_url(url))
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {name: sorted((tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))), key=repr) for name in names}
    finally:
        engine.dispose()


def _docs(make_doc, count: int) -> list[Document]:
    return [
        make_doc(f"Report {number}. " + (REPORT if number % 2 else OTHER), path=f"in/{number:03d}.txt", published="2023-05-04")
        for number in range(count)
    ]


def test_a_new_store_is_at_the_head_revision(store_url: str) -> None:
    with Store(store_url) as store:
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == _head()
            assert OWN_TABLES <= set(inspect(conn).get_table_names())


def test_the_migrations_build_the_declared_tables(store_url: str) -> None:
    """What ``upgrade head`` creates is what ``store/__init__.py`` declares (autogenerate finds no difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def own(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        # Another module's tables and indexes (store.corrections) are not this module's migrations' to build.
        if type_ == "index":
            return name in OWN_INDEXES
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name in OWN_TABLES

    with Store(store_url) as store, store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"include_object": own}), metadata) == []


def test_round_trip_and_rewrite(store_url: str, make_doc) -> None:
    docs = _docs(make_doc, 4)
    finder = CopyFinder(DedupSettings(), lambda keys: {})
    sigs = [finder.signature(doc.doc_id, doc.text) for doc in docs]
    failure = Failure(path="in/bad.txt", reason="empty", message="in/bad.txt: the file is empty; skipped (reason: empty)")
    with Store(store_url) as store:
        counts = store.write_batch(docs, [(doc.path, doc.doc_id) for doc in docs], [failure], sigs, state={"run": "{}"})
        assert counts == {"inserted": 4, "updated": 0}
        before = dump(store_url)
        assert store.write_batch(docs, [(doc.path, doc.doc_id) for doc in docs], [failure], sigs) == {"inserted": 0, "updated": 0}
        assert dump(store_url) == before
        assert [store.get_document(doc.doc_id) for doc in docs] == docs
        assert store.list_failures() == [failure]
        assert store.read_state("run") == "{}"
        assert [sig.doc_id for chunk in store.iter_signatures() for sig in chunk] == sorted(doc.doc_id for doc in docs)
        assert store.band_candidates(list(sigs[0].bands)).keys() >= {sigs[0].doc_id}
        changed = docs[0].model_copy(update={"title": "A new title"})
        assert store.write_batch([changed], [], []) == {"inserted": 0, "updated": 1}
        assert store.get_document(changed.doc_id) == changed


def test_rerun_changes_nothing(store_url: str, tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "in")
    first = eventlens.run([corpus], db=store_url)
    assert first.counts["new"] == 3 and first.counts["failed"] == 2
    before = dump(store_url)
    second = eventlens.run([corpus], db=store_url)
    assert second.counts["new"] == 0 and second.counts["updated"] == 0
    assert dump(store_url) == before


def _write_all(url: str, payload: list[tuple[str, str]], order: int) -> int:
    """One writer: the documents in batches of three, in its own order (a separate process)."""
    docs = [Document.model_validate_json(record) for _, record in payload]
    failures = [Failure(path=f"{doc.path}.gz", reason="bad_gzip", message="truncated") for doc in docs[:2]]
    if order:
        docs.reverse()
    finder = CopyFinder(DedupSettings(), lambda keys: {})
    with Store(url) as store:
        for start in range(0, len(docs), 3):
            part = docs[start : start + 3]
            sigs = [finder.signature(doc.doc_id, doc.text) for doc in part]
            store.write_batch(part, [(doc.path, doc.doc_id) for doc in part], failures, sigs)
    return len(docs)


def test_concurrent_writers_neither_lose_nor_duplicate(store_url: str, make_doc) -> None:
    """Two processes write the same 24 documents at once, in opposite orders: each row is there once."""
    docs = _docs(make_doc, 24)
    Store(store_url).close()  # migrate once, before the writers race
    payload = [(doc.doc_id, doc.model_dump_json()) for doc in docs]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = [pool.submit(_write_all, store_url, payload, order) for order in (0, 1)]
        assert [future.result(timeout=120) for future in done] == [24, 24]
    finder = CopyFinder(DedupSettings(), lambda keys: {})
    bands_per_doc = len(finder.signature(docs[0].doc_id, docs[0].text).bands)
    with Store(store_url) as store:
        counts = store.counts()
        assert sorted(store.document_ids()) == sorted(doc.doc_id for doc in docs)
        assert [store.get_document(doc.doc_id) for doc in docs] == docs
    assert counts["documents"] == 24 and counts["doc_sources"] == 24 and counts["minhash"] == 24
    assert counts["minhash_bands"] == 24 * bands_per_doc
    assert counts["failures"] == 2


def test_downgrade_and_upgrade_again(store_url: str) -> None:
    from alembic import command

    from eventlens.store import _alembic_config

    Store(store_url).close()
    engine = create_engine(_driver_url(store_url))
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with engine.connect() as conn:
        assert "run_state" not in inspect(conn).get_table_names()
    engine.dispose()
    with Store(store_url) as store, store.engine.connect() as conn:
        assert conn.execute(select(text("version_num")).select_from(text("alembic_version"))).scalar_one() == _head()


def test_the_corrections_revision_builds_what_store_corrections_declares(store_url: str) -> None:
    """Migrations alone (no ``create_all``) build the corrections table and the list indexes, and undo them."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from eventlens.store import _alembic_config, corrections as corrections_module

    declared = {i.name for i in corrections_module.corrections.indexes} | {i.name for i in corrections_module._INDEXES}

    def own(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "index":
            return name in declared
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is not None and table.name == "corrections"

    engine = create_engine(_driver_url(store_url))
    config = _alembic_config()
    for target in ("head", "0002", "head"):
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            (command.downgrade if target == "0002" else command.upgrade)(config, target)
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            if target == "0002":
                assert "corrections" not in tables
            else:
                assert compare_metadata(MigrationContext.configure(conn, opts={"include_object": own}), metadata) == []
    engine.dispose()


@pytest.mark.parametrize("count", [0, 3])
def test_band_rows_twice_in_an_old_store_become_one(tmp_path: Path, count: int) -> None:
    """Revision 0002 reduces duplicate band rows before its unique index (SQLite stores from before it)."""
    import sqlite3

    db = tmp_path / "old.sqlite"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("DROP INDEX ux_minhash_bands_band_key_doc")
        conn.execute("DROP TABLE run_state")
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
        for _ in range(count):
            conn.execute("INSERT INTO minhash_bands (band, key, doc_id) VALUES (1, 2, 'aaaa')")
    with Store(db) as store:
        assert store.counts()["minhash_bands"] == min(count, 1)


def test_a_writer_aborted_by_a_deadlock_runs_its_batch_again(tmp_path: Path, make_doc, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL aborts one of two writers that lock the same rows in turn (SQLSTATE 40P01): the batch is retried."""
    from sqlalchemy.exc import OperationalError

    class Deadlock(Exception):
        sqlstate = "40P01"

    real = Store._write_documents
    calls = []

    def flaky(conn, docs, counts):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT ...", {}, Deadlock("deadlock detected"))
        return real(conn, docs, counts)

    monkeypatch.setattr(Store, "_write_documents", staticmethod(flaky))
    docs = _docs(make_doc, 2)
    with Store(tmp_path / "store.sqlite") as store:
        assert store.write_batch(docs, [(doc.path, doc.doc_id) for doc in docs], []) == {"inserted": 2, "updated": 0}
        assert len(calls) == 2 and sorted(store.document_ids()) == sorted(doc.doc_id for doc in docs)
