"""timeline.png: when each incident happened and when each report of it was published.

One row per incident (labelled by its date and place), the incident date as a red diamond, and each report's
publication date as a point on that row (filled: the report tells the incident as its news; hollow: a
syndicated copy; a cross: it only retells it). A date known only to the month or year (or a range) is drawn as
a faint bar over the period it covers. Reports without a publication date cannot be placed and are counted in the row's label. Beyond
:data:`MAX_ROWS` incidents only the most-reported are drawn, and the figure says so.

Drawn with matplotlib's object API on the Agg canvas: no display and no pyplot state.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date as Date
from pathlib import Path

from ..model import Incident

__all__ = ["MAX_ROWS", "write_timeline_png"]

MAX_ROWS = 60  # beyond this the labels no longer fit a readable figure
_ROW_INCHES = 0.32
_INCIDENT_COLOUR = "#c0392b"
_ROLE_STYLE = {
    "main": {"marker": "o", "color": "#1f5fa8", "facecolors": "#1f5fa8", "label": "report (its news)"},
    "copy": {"marker": "o", "color": "#1f5fa8", "facecolors": "none", "label": "syndicated copy"},
    "mentioned": {"marker": "x", "color": "#555555", "facecolors": "#555555", "label": "retold in a report"},
}


def _first_day(value: str) -> Date | None:
    parts = value.strip()[:10].split("-")
    try:
        numbers = [int(part) for part in parts]
        return Date(numbers[0], numbers[1] if len(numbers) > 1 else 1, numbers[2] if len(numbers) > 2 else 1)
    except (ValueError, IndexError):
        return None


def _last_day(value: str) -> Date | None:
    start = _first_day(value)
    if start is None:
        return None
    known = len(value.strip()[:10].split("-"))
    if known >= 3:
        return start
    if known == 2:
        following = Date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return Date.fromordinal(following.toordinal() - 1)
    return Date(start.year, 12, 31)


def _span(value: str | None) -> tuple[Date, Date] | None:
    """The days an ISO date, month, year or range (``a/b``) covers; None if unknown."""
    if not value:
        return None
    head, _, tail = value.partition("/")
    start, end = _first_day(head), _last_day(tail or head)
    if start is None:
        return None
    return start, end if end is not None and end >= start else start


def _sort_day(incident: Incident) -> Date | None:
    span = _span(incident.date)
    return span[0] if span else None


def _label(incident: Incident, undated: int) -> str:
    place = incident.location.name if incident.location else "place unknown"
    label = f"{incident.date or 'undated'} · {place}"
    if len(label) > 48:
        label = label[:47] + "…"
    return label + (f" (+{undated} undated)" if undated else "")


def _shown(incidents: Sequence[Incident]) -> list[Incident]:
    """At most MAX_ROWS incidents, the most-reported first chosen, then ordered by date (undated last)."""
    chosen = sorted(incidents, key=lambda i: (-(len(i.sources) + len(i.mentioned_in)), i.date or "", i.id))[:MAX_ROWS]
    return sorted(chosen, key=lambda i: (_sort_day(i) is None, _sort_day(i) or Date.min, i.id))


def write_timeline_png(path: Path, incidents: Sequence[Incident], *, dpi: int = 100) -> Path:
    """Write timeline.png: incidents on the y axis, their dates and their reports' publication dates on the x axis."""
    # matplotlib is imported here: at the top it would add ~0.4 s to every import of eventlens.writers.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    shown = _shown(incidents)
    figure = Figure(figsize=(11, 2.0 + _ROW_INCHES * max(len(shown), 1)), dpi=dpi)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    points: dict[str, list[tuple[float, int]]] = {role: [] for role in _ROLE_STYLE}
    incident_points: list[tuple[float, int]] = []
    periods: list[tuple[int, float, float, str]] = []  # (row, start, end, colour) of dates known only roughly
    labels, undated_reports = [], 0
    for row, incident in enumerate(shown):
        undated = 0
        for report in incident.provenance:
            span = _span(report.published)
            if span is None:
                undated += 1
            elif span[0] == span[1]:
                points.get(report.role, points["main"]).append((date2num(span[0]), row))
            else:
                periods.append((row, date2num(span[0]), date2num(span[1]) + 1, _ROLE_STYLE["main"]["color"]))
        listed = {report.doc_id for report in incident.provenance}
        undated += sum(1 for doc_id in incident.sources if doc_id not in listed)
        undated_reports += undated
        span = _span(incident.date)
        if span is not None and span[0] == span[1]:
            incident_points.append((date2num(span[0]), row))
        elif span is not None:
            periods.append((row, date2num(span[0]), date2num(span[1]) + 1, _INCIDENT_COLOUR))
        labels.append(_label(incident, undated))
    for row, begin, end, colour in periods:
        axes.hlines(row, begin, end, colors=colour, linewidth=5, alpha=0.3, zorder=2)
    for role, style in _ROLE_STYLE.items():
        if points[role]:
            xs, ys = zip(*points[role], strict=True)
            axes.scatter(
                xs, ys, marker=style["marker"], edgecolors=style["color"], facecolors=style["facecolors"],
                s=30, zorder=3, label=style["label"],
            )  # fmt: skip
    if incident_points:
        xs, ys = zip(*incident_points, strict=True)
        axes.scatter(xs, ys, marker="D", color=_INCIDENT_COLOUR, s=70, zorder=2.5, label="incident date")
    if periods:
        axes.plot([], [], color="#888888", linewidth=5, alpha=0.3, label="known only to the month/year/range")
    axes.set_yticks(range(len(shown)), labels, fontsize=8)
    axes.set_ylim(len(shown) - 0.5 if shown else 0.5, -0.5)
    if incident_points or periods or any(points.values()):
        locator = AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    else:
        axes.set_xticks([])
        axes.text(0.5, 0.5, "no dated incidents or reports", ha="center", va="center", transform=axes.transAxes)
    axes.grid(axis="x", alpha=0.3)
    notes = [f"{len(incidents)} incident{'' if len(incidents) == 1 else 's'}"]
    if len(shown) < len(incidents):
        notes.append(f"only the {len(shown)} most-reported are drawn")
    if undated_reports:
        notes.append(
            f"{undated_reports} report{'' if undated_reports == 1 else 's'} without a publication date not drawn"
        )
    axes.set_title("Incidents and their reports\n" + "; ".join(notes), fontsize=10, loc="left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
