"""dossier.md: a readable account of a run: the documents, what cleaning removed, what failed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Document, Failure, Incident, IncidentMention

if TYPE_CHECKING:
    from .incident_dossier import TextSource

__all__ = ["DossierEntry", "count_label", "dossier_entry", "md_escape", "write_dossier"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str | None) -> str:
    """Escape Markdown and HTML syntax so article text renders as text, never as markup."""
    if not text:
        return ""
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;"))


DossierEntry = dict[str, object]


def count_label(key: str) -> str:
    """A run count's key as words: ``skipped:bad_json`` -> "skipped: bad json", ``not_analysed:de`` -> "not analysed: language de"."""
    head, sep, tail = key.partition(":")
    if head == "not_analysed" and sep:
        return f"not analysed: language {tail}"
    return head.replace("_", " ") + (f": {tail.replace('_', ' ')}" if sep else "")


def dossier_entry(doc: Document) -> DossierEntry:
    """The few fields of a document the dossier shows (kept instead of the whole document)."""
    return {
        "doc_id": doc.doc_id,
        "path": doc.path,
        "title": doc.title,
        "published": doc.published.iso if doc.published else None,
        "precision": doc.published.precision.value if doc.published else None,
        "outlet": doc.outlet,
        "language": doc.language,
        "analysis": doc.analysis,
        "chars": len(doc.text),
        "copy_of": doc.copy_of,
        "removed": dict(Counter(span.reason for span in doc.removed)),
        "people": _unique(e.canonical for e in doc.entities if e.label == "PERSON"),
        "organisations": _unique(e.canonical for e in doc.entities if e.label == "ORG"),
        "places": _unique(
            f"{p.name} ({p.country or '?'}, {p.precision.value if p.precision else 'no point'})" for p in doc.places
        ),
        "dates": _unique(t.value for t in doc.times if t.value),
        "lead": doc.text[:240],
        "incidents": [_incident_entry(incident) for incident in doc.incidents],
        "quotes": [
            {"speaker": q.speaker, "stance": q.stance, "target": q.target, "direct": q.direct, "text": q.text[:300]}
            for q in doc.quotes
        ],
    }


def _incident_entry(incident: IncidentMention) -> dict[str, object]:
    place = incident.place
    return {
        "role": incident.role,
        "type": " / ".join(t for t in (incident.type, incident.sub_type) if t) or incident.category or incident.plover_type,
        "trigger": incident.trigger,
        "date": incident.date or (f"a {_WEEKDAYS[incident.weekday]}" if incident.weekday is not None else None),
        "time": incident.time_local,
        "place": f"{place.name} ({place.country or '?'}, {place.precision.value if place.precision else 'no point'})" if place else None,
        "actors": [f"{a.name} ({a.role})" for a in incident.actors],
        "cue": incident.background_cue,
        "claims": [
            {
                "figure": c.figure,
                "group": c.group,
                "value": c.value,
                "low": c.low,
                "high": c.high,
                "qualifier": c.qualifier,
                "by": c.attributed_to,
                "sentence": c.sentence,
            }
            for c in incident.claims
        ],
    }


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _figure_text(claim: dict[str, object]) -> str:
    if claim["value"] is not None:
        amount = str(claim["value"])
    else:
        low, high = claim["low"], claim["high"]
        amount = f"{low}-{high}" if low is not None and high is not None else f"≥{low}" if low is not None else f"≤{high}" if high is not None else "some"
    return f"{claim['figure']} {amount} ({str(claim['group']).replace('_', ' ')})"


def _incident_lines(entries: list[dict[str, object]]) -> list[str]:
    lines: list[str] = []
    for incident in entries:
        when = ", ".join(str(v) for v in (incident["date"], incident["time"]) if v) or "date not stated"
        head = "Main incident" if incident["role"] == "main" else "Background"
        kind = md_escape(str(incident["type"] or "event"))
        where = md_escape(str(incident["place"])) if incident["place"] else "place not stated"
        trigger = md_escape(str(incident["trigger"]))
        cue = f"; retold: {md_escape(str(incident['cue']))}" if incident["role"] == "background" and incident["cue"] else ""
        lines.append(f"- **{head}**: {kind} (\u201c{trigger}\u201d), {md_escape(when)}, {where}{cue}")
        actors = incident["actors"]
        if isinstance(actors, list) and actors:
            lines.append("  - actors: " + ", ".join(md_escape(str(a)) for a in actors))
        claims = incident["claims"]
        if isinstance(claims, list):
            for claim in claims:
                lines.append(
                    f"  - {md_escape(_figure_text(claim))}, according to {md_escape(str(claim['by']))}: "
                    f"\u201c{md_escape(str(claim['sentence']))}\u201d"
                )
    return lines


