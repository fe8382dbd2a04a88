"""Reconciliation (``reconcile.ucdp.v1``): the reports of one incident become one fused Incident record.

The rules follow UCDP GED's low / best / high model:

- **Source order.** Reports dated to the day go by publication day; on the same day, by the toll
  they give (lower first: tolls grow). A report without a publication day is placed by its figures
  among the dated ones: before the first dated report whose toll is at least its own, after all of
  them when none is. A syndicated copy is listed but its claims are not counted again (unless its
  original is not among the members).
- **One report's figure.** Per figure and victim group: a superseding toll ("rose to") wins, then a
  figure attributed to a named source over the outlet's own words, then the largest
  (``within_report="max"``; its smaller figures are mostly parts: "one of the wounded was ...") or
  the last one. "More than ten" is 10 (the stated number); "several" is no number. The report's
  total is the sum of its victim groups, or its group-less figure when that is larger (a conflated
  "four dead, including three attackers" is a total, never added to the groups).
- **Fused figure.** Per group: best = the latest report stating the group, low / high = the
  smallest / largest report figure. Overall: best = the sum of the group bests, or the latest
  group-less total when that is larger (a later partial "one of the dead was a soldier" is not
  summed with an earlier total); low / high = the smallest / largest report total. A figure no
  report gives a number for is None; an explicit "no one was killed" is 0. A perpetrator's own
  claim (``self_claim``) goes to ``Incident.excluded_claims`` (``counted=False``), out of every number.
- **Date, time, place, type.** Votes of the reports. A day beats a weekday beats a month; a weekday
  or a month votes for the days it agrees with (a report dated only "on Sunday" resolves through the
  incident's date). A day after the first report's publication day loses; ties go to the earlier
  day. When every report's day is after the first report (trials, sentencings), the violent events
  they retell on or before it vote instead. No date at all: the first report's day, precision
  ``week``. A clock time counts only from reports giving the chosen day (ties: the earlier report). A
  place is supported by each report naming it or a settlement within ``same_place_km`` (1), or
  the region or country it lies in (0.5); the most supported, then most precise place wins. Type,
  sub-type and category: majority of the reports, ties to the more specific (an ACLED sub-type
  fewer taxonomy categories share), then to the earlier report.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from rapidfuzz import fuzz

from ..geo.gazetteer import fold
from ..lexicons import load_lexicon
from ..model import (
    Actor,
    BackgroundMention,
    CasualtyClaim,
    Disagreement,
    DisagreementValue,
    DocStatus,
    Document,
    Figure,
    FigureRange,
    Incident,
    IncidentMention,
    IncidentQuote,
    Location,
    Place,
    PlacePrecision,
    SourceClaim,
    SourceReport,
)
from ..registry import stage
from ..settings import ReconcileSettings
from .geocode import haversine_km

__all__ = ["reconcile_incident", "source_order"]

UNKNOWN = "unknown"  # the group of a figure given without its victims' group: a total, not a group
_FIGURE_ORDER = ("killed", "injured", "arrested")
_PRECISION_RANK = {p.value: rank for rank, p in enumerate(PlacePrecision)}  # finest first
_AREAS = {PlacePrecision.MUNICIPALITY, PlacePrecision.REGION, PlacePrecision.COUNTRY, PlacePrecision.CONTINENT}
# An area containing a place is weaker evidence than the place itself (multisource dev: a town that
# shares its region's name, in two headlines, must not outvote the village the body names).
_AREA_SUPPORT = 0.5
# A report naming other places in a place's region backs that reading of an ambiguous name (a report's
# "Greenacres, Fla." over another's Greenacres, California; shared/eval/incidents location ...).
_REGION_SUPPORT = 0.25
# A street or building carries the point of the area around it, not its own.
_FACILITY_NAME = re.compile(
    r"\b(?:Street|St|Road|Rd|Avenue|Ave|Lane|Boulevard|Blvd|Drive|Highway|Hospital|Center|Centre|Clinic|Church|"
    r"School|University|College|Stadium|Airport|Hall|Hotel|Mall|Prison|Jail|Apartments?|Park|Station)\.?$"
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LEADING = re.compile(
    r"^(?:(?:the|a|an|some|several|many|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+)+", re.IGNORECASE
)

# Stated values of a disputed field: (value, doc_id, sentence), in source order.
_Value = str | int | None
_Stated = Sequence[tuple[_Value, str, str]]


# ---------------------------------------------------------------------------
# One report
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _GroupFigure:
    """One report's figure for one victim group: the number it counts and the claims stating it."""

    value: int | None
    chosen: CasualtyClaim | None
    claims: tuple[CasualtyClaim, ...]


