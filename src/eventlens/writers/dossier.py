"""dossier.md: a readable account of a run: the documents, what cleaning removed, what failed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ..model import Document, Failure

__all__ = ["DossierEntry", "dossier_entry", "md_escape", "write_dossier"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def md_escape(text: str | None) -> str:
    """Escape Markdown and HTML syntax so article text renders as text, never as markup."""
    if not text:
        return ""
    flat = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;"))


DossierEntry = dict[str, object]


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
    }


def _unique(values: Iterable[str]) -> list[str]:
    """Distinct values in first-seen order."""
    return list(dict.fromkeys(values))


def write_dossier(path: Path, entries: Iterable[DossierEntry], failures: Iterable[Failure], counts: dict[str, int]) -> Path:
    """Write the Markdown dossier of a run."""
    entries, failures = list(entries), list(failures)
    lines = ["# eventlens dossier", ""]
    lines.append(
        "Run summary: "
        + ", ".join(f"{md_escape(key.replace('_', ' '))}: {value}" for key, value in counts.items())
        + "."
    )
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
    if failures:
        lines += [f"## Skipped inputs ({len(failures)})", ""]
        lines += [f"- {md_escape(f.path)}: {md_escape(f.reason)} ({md_escape(f.message)})" for f in failures]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