def _quote_lines(quotes: list[dict[str, object]]) -> list[str]:
    lines = []
    for quote in quotes:
        kind = "said" if quote["direct"] else "reported"
        target = f" (target: {md_escape(str(quote['target']))})" if quote["target"] else ""
        lines.append(
            f"- {md_escape(str(quote['speaker'] or 'unknown speaker'))}, {md_escape(str(quote['stance']))}{target}, "
            f"{kind}: \u201c{md_escape(str(quote['text']))}\u201d"
        )
    return lines


def _unique(values: Iterable[str]) -> list[str]:
    """Distinct values in first-seen order."""
    return list(dict.fromkeys(values))


def write_dossier(
    path: Path,
    entries: Iterable[DossierEntry],
    failures: Iterable[Failure],
    counts: dict[str, int],
    incidents: Sequence[Incident] = (),
    *,
    documents_text: TextSource | None = None,
) -> Path:
    """Write the Markdown dossier of a run; with ``incidents`` it opens with an Incidents section.

    ``documents_text`` (doc id -> cleaned text, a mapping or a function) lets each claim mark its figure's words.
    """
    from .incident_dossier import incident_markdown  # here, not at the top: that module imports md_escape from this one

    entries, failures = list(entries), list(failures)
    lines = ["# eventlens dossier", ""]
    lines.append(
        "Run summary: "
        + ", ".join(f"{md_escape(count_label(key))}: {value}" for key, value in counts.items())
        + "."
    )
    lines += ["", f"The store holds {len(entries)} documents; all are listed here, not only this run's."]
    languages = Counter(str(entry.get("analysis")) for entry in entries if entry.get("analysis"))
    if languages:
        lines += ["", "; ".join(f"{md_escape(text)} ×{n}" for text, n in sorted(languages.items())) + " (stored; the English stages did not run)."]
    if incidents:
        lines += ["", *incident_markdown(incidents, documents_text=documents_text)]
    lines += ["", f"## Documents ({len(entries)})", ""]
    for entry in entries:
        title = md_escape(str(entry["title"])) if entry["title"] else "(no title)"
        lines.append(f"### {title}")
        lines.append("")
        published = (
            f"{entry['published']} ({entry['precision']} precision)" if entry["published"] else "unknown"
        )
        lines.append(f"- document: `{entry['doc_id']}` from {md_escape(str(entry['path']))}")
        lines.append(f"- published: {published}")
        lines.append(f"- outlet: {md_escape(str(entry['outlet'])) if entry['outlet'] else 'unknown'}")
        lines.append(f"- language: {entry['language'] or 'unknown'}; {entry['chars']} characters after cleaning")
        if entry.get("analysis"):
            lines.append(f"- {md_escape(str(entry['analysis']))} (stored; the English stages did not run)")
        if entry["copy_of"]:
            lines.append(f"- a near-copy of `{entry['copy_of']}` (not an independent source)")
        removed = entry["removed"]
        if isinstance(removed, dict) and removed:
            lines.append("- removed: " + ", ".join(f"{reason} ×{n}" for reason, n in sorted(removed.items())))
        for label, key in (("people", "people"), ("organisations", "organisations"), ("places", "places"), ("dates", "dates")):
            values = entry.get(key)
            if isinstance(values, list) and values:
                lines.append(f"- {label}: " + ", ".join(md_escape(str(v)) for v in values))
        lines += ["", f"> {md_escape(str(entry['lead']))}…", ""]
        mentions = entry.get("incidents")
        if isinstance(mentions, list) and mentions:
            lines += ["#### What happened", "", *_incident_lines(mentions), ""]
        quotes = entry.get("quotes")
        if isinstance(quotes, list) and quotes:
            lines += ["#### Statements", "", *_quote_lines(quotes), ""]
    if failures:
        lines += [f"## Skipped inputs ({len(failures)})", ""]
        lines += [f"- {md_escape(f.path)}: {md_escape(f.reason)} ({md_escape(f.message)})" for f in failures]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
