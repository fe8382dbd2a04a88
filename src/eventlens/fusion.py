"""Fusion: the reports in the store become one record per real-world incident.

After the per-document and corpus stages, every stored report that tells an incident as its news (its
main incident; not a copy, not a report left unanalysed) is one item for the ``cluster`` stage. Reports
already filed under a stored incident enter as fixed members, so a later run attaches new reports to
the incidents an earlier run made and never changes those incidents' earlier history. A syndicated copy
joins the incident of its original. Each incident that gained reports is then rebuilt by the
``reconcile`` stage from all its reports, and one revision per new report records what was known after
it (reports in publication order). Finally, reports that retell a known incident (a background event
with the incident's date and place) are linked to it as ``mentioned``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from .geo.gazetteer import fold
from .model import DocStatus, Document, DocumentLink, FigureRange, Incident, IncidentMention, Revision
from .pipeline import Pipeline
from .stages.geocode import haversine_km
from .store import Store
from .store.corrections import reapply as reapply_corrections

__all__ = ["FusionResult", "document_links", "fuse", "revision_of"]

logger = logging.getLogger(__name__)

_MENTION_KM = 50.0


@dataclass(slots=True)
class FusionResult:
    """What a fusion pass did."""

    reports: int = 0  # reports filed under an incident (originals)
    copies: int = 0  # syndicated copies filed under their original's incident
    incidents: int = 0  # incidents in the store after the pass
    new_incidents: int = 0
    updated_incidents: int = 0
    revisions_added: int = 0
    unattached: list[str] = field(default_factory=list)  # analysed reports that tell no incident of their own

    def counts(self) -> dict[str, int]:
        return {
            "reports_in_incidents": self.reports,
            "copies_in_incidents": self.copies,
            "incidents": self.incidents,
            "new_incidents": self.new_incidents,
            "updated_incidents": self.updated_incidents,
            "revisions_added": self.revisions_added,
            "reports_without_incident": len(self.unattached),
        }


def _main(doc: Document) -> IncidentMention | None:
    return next((incident for incident in doc.incidents if incident.role == "main"), None)


def _clusterable(doc: Document) -> bool:
    return doc.status == DocStatus.PROCESSED and doc.analysis is None and _main(doc) is not None


def _order_key(doc: Document) -> tuple[str, str]:
    """Publication order: dated reports by date, undated ones after them, ties by doc_id."""
    return (doc.published.iso if doc.published else "9999", doc.doc_id)


def fuse(store: Store, pipeline: Pipeline, *, recorded: str) -> FusionResult:
    """Cluster the stored reports into incidents, reconcile the incidents that changed, store them.

    ``recorded`` is the run's timestamp, kept in each revision this pass adds.
    """
    result = FusionResult()
    stages = pipeline.fusion_stages
    if "cluster" not in stages or "reconcile" not in stages:
        return result
    from .stages.cluster import ClusterItem

    cluster, reconcile = stages["cluster"], stages["reconcile"]
    settings = pipeline.settings
    membership = store.incident_membership()
    items: list[ClusterItem] = []
    copies: dict[str, str] = {}
    mentions: list[tuple[str, IncidentMention]] = []
    for doc in store.iter_documents():
        if doc.status == DocStatus.COPY and doc.copy_of:
            copies[doc.doc_id] = doc.copy_of
        elif _clusterable(doc):
            items.append(ClusterItem.from_document(doc))
        elif doc.analysis is None and doc.status == DocStatus.PROCESSED:
            result.unattached.append(doc.doc_id)
        if doc.analysis is None and doc.status == DocStatus.PROCESSED:
            mentions.extend((doc.doc_id, m) for m in doc.incidents if m.role == "background")
    fixed = {item.doc_id: membership[item.doc_id] for item in items if item.doc_id in membership}
    labels = cluster.func(items, fixed, getattr(settings, cluster.section)) if items else {}
    known = set(membership.values())
    incident_of = {doc_id: key if key in known else f"inc-{key}" for doc_id, key in labels.items()}
    for copy_id, original in copies.items():
        if original in incident_of:
            incident_of[copy_id] = incident_of[original]
    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, incident_id in incident_of.items():
        members[incident_id].append(doc_id)
    changed = sorted(
        incident_id
        for incident_id, doc_ids in members.items()
        if any(membership.get(doc_id) != incident_id for doc_id in doc_ids)
    )
    history = store.revisions_for(changed)
    fused: list[Incident] = []
    new_revisions: dict[str, list[Revision]] = {}
    rows: dict[str, list[tuple[str, str]]] = {}
    cfg = getattr(settings, reconcile.section) if reconcile.section else None
    for incident_id in changed:
        docs = sorted(store.iter_documents_by_ids(sorted(members[incident_id])), key=_order_key)
        old = [doc for doc in docs if membership.get(doc.doc_id) == incident_id]
        new = [doc for doc in docs if membership.get(doc.doc_id) != incident_id]
        revisions = list(history.get(incident_id, ()))
        added: list[Revision] = []
        current = list(old)
        previous = revisions[-1] if revisions else None
        for doc in new[:-1]:
            current.append(doc)
            state = reconcile.func(incident_id, current, cfg)
            previous = revision_of(state, len(revisions) + len(added) + 1, [doc], recorded, previous)
            added.append(previous)
        incident = reconcile.func(incident_id, docs, cfg)
        if new:
            added.append(revision_of(incident, len(revisions) + len(added) + 1, new[-1:], recorded, previous))
        fused.append(incident.model_copy(update={"revisions": tuple(revisions + added)}))
        new_revisions[incident_id] = added
        rows[incident_id] = [(doc.doc_id, "copy" if doc.status == DocStatus.COPY else "main") for doc in docs]
        result.revisions_added += len(added)
        if revisions:
            result.updated_incidents += 1
        else:
            result.new_incidents += 1
    fused = reapply_corrections(store, fused)  # an analyst's figure corrections outlive a rebuild
    store.write_incidents(fused, rows, new_revisions)
    all_incidents = list(store.iter_incidents())
    store.replace_mentions(_mentioned(mentions, all_incidents, incident_of))
    result.incidents = len(all_incidents)
    result.copies = sum(doc_id in copies for doc_id in incident_of)
    result.reports = len(incident_of) - result.copies
    logger.info("fusion: %s", result.counts())
    return result


def revision_of(
    incident: Incident, seq: int, added: Sequence[Document], recorded: str, previous: Revision | None
) -> Revision:
    """The incident's state as one revision: what was known once ``added`` had been read."""
    figures = {name: FigureRange(low=f.low, best=f.best, high=f.high) for name, f in sorted(incident.figures.items())}
    location = incident.location.name if incident.location else None
    state = {"date": incident.date, "location": location, "figures": figures, "sources": len(incident.sources)}
    if previous is None:
        changed = tuple(key for key in ("date", "location") if state[key] is not None) + tuple(figures)
    else:
        changed = tuple(key for key in ("date", "location") if state[key] != getattr(previous, key))
        changed += tuple(
            name for name in sorted(set(figures) | set(previous.figures)) if figures.get(name) != previous.figures.get(name)
        )
    published = max((doc.published.iso for doc in added if doc.published), default=None)
    return Revision(
        seq=seq,
        doc_ids=tuple(doc.doc_id for doc in added),
        published=published,
        recorded=recorded,
        sources=len(incident.sources),
        date=incident.date,
        location=location,
        figures=figures,
        changed=changed,
    )


