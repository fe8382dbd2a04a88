"""Analysts' corrections of fused incidents: a figure set by hand, two incidents merged, one split.

Each correction is a row of ``corrections`` (who, why, when, what) and one revision of every incident it
touches (``by`` the analyst, ``note`` the reason), so the knowledge timeline shows it beside the
pipeline's revisions. They survive re-runs of the pipeline:

- a merge or a split changes which incident the reports are filed under (``incident_documents``), and
  fusion keeps reports filed under a stored incident there and never merges two stored incidents;
- a figure correction is re-applied by :func:`reapply` whenever fusion rebuilds the incident
  (``fusion.fuse`` calls it before writing).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, Index, Integer, String, Table, Text, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import Document, Figure, FigureRange, Incident, Revision
from . import incident_documents, incidents, metadata, Store

__all__ = [
    "Correction",
    "FigureCorrection",
    "apply_figure",
    "correct_figure",
    "corrections_for",
    "merge_incidents",
    "reapply",
    "split_incident",
]

corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", String(40), nullable=False),
    Column("kind", String(16), nullable=False),  # figure, merge or split
    Column("by", String(64), nullable=False),
    Column("why", Text, nullable=False),
    Column("recorded", String(32), nullable=False),
    Column("payload", Text, nullable=False),  # JSON: what was corrected
    Index("ix_corrections_incident", "incident_id"),
)

# The list page filters and sorts on these columns, with the id breaking ties: each sort walks its index
# and stops at the page (the rows hold the whole record as JSON, so a scan of the table is costly).
# The text search scans the narrow (location, summary, admin1, id) index instead of the table.
_INDEXES = (
    Index("ix_incidents_date_id", incidents.c.date, incidents.c.id),
    Index("ix_incidents_killed_id", incidents.c.killed_best, incidents.c.id),
    Index("ix_incidents_sources_id", incidents.c.source_count, incidents.c.id),
    Index("ix_incidents_country_id", incidents.c.country, incidents.c.id),
    Index("ix_incidents_location_id", incidents.c.location, incidents.c.id),
    Index("ix_incidents_type", incidents.c.type),
    Index("ix_incidents_text", incidents.c.location, incidents.c.summary, incidents.c.admin1, incidents.c.id),
)


class FigureCorrection(BaseModel):
    """A figure set by an analyst: ``group`` ``all`` is the incident's overall figure."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    figure: Literal["killed", "injured", "arrested", "abducted", "missing", "surrounded"]
    group: Literal["all", "security_forces", "attackers", "civilians", "unknown"] = "all"
    low: int | None = Field(default=None, ge=0, le=10_000_000)
    best: int | None = Field(default=None, ge=0, le=10_000_000)
    high: int | None = Field(default=None, ge=0, le=10_000_000)


