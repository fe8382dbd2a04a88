"""The store: documents, where each was seen, copy links, failures and MinHash signatures.

SQLAlchemy 2 Core over SQLite by default (WAL, one transaction per batch); any SQLAlchemy URL works
(PostgreSQL later). Tables are plain (JSON as TEXT) so Datasette and pandas read them directly, and
the annotations are tables of their own (``entities``, ``places``, ``times``: one row per mention,
with ``doc_id`` and the ``start``/``end`` offsets into ``documents.text``), rewritten with their
document. Writes are upserts by stable id, so re-running on the same input changes nothing.

The fused incidents have tables of their own: ``incidents`` (one row per incident, its figures in
columns and the whole record as JSON), ``incident_documents`` (which report tells or retells which
incident), ``incident_figures`` (low/best/high per figure and victim group), ``incident_claims`` (every
source's claim, with its sentence) and ``revisions`` (the incident after each report; rows are only
ever added).

``corpus_inputs`` keeps, per document, the values the per-document stages gave the fields a corpus
stage rewrites (``places`` for ``link.places.v1``), so each run's corpus stages start again from the
evidence of every stored document and the result does not depend on which batch brought it.

The schema is kept by alembic migrations (``store/migrations``), the same revisions for SQLite and
PostgreSQL: opening a store runs ``upgrade head``. A store written before migrations (no
``alembic_version``) goes through the idempotent baseline revision, which creates the tables it lacks
and adds missing nullable columns; annotation tables created that way are filled from the stored
documents.

Several writers may share a store (workers of a cluster, two runs at once): every write is an
``INSERT .. ON CONFLICT`` upsert keyed by the content hashes and paths, inside one transaction per
batch (on SQLite an ``IMMEDIATE`` one, so two writers queue instead of failing on a stale snapshot).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    func,
    inspect,
    or_,
    select,
    text as sql_text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import Document, Failure, Incident, Revision

if TYPE_CHECKING:  # dedup loads datasketch (and scipy): `eventlens docs` has no use for them
    from alembic.config import Config

    from ..dedup import Signature

__all__ = ["Store", "db_url"]

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("path", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("copy_of", String(16)),
    Column("title", Text),
    Column("outlet", Text),
    Column("url", Text),
    Column("language", String(16)),
    Column("published", String(10)),
    Column("published_precision", String(8)),
    Column("chars", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("record", Text, nullable=False),  # the whole Document as JSON (raw_html excluded)
    Column("raw_html", Text),
    Column("analysis", Text),  # why the English stages did not run ("not analysed: language de"), else NULL
)

sources = Table(
    "doc_sources",
    metadata,
    Column("path", Text, primary_key=True),
    Column("doc_id", String(16), nullable=False, index=True),
)

failures = Table(
    "failures",
    metadata,
    Column("path", Text, primary_key=True),
    Column("stage", String(32), primary_key=True),
    Column("reason", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("doc_id", String(16)),
)

signatures = Table(
    "minhash",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)


bands = Table(
    "minhash_bands",
    metadata,
    Column("band", Integer, nullable=False),
    Column("key", BigInteger, nullable=False),
    Column("doc_id", String(16), nullable=False),
    Index("ix_minhash_bands_band_key", "band", "key"),
    Index("ux_minhash_bands_band_key_doc", "band", "key", "doc_id", unique=True),
)


# One row per annotation, so Datasette and pandas users need not parse the JSON of ``record``;
# ``idx`` is the annotation's position in the document's tuple, ``start``/``end`` offsets into its text.
entities = Table(
    "entities",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
    Column("canonical", Text, nullable=False),
    Column("role", String(32)),
)

places = Table(
    "places",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("country", String(8)),
    Column("admin1", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("precision", String(16)),
    Column("method", Text),
    Column("geonames_id", BigInteger),
)

times = Table(
    "times",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", String(32)),
    Column("precision", String(16)),
    Column("weekday", Integer),
)

ANNOTATION_TABLES = (entities, places, times)

corpus_inputs = Table(
    "corpus_inputs",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("fields", Text, nullable=False),  # JSON object: field -> value before the corpus stages ran
)


incidents = Table(
    "incidents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", Text),
    Column("sub_type", Text),
    Column("category", Text),
    Column("date", String(10)),
    Column("date_precision", String(8)),
    Column("time_local", String(5)),
    Column("location", Text),
    Column("country", String(8)),
    Column("admin1", Text),
    Column("lat", Float),
    Column("lon", Float),
    Column("geo_precision", String(16)),
    *(
        Column(f"{figure}_{bound}", Integer)
        for figure in ("killed", "injured", "arrested")
        for bound in ("low", "best", "high")
    ),
    Column("source_count", Integer, nullable=False),
    Column("first_reported", String(10)),
    Column("last_reported", String(10)),
    Column("summary", Text),
    Column("record", Text, nullable=False),  # the whole Incident as JSON, revisions excluded
)

incident_documents = Table(
    "incident_documents",
    metadata,
    Column("doc_id", String(16), primary_key=True),
    Column("incident_id", String(40), primary_key=True),
    Column("role", String(16), nullable=False),  # main, copy or mentioned
    Index("ix_incident_documents_incident", "incident_id"),
)

incident_figures = Table(
    "incident_figures",
    metadata,
    Column("incident_id", String(40), primary_key=True),
    Column("figure", String(16), primary_key=True),
    Column("victim_group", String(24), primary_key=True),  # "all" for the incident's overall figure
    Column("low", Integer),
    Column("best", Integer),
    Column("high", Integer),
)

incident_claims = Table(
    "incident_claims",
    metadata,
    Column("incident_id", String(40), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("doc_id", String(16), nullable=False),
    Column("published", String(10)),
    Column("figure", String(16), nullable=False),
    Column("victim_group", String(24), nullable=False),
    Column("value", Integer),
    Column("low", Integer),
    Column("high", Integer),
    Column("qualifier", Text),
    Column("attributed_to", Text),
    Column("counted", Integer, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

revisions = Table(
    "revisions",
    metadata,
    Column("incident_id", String(40), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("doc_ids", Text, nullable=False),  # JSON list
    Column("published", String(10)),
    Column("recorded", String(32), nullable=False),
    Column("by", String(32), nullable=False),
    Column("record", Text, nullable=False),  # the Revision as JSON
)

INCIDENT_TABLES = (incidents, incident_documents, incident_figures, incident_claims, revisions)

# A run's checkpoint (``eventlens run --resume``): JSON values by key, written with the batch they describe.
run_state = Table(
    "run_state",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

#: Tables the migrations of this module create (another module may add tables to ``metadata``).
OWN_TABLES = frozenset(table.name for table in metadata.sorted_tables)
OWN_INDEXES = frozenset(str(index.name) for table in metadata.sorted_tables for index in table.indexes)


def db_url(value: str | Path) -> str:
    """Accept a SQLAlchemy URL or a plain file path (taken as SQLite)."""
    text = str(value)
    return text if "://" in text else f"sqlite:///{Path(text).expanduser()}"


def _driver_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 (SQLAlchemy's default for it is psycopg2, which is not installed)."""
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    head, sep, tail = url.partition("://")
    if sep and "@" in tail:
        credentials, _, host = tail.rpartition("@")
        return f"{head}://{credentials.split(':', 1)[0]}:***@{host}"
    return url


