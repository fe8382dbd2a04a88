"""The store, on real SQLite in tmp_path: round-trips, idempotent re-runs, failures, copies and duplicates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import eventlens
from eventlens.errors import StoreError
from eventlens.model import DocStatus, Failure, PartialDate, RemovedSpan, Segment
from eventlens.store import Store, db_url

REPORT = (
    "Floodwater swept through the lower districts of the river town overnight, forcing hundreds of families "
    "to leave their homes before dawn, the regional emergency office said on Tuesday.\n\n"
    "Rescue crews in boats moved elderly residents from the ground floors of two care homes to a school on "
    "higher ground, where volunteers handed out blankets, water and hot meals.\n\n"
    "The river peaked at just over six metres shortly after midnight, nearly a metre above the level reached "
    "in the last big flood, and officials warned that the water would recede only slowly.\n\n"
    "Power was cut to about four thousand households as a precaution, and the main road bridge stays closed "
    "until engineers have inspected its pillars for damage."
)
OTHER = (
    "The city council voted on Monday to extend the night bus network to three outer suburbs from next spring, "
    "after a petition signed by more than twelve thousand residents.\n\n"
    "The new routes will run every thirty minutes between midnight and five in the morning, and will be paid "
    "for by a small rise in parking charges in the city centre, the transport committee said."
)


def _dump(db: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: a full picture of the store."""
    with sqlite3.connect(db) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in tables}


def _write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a_flood.txt").write_text("Home\nNews\n\nRiver floods lower town\n\n" + REPORT, encoding="utf-8")
    (folder / "b_buses.txt").write_text(OTHER, encoding="utf-8")
    (folder / "c_empty.txt").write_text("", encoding="utf-8")
    (folder / "d_lines.jsonl").write_text('{"text": "' + OTHER.split("\n")[0] + '"}\n{broken\n', encoding="utf-8")
    return folder


def test_document_round_trip(tmp_path: Path, make_doc) -> None:
    doc = make_doc(
        "River floods lower town\n\nFloodwater swept through the town.",
        raw_text="Home\nRiver floods lower town\n\nFloodwater swept through the town.",
        published=PartialDate(year=2021, month=5, day=4, source="header"),
        removed=(RemovedSpan(start=0, end=4, reason="navigation", text="Home"),),
        segments=(Segment(clean=0, raw=5, length=23), Segment(clean=25, raw=30, length=34)),
        title="River floods lower town",
        outlet="Valley Gazette",
        outlet_source="field",
        language="en",
        language_score=0.97,
        credited=("Morning Post",),
        raw_html="<p>River floods lower town</p>",
        hints={"url": "https://valley.example/flood", "title": "River floods lower town"},
    )
    with Store(tmp_path / "store.sqlite") as store:
        counts = store.write_batch([doc], [(doc.path, doc.doc_id)], [])
        assert counts == {"inserted": 1, "updated": 0}
        assert store.get_document(doc.doc_id) == doc
        assert list(store.iter_documents()) == [doc]
        assert store.has_document(doc.doc_id)
        assert store.get_document("0" * 16) is None
        (row,) = store.list_documents()
        assert row["published"] == "2021-05-04" and row["title"] == "River floods lower town"
        # Writing the same document again changes nothing.
        assert store.write_batch([doc], [(doc.path, doc.doc_id)], []) == {"inserted": 0, "updated": 0}
        assert store.counts() == {
            "documents": 1, "doc_sources": 1, "failures": 0, "minhash": 0, "minhash_bands": 0,
            "entities": 0, "places": 0, "times": 0, "corpus_inputs": 0,
            "incidents": 0, "incident_documents": 0, "incident_figures": 0, "incident_claims": 0, "revisions": 0,
        }


def test_tables_are_plain_sqlite(tmp_path: Path, make_doc) -> None:
    doc = make_doc("Floodwater swept through the lower districts of the river town overnight.")
    with Store(tmp_path / "store.sqlite") as store:
        store.write_batch([doc], [(doc.path, doc.doc_id)], [])
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"documents", "doc_sources", "failures", "minhash"} <= tables
        (text,) = conn.execute("SELECT text FROM documents").fetchone()
    assert text == doc.text


def test_rerun_adds_and_changes_nothing(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "in")
    db = tmp_path / "store.sqlite"
    first = eventlens.run([corpus], out=tmp_path / "out1", db=db)
    assert first.counts["new"] == 3
    assert first.counts["processed"] == 3  # a_flood, b_buses, d_lines.jsonl:1
    assert first.counts["failed"] == 2  # c_empty, d_lines.jsonl:2
    before = _dump(db)
    documents_jsonl = (tmp_path / "out1" / "documents.jsonl").read_text(encoding="utf-8")

    second = eventlens.run([corpus], out=tmp_path / "out2", db=db)
    assert second.counts["new"] == 0
    assert second.counts["updated"] == 0
    assert second.counts["processed"] == first.counts["processed"]
    assert second.doc_ids == first.doc_ids
    assert _dump(db) == before
    assert (tmp_path / "out2" / "documents.jsonl").read_text(encoding="utf-8") == documents_jsonl