class Correction(BaseModel):
    """One stored correction."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    incident_id: str
    kind: str
    by: str
    why: str
    recorded: str
    payload: dict[str, Any]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def corrections_for(store: Store, incident_id: str | None = None) -> list[Correction]:
    """Stored corrections, oldest first (of one incident when ``incident_id`` is given)."""
    query = select(corrections).order_by(corrections.c.id)
    if incident_id is not None:
        query = query.where(corrections.c.incident_id == incident_id)
    with store.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [Correction.model_validate({**row, "payload": json.loads(row["payload"])}) for row in rows]


def apply_figure(incident: Incident, fix: FigureCorrection, by: str, why: str) -> Incident:
    """The incident with one figure (or one group's part of it) replaced by the analyst's values."""
    values = FigureRange(low=fix.low, best=fix.best, high=fix.high)
    found = incident.figures.get(fix.figure) or Figure()
    rule = f"corrected by {by}: {why}"
    if fix.group == "all":
        figure = found.model_copy(update={"low": fix.low, "best": fix.best, "high": fix.high, "rule": rule})
    else:
        figure = found.model_copy(update={"by_group": {**found.by_group, fix.group: values}, "rule": rule})
    return incident.model_copy(update={"figures": {**incident.figures, fix.figure: figure}})


def reapply(store: Store, fused: Sequence[Incident]) -> list[Incident]:
    """Fused incidents with their stored figure corrections applied again, in the order they were made."""
    ids = [incident.id for incident in fused]
    if not ids:
        return []
    by_incident: dict[str, list[Correction]] = defaultdict(list)
    with store.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            rows = conn.execute(
                select(corrections)
                .where(corrections.c.incident_id.in_(ids[start : start + 500]) & (corrections.c.kind == "figure"))
                .order_by(corrections.c.id)
            ).mappings()
            for row in rows:
                by_incident[row["incident_id"]].append(Correction.model_validate({**row, "payload": json.loads(row["payload"])}))
    result = []
    for incident in fused:
        for item in by_incident.get(incident.id, ()):
            incident = apply_figure(incident, FigureCorrection.model_validate(item.payload), item.by, item.why)
        result.append(incident)
    return result


def _stored(store: Store, incident_id: str) -> Incident:
    found = next((i for i in _load(store, [incident_id])), None)
    if found is None:
        raise KeyError(incident_id)
    return found


def _load(store: Store, ids: Sequence[str]) -> list[Incident]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(incidents.c.id, incidents.c.record).where(incidents.c.id.in_(list(ids)))).all()
    history = store.revisions_for([row.id for row in rows])
    return [
        Incident.model_validate_json(row.record).model_copy(update={"revisions": tuple(history.get(row.id, ()))})
        for row in rows
    ]


def _members(store: Store, incident_id: str) -> list[tuple[str, str]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(incident_documents.c.doc_id, incident_documents.c.role).where(
                (incident_documents.c.incident_id == incident_id) & (incident_documents.c.role != "mentioned")
            )
        ).all()
    return sorted((row.doc_id, row.role) for row in rows)


def _revision(incident: Incident, by: str, why: str, recorded: str, changed: tuple[str, ...]) -> Revision:
    figures = {name: FigureRange(low=f.low, best=f.best, high=f.high) for name, f in sorted(incident.figures.items())}
    return Revision(
        seq=len(incident.revisions) + 1,
        doc_ids=(),
        recorded=recorded,
        by=by[:32],
        note=why,
        sources=len(incident.sources),
        date=incident.date,
        location=incident.location.name if incident.location else None,
        figures=figures,
        changed=changed,
    )


def _record(conn: Any, incident_id: str, kind: str, by: str, why: str, recorded: str, payload: dict[str, Any]) -> None:
    conn.execute(
        corrections.insert().values(
            incident_id=incident_id, kind=kind, by=by, why=why, recorded=recorded, payload=json.dumps(payload, sort_keys=True)
        )
    )


def correct_figure(store: Store, incident_id: str, fix: FigureCorrection, *, by: str, why: str) -> Incident:
    """Set a figure of a stored incident by hand; recorded as a correction and a revision. KeyError if unknown."""
    incident = _stored(store, incident_id)
    recorded = _now()
    fixed = apply_figure(incident, fix, by, why)
    revision = _revision(fixed, by, why, recorded, (fix.figure,))
    fixed = fixed.model_copy(update={"revisions": (*incident.revisions, revision)})
    store.write_incidents([fixed], {incident_id: _members(store, incident_id)}, {incident_id: [revision]})
    _write(store, lambda conn: _record(conn, incident_id, "figure", by, why, recorded, fix.model_dump()))
    return fixed


def _write(store: Store, action: Any) -> None:
    try:
        with store.engine.begin() as conn:
            action(conn)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot record a correction in the store at {store.url}: {exc}") from exc


def _rebuild(store: Store, incident_id: str, doc_ids: Sequence[str], previous: Incident | None) -> Incident:
    """The incident reconciled afresh from these reports, with the stored figure corrections applied."""
    from ..pipeline import Pipeline
    from ..settings import Settings

    pipeline = Pipeline(Settings())
    reconcile = pipeline.fusion_stages["reconcile"]
    cfg = getattr(pipeline.settings, reconcile.section) if reconcile.section else None
    docs: list[Document] = sorted(
        store.iter_documents_by_ids(sorted(doc_ids)),
        key=lambda doc: (doc.published.iso if doc.published else "9999", doc.doc_id),
    )
    incident = reconcile.func(incident_id, docs, cfg)
    incident = reapply(store, [incident])[0]
    return incident.model_copy(update={"revisions": previous.revisions if previous else ()})


def _roles(store: Store, doc_ids: Sequence[str]) -> list[tuple[str, str]]:
    copies = store.copy_links_for(doc_ids)
    return sorted((doc_id, "copy" if copies.get(doc_id) else "main") for doc_id in doc_ids)


def _drop(conn: Any, incident_id: str) -> None:
    """An incident merged away: its row, figures, claims and memberships go; its revisions stay (history)."""
    from . import incident_claims, incident_figures

    conn.execute(incidents.delete().where(incidents.c.id == incident_id))
    conn.execute(incident_figures.delete().where(incident_figures.c.incident_id == incident_id))
    conn.execute(incident_claims.delete().where(incident_claims.c.incident_id == incident_id))
    conn.execute(incident_documents.delete().where(incident_documents.c.incident_id == incident_id))


def merge_incidents(store: Store, keep: str, other: str, *, by: str, why: str) -> Incident:
    """File ``other``'s reports under ``keep`` and rebuild it; ``other`` is removed. KeyError if either is unknown."""
    if keep == other:
        raise ValueError("an incident cannot be merged with itself")
    first, second = _stored(store, keep), _stored(store, other)
    doc_ids = sorted({doc_id for doc_id, _ in _members(store, keep)} | {doc_id for doc_id, _ in _members(store, other)})
    recorded = _now()
    merged = _rebuild(store, keep, doc_ids, first)
    revision = _revision(merged, by, why, recorded, ("sources", f"merged {other}"))
    merged = merged.model_copy(update={"revisions": (*first.revisions, revision)})
    _write(store, lambda conn: _drop(conn, other))
    store.write_incidents([merged], {keep: _roles(store, doc_ids)}, {keep: [revision]})
    payload = {"other": other, "other_sources": list(second.sources)}
    _write(store, lambda conn: _record(conn, keep, "merge", by, why, recorded, payload))
    return merged


def split_incident(store: Store, incident_id: str, doc_ids: Sequence[str], *, by: str, why: str) -> tuple[Incident, Incident]:
    """Move ``doc_ids`` out of the incident into a new one; both rebuilt. KeyError / ValueError on bad input."""
    source = _stored(store, incident_id)
    members = {doc_id for doc_id, _ in _members(store, incident_id)}
    moved = sorted(set(doc_ids))
    if not moved or not set(moved) <= members or set(moved) == members:
        raise ValueError("split needs some, not all, of the incident's reports")
    copies = store.copy_links_for(members)
    originals = [doc_id for doc_id in moved if not copies.get(doc_id)] or moved
    new_id = f"inc-{originals[0]}"
    if _load(store, [new_id]):
        raise ValueError(f"incident {new_id} exists already")
    recorded = _now()
    kept_ids = sorted(members - set(moved))
    kept = _rebuild(store, incident_id, kept_ids, source)
    kept_rev = _revision(kept, by, why, recorded, ("sources", f"split into {new_id}"))
    kept = kept.model_copy(update={"revisions": (*source.revisions, kept_rev)})
    # An incident merged away keeps its revisions: split back out, it carries on from them.
    earlier = tuple(store.revisions_for([new_id])[new_id])
    fresh = _rebuild(store, new_id, moved, None).model_copy(update={"revisions": earlier})
    fresh_rev = _revision(fresh, by, why, recorded, ("sources", f"split from {incident_id}"))
    fresh = fresh.model_copy(update={"revisions": (*earlier, fresh_rev)})
    store.write_incidents(
        [kept, fresh],
        {incident_id: _roles(store, kept_ids), new_id: _roles(store, moved)},
        {incident_id: [kept_rev], new_id: [fresh_rev]},
    )
    payload = {"moved": moved, "new_incident": new_id}
    _write(store, lambda conn: _record(conn, incident_id, "split", by, why, recorded, payload))
    return kept, fresh