def _insert(conn: Any, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update`` / ``on_conflict_do_nothing``."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise StoreError(f"the store supports SQLite and PostgreSQL, not {conn.dialect.name}")


def _upsert(conn: Any, table: Table, rows: list[dict[str, Any]], *, keys: Sequence[str] | None = None,
            update: Sequence[str] | None = None, where: Any = None) -> None:
    """Insert ``rows``; a row whose ``keys`` (default: the primary key) exist updates ``update`` (default:
    every other column; ``()`` keeps the stored row), only where ``where(excluded)`` holds if given."""
    if not rows:
        return
    keys = list(keys or [column.name for column in table.primary_key])
    # Rows in key order: concurrent writers then lock shared rows in one order (fewer deadlocks).
    rows = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
    stmt = _insert(conn, table)
    columns = [name for name in rows[0] if name not in keys] if update is None else list(update)
    if columns:
        condition = where(stmt.excluded) if where is not None else None
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={name: stmt.excluded[name] for name in columns}, where=condition
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt, rows)


# A transaction PostgreSQL aborted because of another writer (deadlock detected, serialization failure)
# succeeds when run again; a batch is tried this many times.
_WRITE_ATTEMPTS = 5
_TRANSIENT_STATES = frozenset({"40P01", "40001"})


def _transient(exc: Exception) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _TRANSIENT_STATES


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# How long a SQLite writer waits for another's transaction before giving up (the default is 5 s; a
# batch of 64 documents with their annotations takes well under one).
_SQLITE_BUSY_S = 60.0


