"""The incident dossier: one readable account per fused incident, as Markdown and as self-contained HTML.

Per incident: a one-line summary; what, when, where, who; a figures table (figure, group, low, best, high);
each source's claims with its sentence and the figure's words marked; statements grouped by speaker with
their stance; disagreements (who says what); background events the reports retell; and the timeline of
revisions (what was known after each report). The HTML adds each source's text with the claim sentences
highlighted (``<mark>``).

Both formats are built from one view of the incident, so they say the same things. Article text is never
markup: Markdown goes through :func:`~eventlens.writers.dossier.md_escape`, HTML through Jinja2 with
autoescape on (no ``|safe`` anywhere), and the page has inline CSS only, no scripts and no external URLs.

``documents_text`` gives a report's cleaned text by doc id, as a mapping or as a function returning None when
the text is unknown (so a store can be read lazily). Claims are marked from their offsets into that text;
without it the sentence is shown unmarked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment

from ..model import DocumentLink, FigureRange, Incident, SourceClaim
from .dossier import md_escape

__all__ = [
    "TextSource",
    "incident_markdown",
    "write_dossier_html",
    "write_incident_dossier_md",
]

TextSource = Mapping[str, str] | Callable[[str], str | None]

_FIGURE_ORDER = ("killed", "injured", "arrested", "abducted", "missing", "surrounded")
_CODE_SAFE = re.compile(r"[\w.:\-]+")


# ---------------------------------------------------------------------------------------------- the view


@dataclass(frozen=True, slots=True)
class _Marked:
    """A sentence split around the figure's words (``words`` is empty when they could not be placed)."""

    before: str
    words: str
    after: str


@dataclass(frozen=True, slots=True)
class _ClaimView:
    figure: str
    by: str
    sentence: _Marked
    flags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _SourceView:
    doc_id: str
    label: str
    role: str
    title: str | None
    claims: tuple[_ClaimView, ...]


@dataclass(frozen=True, slots=True)
class _QuoteView:
    doc_id: str
    stance: str
    target: str | None
    text: str
    direct: bool


@dataclass(frozen=True, slots=True)
class _SpeakerView:
    speaker: str
    stances: str
    quotes: tuple[_QuoteView, ...]


