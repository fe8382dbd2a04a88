"""The store's entities, places and times tables (issue 16): one row per annotation, so Datasette and
pandas users need not parse the JSON of ``documents.record``; rewritten with their document."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from eventlens.model import Entity, Place, PlacePrecision, TimeRef, DatePrecision
from eventlens.store import Store

TEXT = "Police said gunmen attacked a patrol near Dolnjarevo in Kosovo on Sunday, said Albin Kurti."


def _annotated(make_doc, *, with_kurti: bool = True):
    entities = [Entity(text="Dolnjarevo", label="GPE", canonical="Dolnjarevo", start=42, end=52)]
    if with_kurti:
        entities.append(Entity(text="Albin Kurti", label="PERSON", canonical="Albin Kurti", start=79, end=90, role="speaker"))
    return make_doc(
        TEXT,
        "2023-09-24",
        entities=tuple(entities),
        places=(
            Place(text="Dolnjarevo", name="Dolnjarevo", country="XK", lat=42.95, lon=20.85,
                  precision=PlacePrecision.VILLAGE, method="gazetteer:exact", start=42, end=52),
            Place(text="Kosovo", name="Kosovo", country="XK", lat=42.58, lon=20.89, precision=PlacePrecision.COUNTRY,
                  method="gazetteer:exact", geonames_id=831053, start=56, end=62),
        ),
        times=(TimeRef(text="Sunday", value="2023-09-24", precision=DatePrecision.DAY, weekday=6, start=66, end=72),),
    )


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.issue(16)
def test_annotations_have_tables_of_their_own(tmp_path: Path, make_doc) -> None:
    doc = _annotated(make_doc)
    db = tmp_path / "s.sqlite"
    with Store(db) as store:
        store.write_batch([doc], [(doc.path, doc.doc_id)], [])
    assert _rows(db, "SELECT doc_id, idx, start, end, text, label, canonical, role FROM entities ORDER BY idx") == [
        (doc.doc_id, 0, 42, 52, "Dolnjarevo", "GPE", "Dolnjarevo", None),
        (doc.doc_id, 1, 79, 90, "Albin Kurti", "PERSON", "Albin Kurti", "speaker"),
    ]
    assert _rows(db, "SELECT idx, name, country, lat, lon, precision, method, geonames_id FROM places ORDER BY idx") == [
        (0, "Dolnjarevo", "XK", 42.95, 20.85, "village", "gazetteer:exact", None),
        (1, "Kosovo", "XK", 42.58, 20.89, "country", "gazetteer:exact", 831053),
    ]
    assert _rows(db, "SELECT text, value, precision, weekday FROM times") == [("Sunday", "2023-09-24", "day", 6)]
    # Offsets point into documents.text.
    ((text,),) = _rows(db, "SELECT text FROM documents")
    for start, end, mention in _rows(db, "SELECT start, end, text FROM entities UNION ALL SELECT start, end, text FROM places"):
        assert text[start:end] == mention


@pytest.mark.issue(16)
def test_rewriting_a_document_replaces_its_rows(tmp_path: Path, make_doc) -> None:
    db = tmp_path / "s.sqlite"
    first = _annotated(make_doc)
    fewer = _annotated(make_doc, with_kurti=False)
    with Store(db) as store:
        store.write_batch([first], [], [])
        assert store.write_batch([first], [], []) == {"inserted": 0, "updated": 0}
        assert store.write_batch([fewer], [], []) == {"inserted": 0, "updated": 1}
    assert _rows(db, "SELECT text FROM entities") == [("Dolnjarevo",)]
    assert _rows(db, "SELECT COUNT(*) FROM places") == [(2,)]


@pytest.mark.issue(16)
def test_an_older_store_is_brought_up_to_date(tmp_path: Path, make_doc) -> None:
    db = tmp_path / "old.sqlite"
    doc = _annotated(make_doc)
    with Store(db) as store:
        store.write_batch([doc], [], [])
    with sqlite3.connect(db) as conn:  # what a store written before issue 16 looks like
        for table in ("entities", "places", "times", "corpus_inputs", "run_state", "alembic_version"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("DROP INDEX ux_minhash_bands_band_key_doc")
        conn.execute("ALTER TABLE documents DROP COLUMN analysis")
    with Store(db) as store:
        assert store.get_document(doc.doc_id) == doc
        assert store.counts()["entities"] == 2 and store.counts()["places"] == 2 and store.counts()["times"] == 1
        assert store.list_documents()[0]["analysis"] is None