@lru_cache(maxsize=1)
def _head() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_alembic_config()).get_current_head())


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class Store:
    """All reads and writes of eventlens data; the only module that knows SQL."""

    def __init__(self, url: str | Path, *, annotations: bool = True) -> None:
        """Open (or create) the store at ``url``; ``annotations=False`` keeps the annotation tables empty (scratch stores)."""
        self.url = db_url(url)
        self.annotations = annotations
        try:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            if self.url.startswith("sqlite"):
                self.engine: Engine = create_engine(self.url, connect_args={"timeout": _SQLITE_BUSY_S})
                event.listen(self.engine, "connect", _sqlite_pragmas)
            else:
                self.engine = create_engine(_driver_url(self.url), pool_pre_ping=True)
            self._migrate()
        except (SQLAlchemyError, OSError) as exc:
            raise StoreError(f"cannot open the store at {_safe(self.url)}: {exc}") from exc

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _migrate(self) -> None:
        """``alembic upgrade head`` (a store from before migrations takes the idempotent baseline first)."""
        from alembic import command
        from alembic.migration import MigrationContext

        with self._transaction() as conn:
            existing = set(inspect(conn).get_table_names())
            current = MigrationContext.configure(conn).get_current_revision() if "alembic_version" in existing else None
            if current != _head():
                if current is None and "documents" in existing:
                    logger.info("%s: a store from before migrations; bringing it to the baseline", _safe(self.url))
                config = _alembic_config()
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            # Tables another module declared on ``metadata`` and no revision creates yet.
            metadata.create_all(conn, checkfirst=True)
        if self.annotations and "documents" in existing and any(table.name not in existing for table in ANNOTATION_TABLES):
            ids = self.document_ids()
            with self._transaction() as conn:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    rows = conn.execute(select(documents.c.record).where(documents.c.doc_id.in_(chunk))).all()
                    stored = [Document.model_validate_json(row.record) for row in rows]
                    _replace_annotations(conn, {doc.doc_id: doc for doc in stored})

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """One write transaction; SQLite's is IMMEDIATE, so a second writer waits for the lock instead of
        failing when its read snapshot turns stale."""
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writes -------------------------------------------------------------------------------

    def write_batch(
        self,
        docs: Iterable[Document],
        seen_paths: Iterable[tuple[str, str]],
        failed: Iterable[Failure],
        new_signatures: Iterable[Signature] = (),
        corpus_fields: dict[str, str] | None = None,
        state: dict[str, str] | None = None,
    ) -> dict[str, int]:
        """Upsert one batch in one transaction; returns how many documents were inserted and updated.

        Each table is read once for the whole batch and rows go in one multi-row upsert.
        ``corpus_fields`` maps a doc_id to the JSON of its values before the corpus stages (see
        ``iter_documents_by_ids(before_corpus=True)``); ``state`` rows of ``run_state`` are written in
        the same transaction (a checkpoint that holds exactly when the batch does).
        """
        docs = {doc.doc_id: doc for doc in docs}
        paths = dict(seen_paths)
        failures_by_key = {(f.path, f.stage): f for f in failed}
        sigs = {sig.doc_id: sig for sig in new_signatures}
        for attempt in range(_WRITE_ATTEMPTS):
            counts = {"inserted": 0, "updated": 0}
            try:
                with self._transaction() as conn:
                    written = self._write_documents(conn, docs, counts)
                    if self.annotations:
                        _replace_annotations(conn, written)
                    self._write_sources(conn, paths)
                    self._write_failures(conn, failures_by_key)
                    self._write_signatures(conn, sigs)
                    self._write_corpus_fields(conn, corpus_fields or {})
                    _upsert(conn, run_state, [{"key": key, "value": value} for key, value in (state or {}).items()])
                return counts
            except SQLAlchemyError as exc:
                if attempt + 1 < _WRITE_ATTEMPTS and _transient(exc):
                    time.sleep(0.05 * 2**attempt)  # PostgreSQL aborted one of two racing writers: run it again
                    continue
                raise StoreError(f"cannot write to the store at {_safe(self.url)}: {exc}") from exc
        raise AssertionError("unreachable")

    @staticmethod
    def _write_documents(conn: Any, docs: dict[str, Document], counts: dict[str, int]) -> dict[str, Document]:
        """Insert new documents and update changed ones; returns those written."""
        if not docs:
            return {}
        stored = {
            row.doc_id: row
            for row in conn.execute(
                select(documents.c.doc_id, documents.c.path, documents.c.record).where(documents.c.doc_id.in_(list(docs)))
            )
        }
        rows = []
        written: dict[str, Document] = {}
        for doc_id, doc in docs.items():
            old = stored.get(doc_id)
            if old is not None and old.path != doc.path:
                # The same bytes seen under another path: the document keeps its first path.
                doc = doc.model_copy(update={"path": old.path})
            row = _doc_row(doc)
            if old is None or old.record != row["record"]:
                rows.append(row)
                written[doc_id] = doc
                counts["inserted" if old is None else "updated"] += 1
        # A writer that stored the document meanwhile keeps its path; only a changed record is rewritten.
        update = [name for name in rows[0] if name not in ("doc_id", "path")] if rows else []
        _upsert(conn, documents, rows, update=update, where=lambda new: documents.c.record != new.record)
        return written

    @staticmethod
    def _write_corpus_fields(conn: Any, found: dict[str, str]) -> None:
        if not found:
            return
        stored = {
            row.doc_id: row.fields
            for row in conn.execute(
                select(corpus_inputs.c.doc_id, corpus_inputs.c.fields).where(corpus_inputs.c.doc_id.in_(list(found)))
            )
        }
        rows = [{"doc_id": doc_id, "fields": fields} for doc_id, fields in found.items() if stored.get(doc_id) != fields]
        _upsert(conn, corpus_inputs, rows)

    @staticmethod
    def _write_sources(conn: Any, paths: dict[str, str]) -> None:
        if not paths:
            return
        known = {
            row.path: row.doc_id
            for row in conn.execute(select(sources.c.path, sources.c.doc_id).where(sources.c.path.in_(list(paths))))
        }
        rows = [{"path": path, "doc_id": doc_id} for path, doc_id in paths.items() if known.get(path) != doc_id]
        _upsert(conn, sources, rows)
        # A path that now reads fine is no longer a failure.
        conn.execute(failures.delete().where(failures.c.path.in_(list(paths))))

    @staticmethod
    def _write_failures(conn: Any, found: dict[tuple[str, str], Failure]) -> None:
        if not found:
            return
        existing = {
            (row["path"], row["stage"]): dict(row)
            for row in conn.execute(select(failures).where(failures.c.path.in_([p for p, _ in found]))).mappings()
        }
        rows = [failure.model_dump() for key, failure in found.items() if existing.get(key) != failure.model_dump()]
        _upsert(conn, failures, [{column.name: row[column.name] for column in failures.columns} for row in rows])

    @staticmethod
    def _write_signatures(conn: Any, sigs: dict[str, Signature]) -> None:
        if not sigs:
            return
        stored = set(conn.execute(select(signatures.c.doc_id).where(signatures.c.doc_id.in_(list(sigs)))).scalars())
        fresh = [sig for doc_id, sig in sigs.items() if doc_id not in stored]
        _upsert(conn, signatures, [{"doc_id": sig.doc_id, "signature": sig.blob} for sig in fresh], update=())
        _upsert(
            conn,
            bands,
            [{"band": band, "key": key, "doc_id": sig.doc_id} for sig in fresh for band, key in sig.bands],
            keys=("band", "key", "doc_id"),
            update=(),
        )

    # -- reads --------------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        with self.engine.connect() as conn:
            found = conn.execute(select(documents.c.doc_id).where(documents.c.doc_id == doc_id)).first()
        return found is not None

    def get_document(self, doc_id: str) -> Document | None:
        """The stored Document, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(documents.c.record, documents.c.raw_html).where(documents.c.doc_id == doc_id)
            ).first()
        if row is None:
            return None
        data = json.loads(row.record)
        data["raw_html"] = row.raw_html
        return Document.model_validate(data)

    def iter_documents_by_ids(
        self, doc_ids: Sequence[str], *, chunk: int = 500, before_corpus: bool = False
    ) -> Iterator[Document]:
        """The stored documents with these ids, in the order given (ids not stored are skipped).

        With ``before_corpus``, each document as the per-document stages left it: the fields a corpus
        stage rewrote take back the values stored in ``corpus_inputs``.
        """
        for start in range(0, len(doc_ids), chunk):
            ids = list(doc_ids[start : start + chunk])
            with self.engine.connect() as conn:
                rows = conn.execute(
                    select(documents.c.doc_id, documents.c.record, documents.c.raw_html).where(documents.c.doc_id.in_(ids))
                )
                found = {row.doc_id: (row.record, row.raw_html) for row in rows}
                inputs: dict[str, str] = {}
                if before_corpus:
                    inputs = {
                        row.doc_id: row.fields
                        for row in conn.execute(
                            select(corpus_inputs.c.doc_id, corpus_inputs.c.fields).where(corpus_inputs.c.doc_id.in_(ids))
                        )
                    }
            for doc_id in ids:
                if doc_id in found:
                    record, raw_html = found[doc_id]
                    data = json.loads(record)
                    data["raw_html"] = raw_html
                    if doc_id in inputs:
                        data.update(json.loads(inputs[doc_id]))
                    yield Document.model_validate(data)

    def corpus_fields_for(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """``doc_id -> JSON`` of the stored values before the corpus stages, for those of ``doc_ids`` that have them."""
        ids = list(doc_ids)
        if not ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(corpus_inputs.c.doc_id, corpus_inputs.c.fields).where(corpus_inputs.c.doc_id.in_(ids)))
            return {row.doc_id: row.fields for row in rows}

    def text_of(self, doc_id: str) -> str | None:
        """The cleaned text of a stored document, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(documents.c.text).where(documents.c.doc_id == doc_id)).scalar_one_or_none()

    def document_ids(self) -> list[str]:
        """Every stored doc_id, sorted."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(documents.c.doc_id).order_by(documents.c.doc_id)).scalars())

    def iter_documents(self) -> Iterator[Document]:
        """Every stored document, ordered by path."""
        with self.engine.connect() as conn:
            for row in conn.execute(select(documents.c.record, documents.c.raw_html).order_by(documents.c.path)):
                data = json.loads(row.record)
                data["raw_html"] = row.raw_html
                yield Document.model_validate(data)

    def list_documents(self) -> list[dict[str, Any]]:
        """One summary row per stored document (no texts), ordered by path."""
        cols = [
            documents.c.doc_id,
            documents.c.path,
            documents.c.status,
            documents.c.copy_of,
            documents.c.published,
            documents.c.language,
            documents.c.outlet,
            documents.c.title,
            documents.c.chars,
            documents.c.analysis,
        ]
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(select(*cols).order_by(documents.c.path)).mappings()]

    def list_failures(self) -> list[Failure]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(failures).order_by(failures.c.path)).mappings().all()
        return [Failure.model_validate(dict(row)) for row in rows]

    def iter_sources(self, chunk: int = 5000) -> Iterator[list[tuple[str, str]]]:
        """Every ``(path, doc_id)`` row, by path, in lists of up to ``chunk``."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(sources.c.path, sources.c.doc_id).order_by(sources.c.path))
            while found := rows.fetchmany(chunk):
                yield [(row.path, row.doc_id) for row in found]

    def iter_signatures(self, chunk: int = 1000) -> Iterator[list[Signature]]:
        """Every stored MinHash signature with its band keys, by doc_id, in lists of up to ``chunk``."""
        import numpy as np

        from ..dedup import Signature

        with self.engine.connect() as conn:
            ids = list(conn.execute(select(signatures.c.doc_id).order_by(signatures.c.doc_id)).scalars())
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            with self.engine.connect() as conn:
                blobs = {
                    row.doc_id: row.signature
                    for row in conn.execute(select(signatures.c.doc_id, signatures.c.signature).where(signatures.c.doc_id.in_(part)))
                }
                keys: dict[str, list[tuple[int, int]]] = {doc_id: [] for doc_id in part}
                for row in conn.execute(
                    select(bands.c.doc_id, bands.c.band, bands.c.key).where(bands.c.doc_id.in_(part)).order_by(bands.c.band)
                ):
                    keys[row.doc_id].append((row.band, row.key))
            yield [Signature(doc_id, np.frombuffer(blobs[doc_id], dtype=np.uint64), tuple(keys[doc_id])) for doc_id in part]

    def read_state(self, key: str) -> str | None:
        """A ``run_state`` value, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(run_state.c.value).where(run_state.c.key == key)).scalar_one_or_none()

    def delete_state(self, key: str) -> None:
        """Forget a ``run_state`` value (a run that finished needs no checkpoint)."""
        with self._transaction() as conn:
            conn.execute(run_state.delete().where(run_state.c.key == key))

    def copy_links(self) -> dict[str, str | None]:
        """``doc_id -> copy_of`` for every stored document (None for an original)."""
        with self.engine.connect() as conn:
            return {row.doc_id: row.copy_of for row in conn.execute(select(documents.c.doc_id, documents.c.copy_of))}

    def copy_links_for(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        """``doc_id -> copy_of`` for those of ``doc_ids`` that are stored."""
        ids = list(doc_ids)
        if not ids:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(documents.c.doc_id, documents.c.copy_of).where(documents.c.doc_id.in_(ids)))
            return {row.doc_id: row.copy_of for row in rows}

    def band_candidates(self, keys: list[tuple[int, int]]) -> dict[str, bytes]:
        """Stored documents sharing at least one MinHash band with ``keys``, with their signatures."""
        if not keys:
            return {}
        condition = or_(*[(bands.c.band == band) & (bands.c.key == key) for band, key in keys])
        with self.engine.connect() as conn:
            ids = sorted(set(conn.execute(select(bands.c.doc_id).where(condition)).scalars()))
            if not ids:
                return {}
            rows = conn.execute(select(signatures.c.doc_id, signatures.c.signature).where(signatures.c.doc_id.in_(ids)))
            return {row.doc_id: row.signature for row in rows}

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        with self.engine.connect() as conn:
            return {
                table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (documents, sources, failures, signatures, bands, *ANNOTATION_TABLES, corpus_inputs, *INCIDENT_TABLES)
            }

    # -- incidents ----------------------------------------------------------------------------

    def incident_membership(self) -> dict[str, str]:
        """``doc_id -> incident id`` for every document that tells an incident as its news (copies included)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(incident_documents.c.doc_id, incident_documents.c.incident_id).where(incident_documents.c.role != "mentioned")
            )
            return {row.doc_id: row.incident_id for row in rows}

    def revisions_for(self, incident_ids: Iterable[str]) -> dict[str, list[Revision]]:
        """The stored revisions of these incidents, oldest first."""
        ids = list(incident_ids)
        found: dict[str, list[Revision]] = {incident_id: [] for incident_id in ids}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                rows = conn.execute(
                    select(revisions.c.incident_id, revisions.c.record)
                    .where(revisions.c.incident_id.in_(ids[start : start + 500]))
                    .order_by(revisions.c.incident_id, revisions.c.seq)
                )
                for row in rows:
                    found[row.incident_id].append(Revision.model_validate_json(row.record))
        return found

    def write_incidents(
        self,
        fused: Sequence[Incident],
        members: dict[str, list[tuple[str, str]]],
        new_revisions: dict[str, list[Revision]],
    ) -> None:
        """Upsert fused incidents with their members, figures and claims; append their new revisions.

        ``members`` maps an incident id to its ``(doc_id, role)`` rows (main and copy), which replace the
        stored ones; stored revisions are never changed.
        """
        ids = [incident.id for incident in fused]
        try:
            with self._transaction() as conn:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    conn.execute(incidents.delete().where(incidents.c.id.in_(chunk)))
                    conn.execute(incident_figures.delete().where(incident_figures.c.incident_id.in_(chunk)))
                    conn.execute(incident_claims.delete().where(incident_claims.c.incident_id.in_(chunk)))
                    conn.execute(
                        incident_documents.delete().where(
                            incident_documents.c.incident_id.in_(chunk) & (incident_documents.c.role != "mentioned")
                        )
                    )
                rows = [_incident_row(incident) for incident in fused]
                if rows:
                    conn.execute(incidents.insert(), rows)
                figure_rows = [row for incident in fused for row in _figure_rows(incident)]
                if figure_rows:
                    conn.execute(incident_figures.insert(), figure_rows)
                claim_rows = [row for incident in fused for row in _claim_rows(incident)]
                if claim_rows:
                    conn.execute(incident_claims.insert(), claim_rows)
                member_rows = [
                    {"doc_id": doc_id, "incident_id": incident_id, "role": role}
                    for incident_id, rows_of in members.items()
                    for doc_id, role in rows_of
                ]
                if member_rows:
                    conn.execute(incident_documents.insert(), member_rows)
                revision_rows = [
                    {
                        "incident_id": incident_id,
                        "seq": revision.seq,
                        "doc_ids": json.dumps(list(revision.doc_ids)),
                        "published": revision.published,
                        "recorded": revision.recorded,
                        "by": revision.by,
                        "record": revision.model_dump_json(),
                    }
                    for incident_id, added in new_revisions.items()
                    for revision in added
                ]
                if revision_rows:
                    conn.execute(revisions.insert(), revision_rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write incidents to the store at {_safe(self.url)}: {exc}") from exc

    def replace_mentions(self, mentions: Iterable[tuple[str, str]]) -> None:
        """``(doc_id, incident_id)`` pairs of reports that retell an incident replace the stored ones."""
        rows = [{"doc_id": doc_id, "incident_id": incident_id, "role": "mentioned"} for doc_id, incident_id in sorted(set(mentions))]
        try:
            with self._transaction() as conn:
                conn.execute(incident_documents.delete().where(incident_documents.c.role == "mentioned"))
                if rows:
                    conn.execute(incident_documents.insert(), rows)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot write incidents to the store at {_safe(self.url)}: {exc}") from exc

    def incident_links(self) -> list[tuple[str, str, str]]:
        """Every ``(doc_id, incident_id, role)`` row."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(incident_documents.c.doc_id, incident_documents.c.incident_id, incident_documents.c.role)
                .order_by(incident_documents.c.doc_id, incident_documents.c.incident_id)
            )
            return [(row.doc_id, row.incident_id, row.role) for row in rows]

    def iter_incidents(self) -> Iterator[Incident]:
        """Every stored incident with its revisions, by date (undated last), then id."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(incidents.c.id, incidents.c.record).order_by(incidents.c.date.is_(None), incidents.c.date, incidents.c.id)
            ).all()
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            history = self.revisions_for([row.id for row in chunk])
            for row in chunk:
                incident = Incident.model_validate_json(row.record)
                yield incident.model_copy(update={"revisions": tuple(history.get(row.id, ()))})