@dataclass(frozen=True, slots=True)
class _ValueView:
    value: str
    doc_ids: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _DisagreementView:
    field: str
    values: tuple[_ValueView, ...]
    within_source: tuple[str, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class _BackgroundView:
    doc_id: str
    what: str
    cue: str | None
    figures: str | None
    sentence: str
    incident: str | None


@dataclass(frozen=True, slots=True)
class _RevisionView:
    seq: int
    published: str
    doc_ids: tuple[str, ...]
    sources: int
    date: str
    location: str
    figures: tuple[str, ...]
    changed: str
    note: str | None


@dataclass(frozen=True, slots=True)
class _Piece:
    """A run of a source text with the highlights that cover it."""

    text: str
    sentence: bool
    words: bool
    quote: bool


@dataclass(frozen=True, slots=True)
class _TextView:
    doc_id: str
    label: str
    pieces: tuple[_Piece, ...] | None  # None: the text is not known


@dataclass(frozen=True, slots=True)
class _IncidentView:
    id: str
    heading: str
    summary: str | None
    facts: tuple[tuple[str, str], ...]
    figures: tuple[tuple[str, str, str, str, str], ...]
    rules: tuple[tuple[str, str], ...]
    sources: tuple[_SourceView, ...]
    speakers: tuple[_SpeakerView, ...]
    disagreements: tuple[_DisagreementView, ...]
    background: tuple[_BackgroundView, ...]
    timeline_figures: tuple[str, ...]
    timeline: tuple[_RevisionView, ...]
    texts: tuple[_TextView, ...]


def _text_of(documents_text: TextSource | None, doc_id: str) -> str | None:
    if documents_text is None:
        return None
    if callable(documents_text):
        return documents_text(doc_id)
    return documents_text.get(doc_id)


def _words(name: str) -> str:
    return name.replace("_", " ")


def _number(value: int | None) -> str:
    return "—" if value is None else str(value)


def _range_text(figure: FigureRange | None) -> str:
    """``4`` when low, best and high agree, else ``1–3 (best 1)``; ``—`` when nothing is known."""
    if figure is None or (figure.low is None and figure.best is None and figure.high is None):
        return "—"
    if figure.low == figure.best == figure.high:
        return str(figure.best)
    return f"{_number(figure.low)}–{_number(figure.high)} (best {_number(figure.best)})"


def _figure_names(names: Iterable[str]) -> list[str]:
    """Figure keys in the usual order (killed, injured, arrested, ...), then any others alphabetically."""
    unique = set(names)
    known = [name for name in _FIGURE_ORDER if name in unique]
    return known + sorted(unique - set(known))


def _sentence_start(text: str, sentence: str, start: int, end: int) -> int | None:
    """Where ``sentence`` begins in ``text`` such that it holds ``[start, end)``, or None."""
    at = text.find(sentence, max(0, end - len(sentence)))
    if at == -1 or at > start or at + len(sentence) < end:
        return None
    return at


def _marked(claim: SourceClaim, text: str | None) -> _Marked:
    """The claim's sentence split around its figure words, placed by the claim's offsets into the text."""
    sentence = claim.sentence
    if text is None or not 0 <= claim.start < claim.end <= len(text):
        return _Marked(sentence, "", "")
    at = _sentence_start(text, sentence, claim.start, claim.end)
    if at is not None:
        begin, finish = claim.start - at, claim.end - at
    else:  # the stored sentence is spaced differently from the text: look for the words themselves
        begin = sentence.find(text[claim.start : claim.end])
        if begin == -1:
            return _Marked(sentence, "", "")
        finish = begin + claim.end - claim.start
    words = sentence[begin:finish]
    lead, trail = len(words) - len(words.lstrip()), len(words) - len(words.rstrip())
    return _Marked(sentence[: begin + lead], words.strip(), sentence[finish - trail :])


def _claim_amount(claim: SourceClaim) -> str:
    if claim.value is not None:
        amount = str(claim.value)
    elif claim.low is not None and claim.high is not None:
        amount = f"{claim.low}–{claim.high}"
    elif claim.low is not None:
        amount = f"at least {claim.low}"
    elif claim.high is not None:
        amount = f"at most {claim.high}"
    else:
        amount = "some"
    qualifier = f"{claim.qualifier} " if claim.qualifier and claim.value is not None else ""
    return f"{claim.figure} {qualifier}{amount} ({_words(claim.group)})"


def _claim_flags(claim: SourceClaim) -> tuple[str, ...]:
    flags = []
    if claim.supersedes:
        flags.append("a revised toll")
    if claim.self_claim:
        flags.append("the perpetrators' own claim")
    if not claim.counted:
        flags.append("not counted in low/best/high")
    return tuple(flags)


def _report_label(outlet: str | None, published: str | None) -> str:
    return ", ".join((outlet or "outlet unknown", published or "undated"))


def _heading(incident: Incident) -> str:
    kind = incident.sub_type or incident.type or incident.category or incident.plover_type or "Incident"
    place = incident.location.name if incident.location else "place unknown"
    if incident.location and incident.location.country:
        place += f" ({incident.location.country})"
    return f"{kind}, {place}, {incident.date or 'date unknown'}"


def _facts(incident: Incident) -> tuple[tuple[str, str], ...]:
    facts: list[tuple[str, str]] = []
    kinds = " / ".join(k for k in (incident.type, incident.sub_type) if k)
    extra = "; ".join(
        f"{label} {value}"
        for label, value in (("category", incident.category), ("PLOVER", incident.plover_type))
        if value
    )
    if kinds or extra:
        facts.append(("what", f"{kinds} ({extra})" if kinds and extra else kinds or extra))
    when = incident.date or "unknown"
    if incident.date and incident.date_precision:
        when += f" ({incident.date_precision} precision)"
    if incident.time_local:
        when += f", {incident.time_local} local time"
    facts.append(("when", when))
    location = incident.location
    if location is not None:
        where = ", ".join(v for v in (location.name, location.admin2, location.admin1, location.country) if v)
        if location.precision:
            where += f"; {location.precision} precision"
        if location.lat is not None and location.lon is not None:
            where += f"; lat {location.lat:.4f}, lon {location.lon:.4f}"
        others = [v for v in location.variants if v != location.name]
        if others:
            where += "; also written " + ", ".join(others)
        facts.append(("where", where))
    else:
        facts.append(("where", "unknown"))
    if incident.actors:
        facts.append(("actors", ", ".join(f"{a.name} ({a.role})" for a in incident.actors)))
    reports = f"{len(incident.sources)} telling it"
    if incident.mentioned_in:
        reports += f", {len(incident.mentioned_in)} retelling it"
    if incident.first_reported or incident.last_reported:
        reports += (
            f"; first reported {incident.first_reported or 'unknown'}, last {incident.last_reported or 'unknown'}"
        )
    facts.append(("reports", reports))
    return tuple(facts)


def _figure_rows(incident: Incident) -> tuple[tuple[str, str, str, str, str], ...]:
    rows = []
    for name in _figure_names(incident.figures):
        figure = incident.figures[name]
        rows.append((name, "all", _number(figure.low), _number(figure.best), _number(figure.high)))
        for group in sorted(figure.by_group):
            part = figure.by_group[group]
            rows.append((name, _words(group), _number(part.low), _number(part.best), _number(part.high)))
    return tuple(rows)


def _claims_by_doc(incident: Incident) -> dict[str, list[SourceClaim]]:
    """Every claim by report: the figures' claims (killed, injured, ... order), then the excluded ones."""
    claims: dict[str, list[SourceClaim]] = {}
    seen: set[tuple[str, str, str, int, int]] = set()
    listed = [c for name in _figure_names(incident.figures) for c in incident.figures[name].claims]
    for claim in (*listed, *incident.excluded_claims):
        key = (claim.doc_id, claim.figure, claim.group, claim.start, claim.end)
        if key not in seen:
            seen.add(key)
            claims.setdefault(claim.doc_id, []).append(claim)
    return claims


def _source_views(
    incident: Incident, documents: Mapping[str, DocumentLink], texts: Mapping[str, str | None]
) -> tuple[_SourceView, ...]:
    claims = _claims_by_doc(incident)
    reports = {report.doc_id: report for report in incident.provenance}
    order = list(dict.fromkeys([*reports, *incident.sources, *claims]))
    views = []
    for doc_id in order:
        report, link = reports.get(doc_id), documents.get(doc_id)
        outlet = report.outlet if report and report.outlet else link.outlet if link else None
        published = report.published if report and report.published else link.published if link else None
        title = report.title if report and report.title else link.title if link else None
        role = report.role if report else "main"
        text = texts.get(doc_id)
        claim_views = tuple(
            _ClaimView(_claim_amount(c), c.attributed_to, _marked(c, text), _claim_flags(c))
            for c in claims.get(doc_id, ())
        )
        views.append(_SourceView(doc_id, _report_label(outlet, published), role, title, claim_views))
    return tuple(views)


def _speaker_views(incident: Incident) -> tuple[_SpeakerView, ...]:
    by_speaker: dict[str, list[_QuoteView]] = {}
    for quote in incident.quotes:
        speaker = quote.speaker or quote.speaker_text or "unknown speaker"
        by_speaker.setdefault(speaker, []).append(
            _QuoteView(quote.doc_id, quote.stance, quote.target, quote.text, quote.direct)
        )
    views = []
    for speaker, said in by_speaker.items():
        stances = Counter(view.stance for view in said)  # first-seen order
        summary = ", ".join(f"{stance} ×{n}" if n > 1 else stance for stance, n in stances.items())
        views.append(_SpeakerView(speaker, summary, tuple(said)))
    return tuple(views)


def _disagreement_views(incident: Incident) -> tuple[_DisagreementView, ...]:
    views = []
    for item in incident.disagreements:
        field = _words(item.field) + (f" ({_words(item.group)})" if item.group else "")
        values = tuple(
            _ValueView("unknown" if v.value is None else str(v.value), v.doc_ids, v.sentences) for v in item.values
        )
        views.append(_DisagreementView(field, values, item.within_source, item.note))
    return tuple(views)


def _background_views(incident: Incident) -> tuple[_BackgroundView, ...]:
    views = []
    for item in incident.background:
        kind = " / ".join(k for k in (item.type, item.sub_type) if k) or "event"
        what = f"{item.date or 'undated'} · {item.place or 'place not stated'} · {kind} (“{item.trigger}”)"
        figures = ", ".join(f"{name} {value}" for name, value in sorted(item.figures.items())) or None
        views.append(_BackgroundView(item.doc_id, what, item.cue, figures, item.sentence, item.incident))
    return tuple(views)


def _timeline(incident: Incident) -> tuple[tuple[str, ...], tuple[_RevisionView, ...]]:
    names = tuple(_figure_names(name for revision in incident.revisions for name in revision.figures))
    rows = tuple(
        _RevisionView(
            seq=revision.seq,
            published=revision.published or "undated",
            doc_ids=revision.doc_ids,
            sources=revision.sources,
            date=revision.date or "—",
            location=revision.location or "—",
            figures=tuple(_range_text(revision.figures.get(name)) for name in names),
            changed=", ".join(_words(c) for c in revision.changed) or "—",
            note=revision.note,
        )
        for revision in sorted(incident.revisions, key=lambda r: r.seq)
    )
    return names, rows


def _pieces(text: str, claims: Sequence[SourceClaim], quotes: Sequence[tuple[int, int]]) -> tuple[_Piece, ...]:
    """Cut ``text`` at every highlight boundary; each piece knows which highlights cover it."""
    sentences, words = [], []
    for claim in claims:
        if not 0 <= claim.start < claim.end <= len(text):
            continue
        words.append((claim.start, claim.end))
        at = _sentence_start(text, claim.sentence, claim.start, claim.end)
        if at is not None:
            sentences.append((at, at + len(claim.sentence)))
    quotes = [(s, e) for s, e in quotes if 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(p for span in (*sentences, *words, *quotes) for p in span)})

    def covered(spans: list[tuple[int, int]], start: int) -> bool:
        return any(s <= start < e for s, e in spans)

    return tuple(
        _Piece(text[a:b], covered(sentences, a), covered(words, a), covered(quotes, a))
        for a, b in pairwise(cuts)
        if a < b
    )


