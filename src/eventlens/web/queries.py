"""The web application's reads: one page of incidents, documents or claims at a time, in SQL.

Every list is filtered and sorted in the database and cut with LIMIT/OFFSET (over the indexes of
``store.corrections``, built by the store's migration 0003), so a page costs the same with 100 or 100,000 incidents stored; the
whole record (JSON) is read only for the one incident or document a page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from ..model import Document, Incident
from ..store import Store, documents, incident_claims, incident_documents, incidents

__all__ = ["IncidentFilter", "SORTS", "claim_page", "document_page", "get_document", "get_incident", "incident_page", "links_of", "map_points", "search"]

#: ``sort`` values of the list: a column and a direction; ties always break by id.
SORTS = {
    "date": (incidents.c.date, False),
    "-date": (incidents.c.date, True),
    "killed": (incidents.c.killed_best, False),
    "-killed": (incidents.c.killed_best, True),
    "sources": (incidents.c.source_count, False),
    "-sources": (incidents.c.source_count, True),
    "country": (incidents.c.country, False),
    "-country": (incidents.c.country, True),
    "location": (incidents.c.location, False),
    "-location": (incidents.c.location, True),
}

LIST_COLUMNS = (
    incidents.c.id,
    incidents.c.date,
    incidents.c.type,
    incidents.c.sub_type,
    incidents.c.location,
    incidents.c.country,
    incidents.c.admin1,
    incidents.c.lat,
    incidents.c.lon,
    incidents.c.killed_best,
    incidents.c.injured_best,
    incidents.c.arrested_best,
    incidents.c.source_count,
    incidents.c.summary,
)


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """The list's filters; None is no filter."""

    date_from: str | None = None
    date_to: str | None = None
    country: str | None = None
    type: str | None = None
    min_killed: int | None = None
    q: str | None = None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(query: Select[Any], flt: IncidentFilter) -> Select[Any]:
    conditions = []
    if flt.date_from:
        conditions.append(incidents.c.date >= flt.date_from)
    if flt.date_to:
        # An ISO prefix compares below its longer forms ("2023-09" < "2023-09-24"): take the day's end.
        conditions.append(incidents.c.date <= flt.date_to + "\uffff")
    if flt.country:
        conditions.append(func.upper(incidents.c.country) == flt.country.upper())
    if flt.type:
        conditions.append(or_(incidents.c.type == flt.type, incidents.c.sub_type == flt.type, incidents.c.category == flt.type))
    if flt.min_killed is not None:
        conditions.append(incidents.c.killed_best >= flt.min_killed)
    if flt.q:
        pattern = _like(flt.q.strip())
        conditions.append(
            or_(
                incidents.c.location.ilike(pattern, escape="\\"),
                incidents.c.summary.ilike(pattern, escape="\\"),
                incidents.c.admin1.ilike(pattern, escape="\\"),
                incidents.c.id.ilike(pattern, escape="\\"),
            )
        )
    return query.where(and_(*conditions)) if conditions else query