def test_failures_are_stored_once(tmp_path: Path) -> None:
    corpus = _write_corpus(tmp_path / "in")
    db = tmp_path / "store.sqlite"
    for _ in range(3):
        result = eventlens.run([corpus], db=db)
        assert {(f.path, f.reason) for f in result.failures} == {
            (str(corpus / "c_empty.txt"), "empty"),
            (f"{corpus / 'd_lines.jsonl'}:2", "bad_json"),
        }
    with Store(db) as store:
        stored = store.list_failures()
    assert sorted((f.path, f.reason, f.stage) for f in stored) == [
        (str(corpus / "c_empty.txt"), "empty", "ingest"),
        (f"{corpus / 'd_lines.jsonl'}:2", "bad_json", "ingest"),
    ]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM failures").fetchone() == (2,)


def test_a_fixed_input_is_no_longer_a_failure(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    path = corpus / "later.txt"
    path.write_text("", encoding="utf-8")
    db = tmp_path / "store.sqlite"
    assert [f.reason for f in eventlens.run([corpus], db=db).failures] == ["empty"]
    path.write_text(OTHER, encoding="utf-8")
    assert eventlens.run([corpus], db=db).ok
    with Store(db) as store:
        assert store.list_failures() == []
        assert [row["path"] for row in store.list_documents()] == [str(path)]


def test_syndicated_copy_is_linked(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "1_original.txt").write_text("Latest\nRegion\n\nRiver floods lower town\n\n" + REPORT, encoding="utf-8")
    (corpus / "2_wire_copy.txt").write_text(
        "Home\nWorld\nTop stories\n\nFlood forces hundreds from homes\n\n"
        + REPORT
        + "\n\nRead more\n\n© Partner Wire 2022\n\nShare this",
        encoding="utf-8",
    )
    (corpus / "3_other.txt").write_text(OTHER, encoding="utf-8")
    db = tmp_path / "store.sqlite"
    result = eventlens.run([corpus], db=db)
    assert result.counts["linked_copies"] == 1
    assert result.counts["processed"] == 3
    with Store(db) as store:
        docs = {Path(doc.path).name: doc for doc in store.iter_documents()}
    original, copy, other = docs["1_original.txt"], docs["2_wire_copy.txt"], docs["3_other.txt"]
    assert copy.status is DocStatus.COPY and copy.copy_of == original.doc_id
    assert original.status is DocStatus.PROCESSED and original.copy_of is None
    assert other.status is DocStatus.PROCESSED and other.copy_of is None
    # Found again across runs: the link is kept, nothing is re-linked or re-counted as new.
    again = eventlens.run([corpus], db=db)
    assert again.counts["linked_copies"] == 1 and again.counts["new"] == 0
    # A copy arriving in a later run is linked to the stored original.
    (corpus / "4_late_copy.txt").write_text("Breaking news\n\n" + REPORT + "\n\n(C)Late Wire 2023", encoding="utf-8")
    late = eventlens.run([corpus / "4_late_copy.txt"], db=db)
    assert late.counts["linked_copies"] == 1
    with Store(db) as store:
        links = store.copy_links()
    assert links[late.doc_ids[0]] == original.doc_id


def test_exact_duplicate_is_stored_once(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    data = ("River floods lower town\n\n" + REPORT).encode("utf-8")
    (corpus / "first.txt").write_bytes(data)
    (corpus / "second.txt").write_bytes(data)
    db = tmp_path / "store.sqlite"
    result = eventlens.run([corpus], db=db)
    assert result.counts["exact_duplicates"] == 1
    assert result.counts["processed"] == 1 and result.counts["new"] == 1
    assert result.counts["linked_copies"] == 0
    with Store(db) as store:
        (row,) = store.list_documents()
        assert row["path"] == str(corpus / "first.txt")
        assert store.counts()["documents"] == 1
    with sqlite3.connect(db) as conn:
        sources = sorted(conn.execute("SELECT path, doc_id FROM doc_sources").fetchall())
    assert sources == [(str(corpus / "first.txt"), row["doc_id"]), (str(corpus / "second.txt"), row["doc_id"])]


def test_store_failure_round_trip(tmp_path: Path) -> None:
    failure = Failure(path="x.txt", reason="empty", message="x.txt: the file is empty; skipped (reason: empty)")
    with Store(tmp_path / "s.sqlite") as store:
        store.write_batch([], [], [failure, failure])
        store.write_batch([], [], [failure])
        assert store.list_failures() == [failure]


def test_db_url() -> None:
    assert db_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert db_url("some/file.sqlite") == "sqlite:///some/file.sqlite"


def test_unopenable_store_is_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(StoreError) as info:
        Store(blocker / "sub" / "store.sqlite")
    assert "\n" not in str(info.value)