def _text_views(
    incident: Incident, sources: Sequence[_SourceView], texts: Mapping[str, str | None]
) -> tuple[_TextView, ...]:
    claims = _claims_by_doc(incident)
    quotes: dict[str, list[tuple[int, int]]] = {}
    for quote in incident.quotes:
        quotes.setdefault(quote.doc_id, []).append((quote.start, quote.end))
    views = []
    for source in sources:
        text = texts.get(source.doc_id)
        pieces = (
            _pieces(text, claims.get(source.doc_id, ()), quotes.get(source.doc_id, ())) if text is not None else None
        )
        views.append(_TextView(source.doc_id, source.label, pieces))
    return tuple(views)


def _incident_view(
    incident: Incident, documents: Mapping[str, DocumentLink], documents_text: TextSource | None
) -> _IncidentView:
    doc_ids = dict.fromkeys([*(r.doc_id for r in incident.provenance), *incident.sources, *_claims_by_doc(incident)])
    texts = {doc_id: _text_of(documents_text, doc_id) for doc_id in doc_ids}
    sources = _source_views(incident, documents, texts)
    names, timeline = _timeline(incident)
    return _IncidentView(
        id=incident.id,
        heading=_heading(incident),
        summary=incident.summary,
        facts=_facts(incident),
        figures=_figure_rows(incident),
        rules=tuple(
            (name, incident.figures[name].rule or "")
            for name in _figure_names(incident.figures)
            if incident.figures[name].rule
        ),
        sources=sources,
        speakers=_speaker_views(incident),
        disagreements=_disagreement_views(incident),
        background=_background_views(incident),
        timeline_figures=names,
        timeline=timeline,
        texts=_text_views(incident, sources, texts),
    )