@dataclass(frozen=True, slots=True)
class _Report:
    doc: Document
    mains: tuple[IncidentMention, ...]
    counted: bool  # False for a copy whose original is among the members
    day: str | None  # publication day (ISO); None when the report is not dated to the day
    figures: dict[str, dict[str, _GroupFigure]]  # figure -> group -> what it states (no self-claims)
    totals: dict[str, int | None]

    @property
    def doc_id(self) -> str:
        return self.doc.doc_id

    @property
    def claims(self) -> list[CasualtyClaim]:
        """Every claim of its main incident, self-claims included, in text order."""
        return sorted((c for m in self.mains for c in m.claims), key=lambda c: (c.start, c.end))


def _number(claim: CasualtyClaim) -> int | None:
    """The number a claim states: its value, or the number a comparative qualifies ('more than ten' -> 10)."""
    if claim.value is not None:
        return claim.value
    qualifier = claim.qualifier or ""
    if qualifier in ("more than", "over") and claim.low is not None:
        return claim.low - 1  # numbers.parse_count keeps "more than N" as low = N + 1
    if qualifier in ("up to", "as many as", "at most") and claim.high is not None:
        return claim.high
    return None  # vague ("several", "dozens") or a range


def _choose(claims: Sequence[CasualtyClaim], within_report: str) -> CasualtyClaim | None:
    """The claim (of one figure and group, in text order) a report's figure is read from."""
    numbered = [c for c in claims if _number(c) is not None]
    if not numbered:
        return None
    for preferred in ([c for c in numbered if c.supersedes], [c for c in numbered if c.attributed_to != "outlet"]):
        numbered = [c for c in numbered if c in preferred] or numbered
    if within_report == "max":
        return max(numbered, key=lambda c: (_number(c) or 0, c.start))
    return numbered[-1]