def _doc_row(doc: Document) -> dict[str, Any]:
    record = doc.model_dump_json(exclude={"raw_html"})
    return {
        "doc_id": doc.doc_id,
        "path": doc.path,
        "format": doc.format,
        "status": doc.status.value,
        "copy_of": doc.copy_of,
        "title": doc.title,
        "outlet": doc.outlet,
        "url": doc.url,
        "language": doc.language,
        "published": doc.published.iso if doc.published else None,
        "published_precision": doc.published.precision.value if doc.published else None,
        "chars": len(doc.text),
        "text": doc.text,
        "record": record,
        "raw_html": doc.raw_html,
        "analysis": doc.analysis,
    }


def _incident_row(incident: Incident) -> dict[str, Any]:
    location = incident.location
    row: dict[str, Any] = {
        "id": incident.id,
        "type": incident.type,
        "sub_type": incident.sub_type,
        "category": incident.category,
        "date": incident.date,
        "date_precision": incident.date_precision,
        "time_local": incident.time_local,
        "location": location.name if location else None,
        "country": location.country if location else None,
        "admin1": location.admin1 if location else None,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "geo_precision": location.precision if location else None,
        "source_count": len(incident.sources),
        "first_reported": incident.first_reported,
        "last_reported": incident.last_reported,
        "summary": incident.summary,
        "record": incident.model_dump_json(exclude={"revisions"}),
    }
    for figure in ("killed", "injured", "arrested"):
        found = incident.figures.get(figure)
        for bound in ("low", "best", "high"):
            row[f"{figure}_{bound}"] = getattr(found, bound) if found else None
    return row