def _views(
    incidents: Iterable[Incident], documents: Iterable[DocumentLink], documents_text: TextSource | None
) -> Iterator[_IncidentView]:
    """One view per incident, made as it is written (a view holds its sources' texts)."""
    links = {link.doc_id: link for link in documents}
    return (_incident_view(incident, links, documents_text) for incident in incidents)


# ---------------------------------------------------------------------------------------------- Markdown


def _md(text: str | None) -> str:
    """md_escape that keeps one space at either end, so escaped pieces can be joined."""
    if not text:
        return ""
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + md_escape(text) + trail


def _code(value: str) -> str:
    """An id as inline code when it is plain (hex digits, ``inc_...``), otherwise escaped text."""
    return f"`{value}`" if _CODE_SAFE.fullmatch(value) else md_escape(value)


def _md_sentence(marked: _Marked) -> str:
    if not marked.words:
        return f"\u201c{md_escape(marked.before)}\u201d"
    return f"\u201c{_md(marked.before)}**{md_escape(marked.words)}**{_md(marked.after)}\u201d"


def _md_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(md_escape(cell) or " " for cell in cells) + " |"


def _md_incident(view: _IncidentView, level: int) -> list[str]:
    h = "#" * level
    lines = [f"{h} {md_escape(view.heading)}", "", f"Incident {_code(view.id)}.", ""]
    if view.summary:
        lines += [md_escape(view.summary), ""]
    lines += [f"- {label}: {md_escape(value)}" for label, value in view.facts]
    lines.append("")
    if view.figures:
        lines += [f"{h}# Figures", "", "| figure | group | low | best | high |", "|---|---|---|---|---|"]
        lines += [_md_row(row) for row in view.figures]
        lines.append("")
        lines += [f"- {md_escape(name)}: {md_escape(rule)}" for name, rule in view.rules]
        lines += [""] if view.rules else []
    claimed = [source for source in view.sources if source.claims]
    if claimed:
        lines += [f"{h}# Claims by source", ""]
        for source in claimed:
            title = f", \u201c{md_escape(source.title)}\u201d" if source.title else ""
            lines.append(f"- {_code(source.doc_id)} ({md_escape(source.label)}{title}):")
            for claim in source.claims:
                flags = f" ({md_escape('; '.join(claim.flags))})" if claim.flags else ""
                lines.append(
                    f"  - {md_escape(claim.figure)}, according to {md_escape(claim.by)}{flags}: {_md_sentence(claim.sentence)}"
                )
        lines.append("")
    if view.speakers:
        lines += [f"{h}# Statements", ""]
        for speaker in view.speakers:
            lines.append(f"- **{md_escape(speaker.speaker)}** ({md_escape(speaker.stances)})")
            for quote in speaker.quotes:
                target = f", target: {md_escape(quote.target)}" if quote.target else ""
                kind = "said" if quote.direct else "reported"
                lines.append(
                    f"  - {md_escape(quote.stance)}{target}, {kind} in {_code(quote.doc_id)}: \u201c{md_escape(quote.text)}\u201d"
                )
        lines.append("")
    if view.disagreements:
        lines += [f"{h}# Disagreements", ""]
        for item in view.disagreements:
            parts = []
            for value in item.values:
                said = ", ".join(_code(d) for d in value.doc_ids) or "no report named"
                quoted = "; ".join(f"\u201c{md_escape(s)}\u201d" for s in value.sentences)
                parts.append(f"{md_escape(value.value)} in {said}" + (f" ({quoted})" if quoted else ""))
            within = (
                f" {', '.join(_code(d) for d in item.within_source)} states more than one value."
                if item.within_source
                else ""
            )
            note = f" {md_escape(item.note)}." if item.note else ""
            lines.append(f"- {md_escape(item.field)}: " + "; ".join(parts) + "." + within + note)
        lines.append("")
    if view.background:
        lines += [f"{h}# Background events mentioned", ""]
        for mention in view.background:
            cue = f" ({md_escape(mention.cue)})" if mention.cue else ""
            figures = f": {md_escape(mention.figures)}" if mention.figures else ""
            known = f"; the known incident {_code(mention.incident)}" if mention.incident else ""
            lines.append(
                f"- {md_escape(mention.what)}, retold in {_code(mention.doc_id)}{cue}{figures}{known}: "
                f"\u201c{md_escape(mention.sentence)}\u201d"
            )
        lines.append("")
    if view.timeline:
        lines += [f"{h}# Timeline: what was known after each report", ""]
        head = ["#", "published", "added", "reports", "date", "place", *view.timeline_figures, "changed"]
        lines += [_md_row(head), "|" + "---|" * len(head)]
        for row in view.timeline:
            added = ", ".join(row.doc_ids)
            changed = row.changed + (f" ({row.note})" if row.note else "")
            lines.append(
                _md_row(
                    [
                        str(row.seq),
                        row.published,
                        added,
                        str(row.sources),
                        row.date,
                        row.location,
                        *row.figures,
                        changed,
                    ]
                )
            )
        lines.append("")
    return lines