def _day(value: str | None) -> date | None:
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _mentioned(
    mentions: Iterable[tuple[str, IncidentMention]], incidents: Sequence[Incident], incident_of: dict[str, str]
) -> list[tuple[str, str]]:
    """``(doc_id, incident_id)`` for each retold event that has a known incident's day and place."""
    by_day: dict[date, list[Incident]] = defaultdict(list)
    for incident in incidents:
        day = _day(incident.date)
        if day is not None and incident.location is not None:
            by_day[day].append(incident)
    found: list[tuple[str, str]] = []
    for doc_id, mention in mentions:
        day = _day(mention.date)
        if day is None or mention.place is None:
            continue
        for offset in (-1, 0, 1):
            for incident in by_day.get(date.fromordinal(day.toordinal() + offset), ()):
                if incident.id == incident_of.get(doc_id) or (doc_id, incident.id) in found:
                    continue
                if _same_place(mention, incident):
                    found.append((doc_id, incident.id))
    return found


def _same_place(mention: IncidentMention, incident: Incident) -> bool:
    place, location = mention.place, incident.location
    if place is None or location is None:
        return False
    names = {fold(location.name), *(fold(v) for v in location.variants)}
    if fold(place.name) in names or fold(place.text) in names:
        return True
    if place.lat is None or place.lon is None or location.lat is None or location.lon is None:
        return False
    return haversine_km(place.lat, place.lon, location.lat, location.lon) <= _MENTION_KM


def document_links(store: Store) -> list[DocumentLink]:
    """Every stored document's place among the incidents (events.json ``documents``), in path order."""
    main: dict[str, str] = {}
    mentioned: dict[str, list[str]] = defaultdict(list)
    for doc_id, incident_id, role in store.incident_links():
        if role == "mentioned":
            mentioned[doc_id].append(incident_id)
        else:
            main[doc_id] = incident_id
    links = []
    for row in store.list_documents():
        status = "not_analysed" if row["analysis"] else row["status"]
        links.append(
            DocumentLink(
                doc_id=row["doc_id"],
                path=row["path"],
                status=status,
                copy_of=row["copy_of"],
                published=row["published"],
                title=row["title"],
                outlet=row["outlet"],
                main_incident=main.get(row["doc_id"]),
                mentioned_incidents=tuple(mentioned.get(row["doc_id"], ())),
                analysis=row["analysis"],
            )
        )
    return links