def _figure_rows(incident: Incident) -> list[dict[str, Any]]:
    rows = []
    for figure, found in sorted(incident.figures.items()):
        rows.append({"incident_id": incident.id, "figure": figure, "victim_group": "all", "low": found.low, "best": found.best, "high": found.high})
        for group, span in sorted(found.by_group.items()):
            rows.append({"incident_id": incident.id, "figure": figure, "victim_group": group, "low": span.low, "best": span.best, "high": span.high})
    return rows


def _claim_rows(incident: Incident) -> list[dict[str, Any]]:
    claims = [claim for _, found in sorted(incident.figures.items()) for claim in found.claims]
    return [
        {
            "incident_id": incident.id, "idx": index, "doc_id": c.doc_id, "published": c.published, "figure": c.figure,
            "victim_group": c.group, "value": c.value, "low": c.low, "high": c.high, "qualifier": c.qualifier,
            "attributed_to": c.attributed_to, "counted": int(c.counted), "sentence": c.sentence, "start": c.start, "end": c.end,
        }
        for index, c in enumerate(claims)
    ]


def _annotation_rows(doc: Document) -> dict[Table, list[dict[str, Any]]]:
    return {
        entities: [
            {"doc_id": doc.doc_id, "idx": i, "start": e.start, "end": e.end, "text": e.text, "label": e.label,
             "canonical": e.canonical, "role": e.role}
            for i, e in enumerate(doc.entities)
        ],
        places: [
            {"doc_id": doc.doc_id, "idx": i, "start": p.start, "end": p.end, "text": p.text, "name": p.name,
             "country": p.country, "admin1": p.admin1, "lat": p.lat, "lon": p.lon,
             "precision": p.precision.value if p.precision else None, "method": p.method, "geonames_id": p.geonames_id}
            for i, p in enumerate(doc.places)
        ],
        times: [
            {"doc_id": doc.doc_id, "idx": i, "start": t.start, "end": t.end, "text": t.text, "value": t.value,
             "precision": t.precision.value if t.precision else None, "weekday": t.weekday}
            for i, t in enumerate(doc.times)
        ],
    }


def _replace_annotations(conn: Any, docs: dict[str, Document]) -> None:
    """The annotation rows of ``docs`` replace whatever those documents had (one delete, one insert per table)."""
    if not docs:
        return
    rows: dict[Table, list[dict[str, Any]]] = {table: [] for table in ANNOTATION_TABLES}
    for doc in docs.values():
        for table, found in _annotation_rows(doc).items():
            rows[table].extend(found)
    ids = list(docs)
    for table in ANNOTATION_TABLES:
        conn.execute(table.delete().where(table.c.doc_id.in_(ids)))
        _upsert(conn, table, rows[table])