def incident_markdown(
    incidents: Sequence[Incident],
    documents: Iterable[DocumentLink] = (),
    *,
    documents_text: TextSource | None = None,
    level: int = 2,
) -> list[str]:
    """The lines of an "Incidents" section (heading at ``level``), one subsection per incident, in the order given."""
    lines = [f"{'#' * level} Incidents ({len(incidents)})", ""]
    if not incidents:
        return [*lines, "No incidents.", ""]
    for view in _views(incidents, documents, documents_text):
        lines += _md_incident(view, level + 1)
    return lines


def write_incident_dossier_md(
    path: Path,
    incidents: Sequence[Incident],
    documents: Iterable[DocumentLink] = (),
    *,
    documents_text: TextSource | None = None,
) -> Path:
    """Write a Markdown dossier of the incidents alone (``write_dossier(..., incidents=)`` puts it in dossier.md)."""
    lines = ["# eventlens incidents", "", *incident_markdown(incidents, documents, documents_text=documents_text)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------- HTML

_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 2px solid #ccc; margin-top: 3rem; } h3 { margin-top: 1.5rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ccc; padding: .2rem .5rem; }
td.n { text-align: right; } code { font-size: .85em; background: #f3f3f3; padding: 0 .2em; }
mark { background: #fff0a0; } mark b { background: #ffd24d; } .quote { border-bottom: 2px solid #7aa7e0; }
.flags, .muted { color: #666; } .summary { font-size: 1.1rem; }
.text { white-space: pre-wrap; border-left: 3px solid #ddd; padding-left: 1rem; font-family: Georgia, serif; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>{{ count }} incident{{ '' if count == 1 else 's' }}.</p>
{% for inc in incidents %}
{% set n = loop.index %}
<section id="incident-{{ n }}">
<h2>{{ inc.heading }}</h2>
<p class="muted">Incident <code>{{ inc.id }}</code></p>
{% if inc.summary %}<p class="summary">{{ inc.summary }}</p>{% endif %}
<ul>{% for label, value in inc.facts %}<li>{{ label }}: {{ value }}</li>{% endfor %}</ul>
{% if inc.figures %}
<h3>Figures</h3>
<table><tr><th>figure</th><th>group</th><th>low</th><th>best</th><th>high</th></tr>
{% for figure, group, low, best, high in inc.figures %}<tr><td>{{ figure }}</td><td>{{ group }}</td><td class="n">{{ low }}</td><td class="n">{{ best }}</td><td class="n">{{ high }}</td></tr>
{% endfor %}</table>
{% if inc.rules %}<ul>{% for name, rule in inc.rules %}<li>{{ name }}: {{ rule }}</li>{% endfor %}</ul>{% endif %}
{% endif %}
{% set claimed = inc.sources|selectattr('claims')|list %}
{% if claimed %}
<h3>Claims by source</h3>
<ul>{% for source in claimed %}
<li><a href="#source-{{ n }}-{{ source.doc_id }}"><code>{{ source.doc_id }}</code></a> ({{ source.label }}{% if source.title %}, “{{ source.title }}”{% endif %})
<ul>{% for claim in source.claims %}<li>{{ claim.figure }}, according to {{ claim.by }}{% if claim.flags %} <span class="flags">({{ claim.flags|join('; ') }})</span>{% endif %}:
“{{ claim.sentence.before }}{% if claim.sentence.words %}<mark>{{ claim.sentence.words }}</mark>{{ claim.sentence.after }}{% endif %}”</li>
{% endfor %}</ul></li>
{% endfor %}</ul>
{% endif %}
{% if inc.speakers %}
<h3>Statements</h3>
<ul>{% for speaker in inc.speakers %}
<li><strong>{{ speaker.speaker }}</strong> ({{ speaker.stances }})
<ul>{% for q in speaker.quotes %}<li>{{ q.stance }}{% if q.target %}, target: {{ q.target }}{% endif %}, {{ 'said' if q.direct else 'reported' }} in <code>{{ q.doc_id }}</code>: “{{ q.text }}”</li>
{% endfor %}</ul></li>
{% endfor %}</ul>
{% endif %}
{% if inc.disagreements %}
<h3>Disagreements</h3>
<ul>{% for item in inc.disagreements %}
<li>{{ item.field }}:
<ul>{% for value in item.values %}<li><strong>{{ value.value }}</strong> in {% for d in value.doc_ids %}<code>{{ d }}</code>{{ ', ' if not loop.last }}{% else %}no report named{% endfor %}{% for s in value.sentences %}<br>“{{ s }}”{% endfor %}</li>
{% endfor %}</ul>
{% if item.within_source %}<span class="muted">{% for d in item.within_source %}<code>{{ d }}</code>{{ ', ' if not loop.last }}{% endfor %} states more than one value.</span>{% endif %}
{% if item.note %}<span class="muted">{{ item.note }}.</span>{% endif %}</li>
{% endfor %}</ul>
{% endif %}
{% if inc.background %}
<h3>Background events mentioned</h3>
<ul>{% for item in inc.background %}<li>{{ item.what }}, retold in <code>{{ item.doc_id }}</code>{% if item.cue %} ({{ item.cue }}){% endif %}{% if item.figures %}: {{ item.figures }}{% endif %}{% if item.incident %}; the known incident <code>{{ item.incident }}</code>{% endif %}: “{{ item.sentence }}”</li>
{% endfor %}</ul>
{% endif %}
{% if inc.timeline %}
<h3>Timeline: what was known after each report</h3>
<table><tr><th>#</th><th>published</th><th>added</th><th>reports</th><th>date</th><th>place</th>{% for name in inc.timeline_figures %}<th>{{ name }}</th>{% endfor %}<th>changed</th></tr>
{% for row in inc.timeline %}<tr><td class="n">{{ row.seq }}</td><td>{{ row.published }}</td><td>{% for d in row.doc_ids %}<code>{{ d }}</code> {% endfor %}</td><td class="n">{{ row.sources }}</td><td>{{ row.date }}</td><td>{{ row.location }}</td>{% for cell in row.figures %}<td class="n">{{ cell }}</td>{% endfor %}<td>{{ row.changed }}{% if row.note %} ({{ row.note }}){% endif %}</td></tr>
{% endfor %}</table>
{% endif %}
{% if inc.texts %}
<h3>Sources</h3>
{% for t in inc.texts %}
<h4 id="source-{{ n }}-{{ t.doc_id }}"><code>{{ t.doc_id }}</code> ({{ t.label }})</h4>
{% if t.pieces is none %}<p class="muted">Text not stored.</p>{% else %}<div class="text">{% for p in t.pieces %}{% if p.quote %}<span class="quote">{% endif %}{% if p.sentence %}<mark>{% endif %}{% if p.words %}<b>{% endif %}{{ p.text }}{% if p.words %}</b>{% endif %}{% if p.sentence %}</mark>{% endif %}{% if p.quote %}</span>{% endif %}{% endfor %}</div>{% endif %}
{% endfor %}
{% endif %}
</section>
{% endfor %}
</body>
</html>
"""

# Autoescape on: every value is article text or derived from it, and none is ever marked safe.
_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(_HTML)


def write_dossier_html(
    path: Path,
    incidents: Sequence[Incident],
    documents_text: TextSource | None = None,
    *,
    documents: Iterable[DocumentLink] = (),
    title: str = "eventlens incidents",
) -> Path:
    """Write dossier.html: the Markdown dossier's content plus each source's text with its claims highlighted.

    The page is self-contained (inline CSS, no scripts, no external URLs) and escapes all article text.
    """
    views = _views(incidents, documents, documents_text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        fh.writelines(_TEMPLATE.generate(title=title, count=len(incidents), incidents=views))
    return path