def incident_page(store: Store, flt: IncidentFilter, *, sort: str = "-date", limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """``(total, rows)``: the incidents matching ``flt``, sorted, one page of summary rows."""
    column, descending = SORTS.get(sort, SORTS["-date"])
    # (column, id) in one direction, so the (column, id) index serves it; SQLite puts NULLs (undated,
    # no figure) last in a descending sort and first in an ascending one.
    order = [column.desc(), incidents.c.id.desc()] if descending else [column.asc(), incidents.c.id.asc()]
    with store.engine.connect() as conn:
        total = conn.execute(_where(select(func.count()).select_from(incidents), flt)).scalar_one()
        rows = conn.execute(_where(select(*LIST_COLUMNS), flt).order_by(*order).limit(limit).offset(offset)).mappings()
        return total, [dict(row) for row in rows]


def map_points(store: Store, flt: IncidentFilter, *, limit: int = 5000) -> list[dict[str, Any]]:
    """Located incidents matching ``flt`` (most killed first), for the map's markers."""
    cols = (incidents.c.id, incidents.c.date, incidents.c.location, incidents.c.lat, incidents.c.lon, incidents.c.killed_best, incidents.c.type)
    query = _where(select(*cols), flt).where(incidents.c.lat.is_not(None) & incidents.c.lon.is_not(None))
    query = query.order_by(incidents.c.killed_best.is_(None), incidents.c.killed_best.desc(), incidents.c.id).limit(limit)
    with store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def get_incident(store: Store, incident_id: str) -> Incident | None:
    """One stored incident with its revisions, or None."""
    with store.engine.connect() as conn:
        record = conn.execute(select(incidents.c.record).where(incidents.c.id == incident_id)).scalar_one_or_none()
    if record is None:
        return None
    history = store.revisions_for([incident_id])
    return Incident.model_validate_json(record).model_copy(update={"revisions": tuple(history.get(incident_id, ()))})


def links_of(store: Store, *, doc_id: str | None = None, incident_id: str | None = None) -> list[tuple[str, str, str]]:
    """``(doc_id, incident_id, role)`` rows of one document or one incident."""
    query = select(incident_documents.c.doc_id, incident_documents.c.incident_id, incident_documents.c.role)
    if doc_id is not None:
        query = query.where(incident_documents.c.doc_id == doc_id)
    if incident_id is not None:
        query = query.where(incident_documents.c.incident_id == incident_id)
    with store.engine.connect() as conn:
        return [(r.doc_id, r.incident_id, r.role) for r in conn.execute(query.order_by(incident_documents.c.doc_id))]


DOC_COLUMNS = (
    documents.c.doc_id,
    documents.c.title,
    documents.c.outlet,
    documents.c.url,
    documents.c.published,
    documents.c.language,
    documents.c.status,
    documents.c.copy_of,
    documents.c.chars,
    documents.c.analysis,
)


def document_page(store: Store, *, q: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """``(total, rows)``: stored documents (newest first), optionally those whose title or text holds ``q``."""
    query = select(*DOC_COLUMNS)
    count = select(func.count()).select_from(documents)
    if q:
        pattern = _like(q.strip())
        condition = or_(documents.c.title.ilike(pattern, escape="\\"), documents.c.text.ilike(pattern, escape="\\"))
        query, count = query.where(condition), count.where(condition)
    order = (documents.c.published.is_(None), documents.c.published.desc(), documents.c.doc_id)
    with store.engine.connect() as conn:
        total = conn.execute(count).scalar_one()
        rows = conn.execute(query.order_by(*order).limit(limit).offset(offset)).mappings()
        return total, [dict(row) for row in rows]


def get_document(store: Store, doc_id: str) -> Document | None:
    """One stored document (without its raw HTML), or None."""
    with store.engine.connect() as conn:
        record = conn.execute(select(documents.c.record).where(documents.c.doc_id == doc_id)).scalar_one_or_none()
    return None if record is None else Document.model_validate_json(record)


def claim_page(
    store: Store, *, incident_id: str | None = None, doc_id: str | None = None, figure: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[dict[str, Any]]]:
    """``(total, rows)``: every source's claim behind the incidents' figures, filtered, one page."""
    conditions = []
    if incident_id:
        conditions.append(incident_claims.c.incident_id == incident_id)
    if doc_id:
        conditions.append(incident_claims.c.doc_id == doc_id)
    if figure:
        conditions.append(incident_claims.c.figure == figure)
    where = and_(*conditions) if conditions else None
    query = select(incident_claims)
    count = select(func.count()).select_from(incident_claims)
    if where is not None:
        query, count = query.where(where), count.where(where)
    with store.engine.connect() as conn:
        total = conn.execute(count).scalar_one()
        rows = conn.execute(query.order_by(incident_claims.c.incident_id, incident_claims.c.idx).limit(limit).offset(offset)).mappings()
        return total, [dict(row) for row in rows]


def search(store: Store, q: str, *, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Incidents and documents that mention ``q`` (place, summary, title, text), one page of each."""
    total, rows = incident_page(store, IncidentFilter(q=q), sort="-date", limit=limit, offset=offset)
    doc_total, doc_rows = document_page(store, q=q, limit=limit, offset=offset)
    return {"incidents": {"total": total, "items": rows}, "documents": {"total": doc_total, "items": doc_rows}}