def _group_figures(claims: Iterable[CasualtyClaim], cfg: ReconcileSettings) -> dict[str, dict[str, _GroupFigure]]:
    """What a set of claims states per figure and victim group (perpetrators' own claims left out)."""
    by_key: dict[tuple[str, str], list[CasualtyClaim]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if not claim.self_claim:
            by_key[(claim.figure, claim.group)].append(claim)
    figures: dict[str, dict[str, _GroupFigure]] = defaultdict(dict)
    for (figure, group), found in sorted(by_key.items()):
        chosen = _choose(found, cfg.within_report)
        figures[figure][group] = _GroupFigure(_number(chosen) if chosen else None, chosen, tuple(found))
    return dict(figures)


def _total(groups: dict[str, _GroupFigure]) -> int | None:
    """The sum of the named groups, or the group-less figure when that is larger."""
    named = [f.value for g, f in groups.items() if g != UNKNOWN and f.value is not None]
    unknown = groups[UNKNOWN].value if UNKNOWN in groups else None
    if not named and unknown is None:
        return None
    return max(sum(named), unknown or 0)


def _report(doc: Document, member_ids: set[str], cfg: ReconcileSettings) -> _Report:
    mains = tuple(m for m in doc.incidents if m.role == "main")
    counted = not (doc.status == DocStatus.COPY and doc.copy_of in member_ids)
    day = doc.published.iso if doc.published is not None and doc.published.day is not None else None
    figures = _group_figures((c for m in mains for c in m.claims), cfg)
    return _Report(doc, mains, counted, day, figures, {name: _total(groups) for name, groups in figures.items()})


# ---------------------------------------------------------------------------
# Source order
# ---------------------------------------------------------------------------


def _toll(report: _Report) -> tuple[int, int]:
    """Same-day order: killed, then injured (a report without the figure first)."""
    killed, injured = report.totals.get("killed"), report.totals.get("injured")
    return (-1 if killed is None else killed, -1 if injured is None else injured)


def _at_least(report: _Report, figure: str, toll: int) -> bool:
    total = report.totals.get(figure)
    return total is not None and total >= toll


def _ordered(reports: Iterable[_Report]) -> list[_Report]:
    reports = list(reports)
    dated = sorted((r for r in reports if r.day), key=lambda r: (r.day or "", _toll(r), r.doc_id))
    slots: dict[int, list[tuple[int, int, str, _Report]]] = defaultdict(list)
    for report in (r for r in reports if not r.day):
        figure = next((f for f in ("killed", "injured") if report.totals.get(f) is not None), None)
        if figure is None:
            slots[len(dated)].append((1, 0, report.doc_id, report))  # no figure: after every dated report
            continue
        toll = report.totals[figure] or 0
        position = next((i for i, d in enumerate(dated) if _at_least(d, figure, toll)), len(dated))
        slots[position].append((0, toll, report.doc_id, report))
    ordered: list[_Report] = []
    for position in range(len(dated) + 1):
        ordered += [r for *_, r in sorted(slots.get(position, []), key=lambda t: t[:3])]
        if position < len(dated):
            ordered.append(dated[position])
    return ordered


def _reports(members: Sequence[Document], cfg: ReconcileSettings) -> list[_Report]:
    unique = {doc.doc_id: doc for doc in members}
    return _ordered(_report(unique[doc_id], set(unique), cfg) for doc_id in sorted(unique))


def source_order(members: Sequence[Document], cfg: ReconcileSettings | None = None) -> list[Document]:
    """The members in the order the rules read them: publication day, then toll; undated ones placed by their figures."""
    return [r.doc for r in _reports(members, cfg or ReconcileSettings())]


# ---------------------------------------------------------------------------
# Figures and their disagreements
# ---------------------------------------------------------------------------


def _source_claim(doc: Document, claim: CasualtyClaim) -> SourceClaim:
    return SourceClaim(
        doc_id=doc.doc_id,
        published=doc.published.iso if doc.published else None,
        figure=claim.figure,
        group=claim.group,
        value=claim.value,
        low=claim.low,
        high=claim.high,
        qualifier=claim.qualifier,
        attributed_to=claim.attributed_to,
        supersedes=claim.supersedes,
        self_claim=claim.self_claim,
        counted=not claim.self_claim,
        sentence=claim.sentence,
        start=claim.start,
        end=claim.end,
    )


def _where(report: _Report) -> str:
    return f"{report.doc_id}, {report.day}" if report.day else report.doc_id


def _stating(figure: str, group: str, reports: Sequence[_Report]) -> list[tuple[int, _Report]]:
    """(figure, report) of each counted report giving a number for the group, in source order."""
    found = []
    for r in reports:
        stated = r.figures.get(figure, {}).get(group)
        if r.counted and stated is not None and stated.value is not None:
            found.append((stated.value, r))
    return found


_PART_OF = re.compile(r"\b(?:of|among)\s+(?:them|whom|those|these|the)\b", re.IGNORECASE)


def _partial(report: _Report, claim: CasualtyClaim | None) -> bool:
    """Whether a claim counts a part of victims told before it: "one of them", "two of the dead"."""
    return claim is not None and _PART_OF.search(report.doc.text, claim.start, claim.end) is not None


def _fuse_figure(figure: str, reports: Sequence[_Report]) -> Figure:
    """Low / best / high of one figure over the counted reports (in source order), with the rule that chose best."""
    claims = tuple(
        _source_claim(r.doc, c)
        for r in reports
        if r.counted
        for c in r.claims
        if c.figure == figure and not c.self_claim
    )
    groups = sorted({g for r in reports if r.counted for g in r.figures.get(figure, {})})
    latest: dict[str, tuple[int, _Report]] = {}
    by_group: dict[str, FigureRange] = {}
    for group in groups:
        stating = _stating(figure, group, reports)
        if not stating:
            continue
        latest[group] = stating[-1]
        if group != UNKNOWN:
            values = [v for v, _ in stating]
            by_group[group] = FigureRange(low=min(values), best=stating[-1][0], high=max(values))
    named = {g: stated for g, stated in latest.items() if g != UNKNOWN}
    group_sum = sum(v for v, _ in named.values()) if named else None
    parts = ", ".join(f"{g} {v} ({_where(r)})" for g, (v, r) in named.items())
    total = latest.get(UNKNOWN)
    # A larger group-less total wins unless a later report gives a group of its own, not a part of
    # the total (a later "18 wounded civilians" replaces an earlier "20 wounded"; "one of them was a
    # police officer" does not): multisource gold, overall best = the sum of the group bests.
    order = {id(r): index for index, r in enumerate(reports)}
    superseded = total is not None and any(
        order[id(r)] > order[id(total[1])] and not _partial(r, r.figures[figure][g].chosen) for g, (_, r) in named.items()
    )
    if total is not None and (group_sum is None or (total[0] > group_sum and not superseded)):
        best = total[0]
        rule = f"best = the latest report's total ({best}, {_where(total[1])})"
        if group_sum is not None:
            rule += f", larger than the sum of the latest figure of each victim group ({parts})"
    elif group_sum is not None:
        best = group_sum
        rule = f"best = the latest report stating each victim group, summed: {parts}" if len(named) > 1 else (
            f"best = the latest report stating it: {parts}"
        )  # fmt: skip
    else:
        return Figure(claims=claims, rule="no report gives a number")
    totals = [t for r in reports if r.counted and (t := r.totals.get(figure)) is not None]
    rule += "; low / high = the smallest / largest report total"
    return Figure(
        low=min([*totals, best]), best=best, high=max([*totals, best]), by_group=by_group, claims=claims, rule=rule
    )


def _less_the_dead(injured: Figure, reports: Sequence[_Report]) -> Figure:
    """Injured without the victims a later report counts dead: "in critical condition" on Saturday, "has
    died" on Monday. The deaths a report after the one giving the injured best adds to its own killed
    figure come out of best (a later report that states injured itself is the one giving best)."""
    counted = [r for r in reports if r.counted]
    stating = [i for i, r in enumerate(counted) if r.totals.get("injured") is not None]
    if injured.best is None or not stating:
        return injured
    last = stating[-1]
    later = [k for r in counted[last + 1 :] if (k := r.totals.get("killed")) is not None]
    died = max(later, default=0) - (counted[last].totals.get("killed") or 0)
    if died <= 0:
        return injured
    best = max(0, injured.best - died)
    rule = f"{injured.rule}; less {died} a later report counts dead ({_where(counted[-1])})"
    return injured.model_copy(update={"best": best, "low": best if injured.low is None else min(injured.low, best), "rule": rule})


def _fuse_figures(names: Sequence[str], reports: Sequence[_Report]) -> dict[str, Figure]:
    """Each figure fused over the reports; the injured less those a later report counts dead."""
    figures = {name: _fuse_figure(name, reports) for name in names}
    if "injured" in figures and "killed" in figures:
        figures["injured"] = _less_the_dead(figures["injured"], reports)
    return figures


def _disagreement(field: str, group: str | None, stated: _Stated, note: str | None = None) -> Disagreement | None:
    """A Disagreement when the stated values hold two values or more, each with the reports and sentences giving it."""
    docs: dict[_Value, list[str]] = defaultdict(list)
    sentences: dict[_Value, list[str]] = defaultdict(list)
    per_doc: dict[str, set[_Value]] = defaultdict(set)
    for value, doc_id, sentence in stated:
        if doc_id not in docs[value]:
            docs[value].append(doc_id)
        if sentence and sentence not in sentences[value]:
            sentences[value].append(sentence)
        per_doc[doc_id].add(value)
    if len(docs) < 2:
        return None
    values = tuple(
        DisagreementValue(value=v, doc_ids=tuple(ids), sentences=tuple(sentences[v])) for v, ids in docs.items()
    )
    within = tuple(doc_id for doc_id, found in per_doc.items() if len(found) > 1)
    return Disagreement(field=field, group=group, values=values, within_source=within, note=note)


def _figure_disagreements(figure: str, reports: Sequence[_Report]) -> list[Disagreement]:
    """Per victim group, every number any report states; and the report totals when several groups have numbers."""
    counted = [r for r in reports if r.counted and figure in r.figures]
    found: list[Disagreement | None] = []
    groups = sorted({g for r in counted for g in r.figures[figure]})
    for group in groups:
        stated = [
            (n, r.doc_id, c.sentence)
            for r in counted
            for c in (r.figures[figure][group].claims if group in r.figures[figure] else ())
            if (n := _number(c)) is not None
        ]
        values = [v for v, _ in _stating(figure, group, counted)]
        note = "the reports' figures rose from report to report" if values == sorted(values) else None
        found.append(_disagreement(figure, group, stated, note))
    if len([g for g in groups if _stating(figure, g, counted)]) > 1:
        totals = [
            (r.totals[figure], r.doc_id, stated.chosen.sentence)
            for r in counted
            if r.totals.get(figure) is not None
            for stated in r.figures[figure].values()
            if stated.chosen is not None
        ]
        found.append(
            _disagreement(figure, None, totals, "report totals: the sum of its groups, or its total when larger")
        )
    return [d for d in found if d is not None]


# ---------------------------------------------------------------------------
# Date and time
# ---------------------------------------------------------------------------


def _day_of(value: str | None) -> date | None:
    if value and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _sentence(doc: Document, start: int, end: int) -> str:
    if not 0 <= start <= end <= len(doc.text):
        return ""
    ev = doc.evidence(start, end)
    return doc.text[ev.sent_start : ev.sent_end].strip()


def _mention_sentence(doc: Document, mention: IncidentMention) -> str:
    """The first sentence telling the mention."""
    if mention.sentences:
        start, end = mention.sentences[0]
        if 0 <= start <= end <= len(doc.text):
            return doc.text[start:end].strip()
    return _sentence(doc, mention.start, mention.end)


@dataclass(frozen=True, slots=True)
class _DateVote:
    report: _Report
    mention: IncidentMention
    day: date | None = None
    weekday: int | None = None
    month: str | None = None  # YYYY-MM
    year: str | None = None

    def supports(self, day: date) -> bool:
        if self.day is not None:
            return self.day == day
        if self.weekday is not None:
            return day.weekday() == self.weekday
        if self.month is not None:
            return day.isoformat()[:7] == self.month
        return self.year is not None and day.isoformat()[:4] == self.year

    def sentence(self) -> str:
        """The sentence of the report's time expression giving this date, else the mention's first sentence."""
        if self.mention.date:
            for ref in self.report.doc.times:
                if ref.value and ref.value.startswith(self.mention.date):
                    return _sentence(self.report.doc, ref.start, ref.end)
        return _mention_sentence(self.report.doc, self.mention)


def _date_vote(report: _Report) -> _DateVote | None:
    """The most precise incident date a report's main incident gives."""
    for mention in report.mains:
        day = _day_of(mention.date)
        if day is not None:
            return _DateVote(report, mention, day=day)
    for mention in report.mains:
        if mention.weekday is not None:
            return _DateVote(report, mention, weekday=mention.weekday)
        if mention.date and len(mention.date) == 7:
            return _DateVote(report, mention, month=mention.date)
        if mention.date and len(mention.date) == 4:
            return _DateVote(report, mention, year=mention.date)
    return None


def _fuse_date(votes: Sequence[_DateVote], reports: Sequence[_Report]) -> tuple[str | None, str | None]:
    """(date, precision) of the incident."""
    first = min((d for d in (_day_of(r.day) for r in reports if r.counted) if d), default=None)
    days = sorted({v.day for v in votes if v.day is not None})
    retold = _retold_days(reports, first) if days and first is not None and days[0] > first else {}
    if retold:
        # Every report's own news is later than the first report (a trial, a sentencing): the incident is
        # the violent event they retell, on the day most of them give (then the earliest).
        return min(retold, key=lambda day: (-retold[day], day)).isoformat(), "day"
    if days:
        support = {day: sum(v.supports(day) for v in votes) for day in days}
        # An incident precedes its first report. Among equally supported days the earliest wins
        # (shared/eval/incidents: date 0.812; the day nearest the first report: 0.797).
        best = min(days, key=lambda day: (first is not None and day > first, -support[day], day))
        return best.isoformat(), "day"
    weekdays = [v.weekday for v in votes if v.weekday is not None]
    if weekdays and first is not None:
        # No report gives the day: the latest such weekday on or before the first publication day.
        weekday = max(set(weekdays), key=lambda w: (weekdays.count(w), -weekdays.index(w)))
        return (first - timedelta(days=(first.weekday() - weekday) % 7)).isoformat(), "day"
    for stated, precision in (
        ([v.month for v in votes if v.month], "month"),
        ([v.year for v in votes if v.year], "year"),
    ):
        if stated:
            return min(set(stated), key=lambda s: (-stated.count(s), s)), precision
    if first is not None:
        # No report dates it: the first report's day, known to the week (local news reports an
        # incident within days; shared/eval/incidents: 1 of 128 incidents, right).
        return first.isoformat(), "week"
    return None, None


def _retold_days(reports: Sequence[_Report], first: date) -> dict[date, int]:
    """Days of the violent events the counted reports retell (background) on or before ``first``, with the
    number of reports retelling each."""
    found: dict[date, set[str]] = defaultdict(set)
    for report in reports:
        if not report.counted:
            continue
        for mention in report.doc.incidents:
            day = _day_of(mention.date) if mention.role == "background" and mention.type else None
            if day is not None and day <= first:
                found[day].add(report.doc_id)
    return {day: len(ids) for day, ids in found.items()}


def _date_disagreement(votes: Sequence[_DateVote], fused: str | None) -> Disagreement | None:
    """Reports giving different days; a weekday or month that agrees with the incident's day is listed under it."""
    day = _day_of(fused)
    stated: list[tuple[_Value, str, str]] = []
    for vote in votes:
        if vote.day is not None:
            value: str | None = vote.day.isoformat()
        elif day is not None and vote.supports(day):
            value = fused
        elif vote.weekday is not None:
            value = _WEEKDAYS[vote.weekday]
        else:
            value = vote.month or vote.year
        stated.append((value, vote.report.doc_id, vote.sentence()))
    return _disagreement("date", None, stated)


def _fuse_time(votes: Sequence[_DateVote], fused: str | None) -> tuple[str | None, Disagreement | None]:
    """The clock time most reports that give the incident's day state (ties: the earlier report), and any disagreement."""
    day = _day_of(fused)
    stated: list[tuple[_Value, str, str]] = [
        (v.mention.time_local, v.report.doc_id, _mention_sentence(v.report.doc, v.mention))
        for v in votes
        if v.mention.time_local
    ]
    times = [v.mention.time_local for v in votes if v.mention.time_local and day is not None and v.supports(day)]
    best = max(set(times), key=lambda t: (times.count(t), -times.index(t))) if times else None
    return best, _disagreement("time_local", None, stated)


# ---------------------------------------------------------------------------
# Place
# ---------------------------------------------------------------------------


def _located(place: Place) -> bool:
    return place.lat is not None and place.lon is not None


def _same_place(a: Place, b: Place, cfg: ReconcileSettings) -> bool:
    """One folded name, settlements within ``same_place_km``, or a spelling of the other that no gazetteer located."""
    if fold(a.name) == fold(b.name):
        return True
    if a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None:
        # A region's centre near a town is not that town: only settlements are compared by distance.
        settlements = a.precision not in _AREAS and b.precision not in _AREAS
        return settlements and haversine_km(a.lat, a.lon, b.lat, b.lon) <= cfg.same_place_km
    return fuzz.ratio(fold(a.name), fold(b.name)) >= cfg.name_similarity


def _contains(area: Place, place: Place) -> bool:
    """``area`` names the first-level region or the country ``place`` lies in (a town named as its region counts)."""
    if fold(area.name) == fold(place.name):
        return False
    if place.admin1 and fold(area.name) == fold(place.admin1):
        return True
    return area.precision == PlacePrecision.COUNTRY and bool(area.country) and area.country == place.country


def _support(place: Place, candidate: Place, cfg: ReconcileSettings) -> float:
    """How much one report's place supports a candidate location."""
    if _same_place(place, candidate, cfg):
        return 1.0
    return _AREA_SUPPORT if _contains(place, candidate) else 0.0


def _precision_rank(place: Place) -> int:
    return _PRECISION_RANK[place.precision.value] if place.precision else len(_PRECISION_RANK)


def _kind_rank(place: Place) -> int:
    """A town or county (0) before a street or building, which carries the point of the area around it (1),
    before a region or country (2)."""
    if place.precision in (PlacePrecision.REGION, PlacePrecision.COUNTRY, PlacePrecision.CONTINENT):
        return 2
    return 1 if _FACILITY_NAME.search(place.name) else 0


def _in_region_of(place: Place, report: _Report) -> bool:
    """Whether the report names, besides ``place``, a place the gazetteer put in ``place``'s first-level
    region, or that region itself ("Sarasota ... Fla."; a namesake abroad has none)."""
    if not place.country or not place.admin1:
        return False
    region = fold(place.admin1)
    for other in report.doc.places:
        if other == place or not (other.method or "").startswith("gazetteer:") or other.country != place.country:
            continue
        if (other.admin1 and fold(other.admin1) == region) or fold(other.name) == region:
            return True
    return False


def _fuse_place(reports: Sequence[_Report], cfg: ReconcileSettings) -> tuple[Location | None, Disagreement | None]:
    """The most supported, then most precise, of the reports' incident places, with every spelling of it.

    A town or county goes before a street or building, before a region (:func:`_kind_rank`); support also
    comes, ``_REGION_SUPPORT`` each, from the reports naming other places in the place's first-level region."""
    stated = [(r, m.place) for r in reports if r.counted for m in r.mains[:1] if m.place is not None]
    if not stated:
        return None, None
    counted = [r for r in reports if r.counted]
    scored = [
        (
            _kind_rank(p),
            -sum(_support(q, p, cfg) for _, q in stated) - _REGION_SUPPORT * sum(_in_region_of(p, r) for r in counted),
            _precision_rank(p),
            not _located(p),
            index,
        )
        for index, (_, p) in enumerate(stated)
    ]
    chosen = stated[min(scored)[-1]][1]
    same = [p for _, p in stated if _same_place(p, chosen, cfg)]
    names = [p.name for p in same if _precision_rank(p) == _precision_rank(chosen)]
    name = max(set(names), key=lambda n: (names.count(n), -names.index(n)))
    # The chosen reading's own point when it has one: two towns of one name are one name, not one point.
    located = (chosen if chosen.name == name and _located(chosen) else None) or next(
        (p for p in same if p.name == name and _located(p)), None
    ) or next((p for p in same if _located(p)), chosen)
    spellings = [name, *(p.text for p in same)]
    spellings += [p.text for r in reports for p in r.doc.places if fold(p.name) == fold(name)]
    variants: list[str] = []
    for text in spellings:
        if text and text.casefold() not in {v.casefold() for v in variants}:
            variants.append(text)
    location = Location(
        name=name,
        variants=tuple(variants),
        admin1=located.admin1,
        country=located.country,
        lat=located.lat,
        lon=located.lon,
        precision=located.precision.value if located.precision else None,
    )
    disagreement = None
    if any(_support(p, chosen, cfg) == 0 for _, p in stated):
        values = [(p.name, r.doc_id, _sentence(r.doc, p.start, p.end)) for r, p in stated]
        disagreement = _disagreement(
            "location", None, values, "places that are not one another and do not contain one another"
        )
    return location, disagreement


# ---------------------------------------------------------------------------
# Type, actors, quotes, background, provenance
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _sub_type_share() -> dict[str, int]:
    """How many taxonomy categories share each ACLED sub-type (fewer is more specific)."""
    # The taxonomy data itself: eventtypes.categories() also compiles every trigger form (2 s).
    specs = load_lexicon("event_taxonomy.json")["categories"].values()
    return dict(Counter(spec["acled_sub_type"] for spec in specs if spec.get("acled_sub_type")))


def _fuse_type(reports: Sequence[_Report]) -> IncidentMention | None:
    """The main mention whose (type, sub-type), then category, most reports share; ties to the more specific."""
    mentions = [m for r in reports if r.counted for m in r.mains[:1] if m.type or m.category]
    if not mentions:
        return None
    share = _sub_type_share()
    pairs = [(m.type, m.sub_type) for m in mentions]
    pair = min(set(pairs), key=lambda p: (-pairs.count(p), share.get(p[1], 1) if p[1] else 1_000, pairs.index(p)))
    within = [m for m in mentions if (m.type, m.sub_type) == pair]
    cats = [m.category for m in within]
    category = min(set(cats), key=lambda c: (-cats.count(c), cats.index(c)))
    return next(m for m in within if m.category == category)


def _description(words: str, doc: Document) -> str:
    """A description as a phrase: 'Gunmen' -> 'gunmen', but 'Kosovo police' keeps the name it starts with."""
    first = words.split(" ", 1)[0]
    if not (first[:1].isupper() and first[1:].islower()):
        return words
    if any(first in entity.text.split() for entity in doc.entities):
        return words
    return words[0].lower() + words[1:]


def _actor_key(name: str) -> str:
    """One key for 'Three terrorists', 'the terrorists' and 'terrorist'."""
    key = _LEADING.sub("", " ".join(name.split())).casefold()
    return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key


def _fuse_actors(reports: Sequence[_Report]) -> tuple[tuple[Actor, ...], dict[str, str]]:
    """Actors merged over the reports (the most used name, the role most reports give) and each key's merged name."""
    seen: dict[str, list[tuple[Actor, str]]] = defaultdict(list)
    for r in reports:
        for actor in (a for m in r.mains for a in m.actors) if r.counted else ():
            if actor.kind == "description":
                actor = actor.model_copy(update={"name": _description(actor.name, r.doc)})
            seen[_actor_key(actor.name)].append((actor, r.doc_id))
    merged: list[tuple[bool, int, str, Actor]] = []
    canonical: dict[str, str] = {}
    for key, found in seen.items():
        names, roles = [a.name for a, _ in found], [a.role for a, _ in found]
        kinds = [a.kind for a, _ in found if a.kind]
        name = max(set(names), key=lambda n: (names.count(n), -names.index(n)))
        role = max(set(roles), key=lambda x: (roles.count(x), -roles.index(x)))
        kind = max(set(kinds), key=lambda k: (kinds.count(k), -kinds.index(k))) if kinds else None
        canonical[key] = name
        naming = len({doc_id for _, doc_id in found})
        merged.append((role != "actor1", -naming, name.casefold(), Actor(name=name, role=role, kind=kind)))
    return tuple(actor for *_, actor in sorted(merged, key=lambda t: t[:3])), canonical


def _actor_terms(report: _Report) -> tuple[str, ...]:
    """The words a report uses for the actors: its descriptions, and the entity names as it writes them."""
    terms: list[str] = []
    for actor in (a for m in report.mains for a in m.actors):
        if actor.kind == "description":
            terms.append(_description(actor.name, report.doc))
        else:
            terms += [e.text for e in report.doc.entities if e.canonical == actor.name] or [actor.name]
    unique: list[str] = []
    for term in terms:
        if term.casefold() not in {t.casefold() for t in unique}:
            unique.append(term)
    return tuple(unique)


def _quote_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _quotes(reports: Sequence[_Report]) -> tuple[IncidentQuote, ...]:
    """Every member's quotes; a copy's quote that a counted member already carries is left out."""
    carried = {_quote_key(q.text) for r in reports if r.counted for q in r.doc.quotes}
    return tuple(
        IncidentQuote(
            doc_id=r.doc_id,
            speaker=q.speaker,
            speaker_text=q.speaker_text,
            stance=q.stance,
            target=q.target,
            text=q.text,
            direct=q.direct,
            start=q.start,
            end=q.end,
        )
        for r in reports
        for q in r.doc.quotes
        if r.counted or _quote_key(q.text) not in carried
    )


def _background(
    reports: Sequence[_Report], incident_id: str, when: str | None, location: Location | None, cfg: ReconcileSettings
) -> tuple[BackgroundMention, ...]:
    """The events the reports retell, one per (date, place, type); a retelling of this incident says so."""
    variants = {fold(v) for v in location.variants} if location else set()
    found: dict[tuple[str | None, str | None, str | None], BackgroundMention] = {}
    for r in reports:
        for mention in (m for m in r.doc.incidents if m.role == "background"):
            place = mention.place.name if mention.place else None
            key = (mention.date, fold(place) if place else None, mention.type)
            if key in found:
                continue
            totals = {name: _total(groups) for name, groups in _group_figures(mention.claims, cfg).items()}
            itself = (
                when is not None
                and mention.date == when
                and (mention.place is None or not variants or fold(mention.place.name) in variants)
            )
            found[key] = BackgroundMention(
                doc_id=r.doc_id,
                date=mention.date,
                date_precision=mention.date_precision.value if mention.date_precision else None,
                type=mention.type,
                sub_type=mention.sub_type,
                trigger=mention.trigger,
                place=place,
                cue=mention.background_cue,
                sentence=_mention_sentence(r.doc, mention),
                figures={name: total for name, total in totals.items() if total is not None},
                incident=incident_id if itself else None,
            )
    return tuple(found.values())


def _figure_rank(figure: str) -> tuple[int, str]:
    return (_FIGURE_ORDER.index(figure) if figure in _FIGURE_ORDER else len(_FIGURE_ORDER), figure)


def _reported(report: _Report) -> tuple[str, ...]:
    """The figure keys a report states: 'killed', 'killed:security_forces', ..."""
    keys: list[str] = []
    for figure in sorted(report.figures, key=_figure_rank):
        keys += [figure, *(f"{figure}:{g}" for g in sorted(report.figures[figure]) if g != UNKNOWN)]
    return tuple(keys)


def _provenance(reports: Sequence[_Report], canonical: dict[str, str]) -> tuple[SourceReport, ...]:
    reported = {r.doc_id: _reported(r) for r in reports}
    stated = list(dict.fromkeys(k for r in reports if r.counted for k in reported[r.doc_id]))
    return tuple(
        SourceReport(
            doc_id=r.doc_id,
            role="copy" if r.doc.status == DocStatus.COPY else "main",
            published=r.doc.published.iso if r.doc.published else None,
            outlet=r.doc.outlet,
            title=r.doc.title,
            path=r.doc.path,
            copy_of=r.doc.copy_of,
            reported=reported[r.doc_id],
            left_out=tuple(k for k in stated if k not in reported[r.doc_id]),
            actors=tuple(dict.fromkeys(canonical.get(_actor_key(a.name), a.name) for m in r.mains for a in m.actors)),
            actor_terms=_actor_terms(r),
            speakers=tuple(dict.fromkeys(q.speaker for q in r.doc.quotes if q.speaker)),
        )
        for r in reports
    )


def _summary(
    kind: str | None,
    location: Location | None,
    when: str | None,
    figures: dict[str, Figure],
    reports: Sequence[_Report],
) -> str:
    """One plain sentence: 'Attack in Banjska, XK on 2023-09-24: 4 killed (best), 1 injured; 4 reports.'"""
    text = kind or "Incident"
    if location is not None:
        text += f" in {location.name}" + (f", {location.country}" if location.country else "")
    if when:
        text += f" on {when}"
    stated = [(name, f.best) for name, f in figures.items() if f.best is not None]
    if stated:
        text += ": " + ", ".join(
            f"{best} {name}" + (" (best)" if i == 0 else "") for i, (name, best) in enumerate(stated)
        )
    copies = sum(r.doc.status == DocStatus.COPY for r in reports)
    text += f"; {len(reports)} report{'s' if len(reports) != 1 else ''}"
    if copies:
        text += f" ({copies} cop{'ies' if copies != 1 else 'y'})"
    return text + "."


# ---------------------------------------------------------------------------
# The stage
# ---------------------------------------------------------------------------


@stage("reconcile.ucdp.v1", slot="reconcile", kind="fusion", section="reconcile")
def reconcile_incident(incident_id: str, members: Sequence[Document], cfg: ReconcileSettings) -> Incident:
    """The fused Incident of ``members`` (every report of it, copies included); the same for any member order."""
    reports = _reports(members, cfg)
    counted = [r for r in reports if r.counted]
    names = sorted({f for r in counted for f in r.figures}, key=_figure_rank)
    figures = _fuse_figures(names, reports)
    disagreements = [d for name in names for d in _figure_disagreements(name, reports)]

    votes = [v for v in (_date_vote(r) for r in counted) if v is not None]
    when, precision = _fuse_date(votes, reports)
    time_local, time_disagreement = _fuse_time(votes, when) if precision == "day" else (None, None)
    location, place_disagreement = _fuse_place(reports, cfg)
    for found in (_date_disagreement(votes, when), time_disagreement, place_disagreement):
        if found is not None:
            disagreements.append(found)

    typed = _fuse_type(reports)
    actors, canonical = _fuse_actors(reports)
    published = [r.day for r in reports if r.day] or [r.doc.published.iso for r in reports if r.doc.published]
    kind = (typed.sub_type or typed.type or typed.category) if typed else None
    return Incident(
        id=incident_id,
        type=typed.type if typed else None,
        sub_type=typed.sub_type if typed else None,
        plover_type=typed.plover_type if typed else None,
        category=typed.category if typed else None,
        date=when,
        date_precision="hour" if time_local else precision,
        time_local=time_local,
        location=location,
        actors=actors,
        sources=tuple(r.doc_id for r in reports),
        figures=figures,
        excluded_claims=tuple(_source_claim(r.doc, c) for r in counted for c in r.claims if c.self_claim),
        quotes=_quotes(reports),
        disagreements=tuple(disagreements),
        background=_background(reports, incident_id, when, location, cfg),
        provenance=_provenance(reports, canonical),
        first_reported=min(published) if published else None,
        last_reported=max(published) if published else None,
        summary=_summary(kind, location, when, figures, reports),
    )
