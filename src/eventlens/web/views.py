"""What the pages show, as plain data for the templates: highlighted texts and the incident's view.

Highlighting is done here, on the server, with the code-point offsets the store holds, so no offset
ever crosses into JavaScript (whose strings count UTF-16 units). A text is cut at every highlight
boundary; each piece carries the kinds of mention covering it, and the template escapes its text.
The incident page reuses the dossier's view (``writers.incident_dossier``), so both say the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ..model import Document, DocumentLink, Incident
from ..writers.incident_dossier import _incident_view

__all__ = ["Piece", "document_pieces", "incident_view", "safe_url"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of text and the mention kinds covering it (``removed``: boilerplate cleaning took out)."""

    text: str
    kinds: tuple[str, ...] = ()
    title: str | None = None
    removed: str | None = None  # the reason, for a removed piece


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    kind: str
    title: str


def _spans(doc: Document) -> list[_Span]:
    spans = [_Span(e.start, e.end, "entity", f"{e.label}: {e.canonical}") for e in doc.entities]
    spans += [
        _Span(p.start, p.end, "place", ", ".join(v for v in (p.name, p.admin1, p.country) if v)) for p in doc.places
    ]
    spans += [_Span(t.start, t.end, "time", t.value or "unresolved") for t in doc.times]
    for incident in doc.incidents:
        for claim in incident.claims:
            amount = claim.value if claim.value is not None else claim.low
            spans.append(_Span(claim.start, claim.end, "claim", f"{claim.figure} {amount} ({claim.group}), {incident.role}"))
    spans += [_Span(q.start, q.end, "quote", f"{q.speaker or 'unknown'}: {q.stance}") for q in doc.quotes]
    size = len(doc.text)
    return [s for s in spans if 0 <= s.start < s.end <= size]


def _removed_at(doc: Document) -> dict[int, list[tuple[str, str]]]:
    """Removed raw spans placed at the cleaned offset where the text after them resumes."""
    found: dict[int, list[tuple[str, str]]] = {}
    segments = sorted(doc.segments, key=lambda s: s.raw)
    for span in sorted(doc.removed, key=lambda r: r.start):
        after = next((seg for seg in segments if seg.raw >= span.end), None)
        at = after.clean if after is not None else len(doc.text)
        found.setdefault(at, []).append((span.text, span.reason))
    return found


def document_pieces(doc: Document) -> list[Piece]:
    """The cleaned text cut into highlighted pieces, with the removed boilerplate where it stood."""
    text = doc.text
    spans = _spans(doc)
    removed = _removed_at(doc)
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans), *removed})
    pieces: list[Piece] = []
    for a, b in pairwise(cuts):
        for content, reason in removed.get(a, ()):
            pieces.append(Piece(content, removed=reason))
        if a < b:
            covering = [s for s in spans if s.start <= a < s.end]
            kinds = tuple(sorted({s.kind for s in covering}))
            title = "; ".join(dict.fromkeys(s.title for s in covering)) or None
            pieces.append(Piece(text[a:b], kinds, title))
    for content, reason in removed.get(len(text), ()):  # the loop stops before the last cut
        pieces.append(Piece(content, removed=reason))
    return pieces


def incident_view(incident: Incident, documents: Iterable[DocumentLink], text_of: Any) -> Any:
    """The dossier's view of one incident: facts, figures, sources and their highlighted texts, quotes, timeline."""
    return _incident_view(incident, {link.doc_id: link for link in documents}, text_of)


def safe_url(url: str | None) -> str | None:
    """A report's URL when it is http(s), else None: never a ``javascript:`` or ``data:`` link."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def marker_radius(killed: int | None) -> float:
    """Marker radius in pixels: the area grows with the fatalities (4 px for none)."""
    return round(4 + 3 * (killed or 0) ** 0.5, 1)


def columns(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Items in rows of ``size`` (side-by-side source columns)."""
    return [items[i : i + size] for i in range(0, len(items), size)]
