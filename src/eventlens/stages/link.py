"""Cross-document linking of places the gazetteer lacks (a corpus stage).

One small place is spelled differently by different reports (machine translation, transliteration,
case endings), and only some reports say where it is. Places that no gazetteer entry resolved
(``unresolved`` or ``anchor:*``) are grouped across the documents of a run when their folded names
are close (rapidfuzz ratio, or the same consonant skeleton) and the reports share a country (any
chain of close names makes one group, whatever order the reports come in); each
group then takes one canonical name (its most frequent spelling) and the point of its most precise
member (a stated relation such as "northwest of X" beats a paragraph neighbour). The rule that
answered is kept in ``method`` (``corpus:<method of the member that gave the point>``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz

from ..geo.gazetteer import fold, skeleton
from ..model import Document, IncidentMention, Place
from ..registry import stage
from ..settings import LinkSettings

__all__ = ["link_places"]

# Rung order of the methods that give an unknown place a point: a relation stated next to the name,
# then a place in the same paragraph.
_METHOD_RANK = ("anchor:near", "anchor:direction", "anchor:in", "anchor:paragraph")


@dataclass(slots=True)
class _Member:
    doc_id: str
    index: int
    place: Place
    key: str
    countries: frozenset[str]


def _rank(place: Place) -> int:
    method = place.method or ""
    for rank, prefix in enumerate(_METHOD_RANK):
        if method.startswith(prefix):
            return rank
    return len(_METHOD_RANK)


def _linkable(place: Place) -> bool:
    method = place.method or ""
    return method == "unresolved" or method.startswith("anchor:")


def _countries(doc: Document) -> frozenset[str]:
    return frozenset(p.country for p in doc.places if p.country and (p.method or "").startswith("gazetteer:"))


def _same_place(a: _Member, b: _Member, cfg: LinkSettings) -> bool:
    """Close names in reports about a common country (or where a report names no country)."""
    if a.countries and b.countries and not a.countries & b.countries:
        return False
    return a.key == b.key or skeleton(a.key) == skeleton(b.key) or fuzz.ratio(a.key, b.key) >= cfg.name_similarity


def _single_linkage(members: list[_Member], cfg: LinkSettings) -> list[list[_Member]]:
    """Groups of members joined by any chain of close names, within buckets of the same first letter.

    The groups are the connected components, so they do not depend on the order the documents come in
    (joining each member to the first group it matched split "Banska ... Banjska ... Banjske" in two
    when the reports came in another order; issue 16).
    """
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[str, list[int]] = {}
    for index, member in enumerate(members):
        buckets.setdefault(member.key[:1], []).append(index)
    for indexes in buckets.values():
        for position, i in enumerate(indexes):
            for j in indexes[:position]:
                if root(i) != root(j) and _same_place(members[i], members[j], cfg):
                    parent[root(i)] = root(j)
    grouped: dict[int, list[_Member]] = {}
    for index, member in enumerate(members):
        grouped.setdefault(root(index), []).append(member)
    return list(grouped.values())


def _with_places(incidents: tuple[IncidentMention, ...], places: tuple[Place, ...]) -> tuple[IncidentMention, ...]:
    """Incidents whose place is one of the relinked places take its new name and point (same offsets)."""
    by_span = {(p.start, p.end): p for p in places}
    return tuple(
        incident.model_copy(update={"place": by_span[(incident.place.start, incident.place.end)]})
        if incident.place is not None and (incident.place.start, incident.place.end) in by_span
        else incident
        for incident in incidents
    )


@stage(
    "link.places.v1",
    slot="link",
    requires=("places",),
    assigns=("places", "incidents"),
    section="link",
    kind="corpus",
)
def link_places(docs: Callable[[], Iterator[Document]], cfg: LinkSettings) -> Iterator[Document]:
    """Give places the gazetteer lacks one name and one point across the run's documents; yields changed documents."""
    members: list[_Member] = []
    for doc in docs():
        countries = _countries(doc)
        for index, place in enumerate(doc.places):
            if _linkable(place):
                members.append(_Member(doc.doc_id, index, place, fold(place.text), countries))
    groups = _single_linkage(members, cfg)
    updates: dict[str, dict[int, Place]] = {}
    for group in groups:
        located = [m for m in group if m.place.lat is not None]
        if not located:
            continue
        source = min(located, key=lambda m: (_rank(m.place), m.doc_id, m.index))
        # The most frequent spelling names the group (ties: the first in document order).
        name = Counter(m.place.text for m in sorted(group, key=lambda m: (m.doc_id, m.index))).most_common(1)[0][0]
        for m in group:
            update = {"name": name}
            if m is not source and _rank(m.place) > _rank(source.place):
                update |= {
                    "lat": source.place.lat,
                    "lon": source.place.lon,
                    "country": source.place.country,
                    "admin1": source.place.admin1,
                    "precision": source.place.precision,
                    "method": f"corpus:{source.doc_id}:{source.place.method}",
                }
            new = m.place.model_copy(update=update)
            if new != m.place:
                updates.setdefault(m.doc_id, {})[m.index] = new
    if not updates:
        return
    for doc in docs():
        changed = updates.get(doc.doc_id)
        if changed:
            places = tuple(changed.get(i, place) for i, place in enumerate(doc.places))
            yield doc.model_copy(update={"places": places, "incidents": _with_places(doc.incidents, places)})
