"""Cross-document linking of places the gazetteer lacks (a corpus stage).

One small place is spelled differently by different reports (machine translation, transliteration,
case endings), and only some reports say where it is. Places that no gazetteer entry resolved
(``unresolved`` or ``anchor:*``) are grouped across the documents of a run when their folded names
are close (rapidfuzz ratio, or the same consonant skeleton) and the reports share a country; each
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
from ..model import Document, Place
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


@stage(
    "link.places.v1",
    slot="link",
    requires=("places",),
    assigns=("places",),
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
    # Single-linkage grouping within buckets of the same first letter (names differing there are not linked).
    groups: list[list[_Member]] = []
    buckets: dict[str, list[list[_Member]]] = {}
    for member in members:
        bucket = buckets.setdefault(member.key[:1], [])
        for group in bucket:
            if any(_same_place(member, other, cfg) for other in group):
                group.append(member)
                break
        else:
            bucket.append([member])
            groups.append(bucket[-1])
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
            yield doc.model_copy(update={"places": places})
