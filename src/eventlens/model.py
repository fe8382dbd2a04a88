"""The eventlens data model: every record that crosses a stage boundary, is stored, or is published.

Records are immutable pydantic models (``frozen=True, extra="forbid"``); collections are tuples.
A stage never edits a record: it returns ``doc.model_copy(update={...})`` with new records built
through validated constructors. Offsets are half-open ``[start, end)`` code-point indices into
``Document.text`` (the cleaned, NFC-normalised text) unless a field says it is a raw offset.
"""

from __future__ import annotations

import bisect
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "Actor",
    "BackgroundMention",
    "Disagreement",
    "DisagreementValue",
    "Figure",
    "FigureRange",
    "Incident",
    "IncidentQuote",
    "Location",
    "Revision",
    "SourceClaim",
    "SourceReport",
    "CasualtyClaim",
    "Claim",
    "DatePrecision",
    "DocStatus",
    "Document",
    "DocumentLink",
    "EventsFile",
    "Entity",
    "Evidence",
    "Failure",
    "IncidentMention",
    "Mention",
    "PartialDate",
    "Place",
    "PlacePrecision",
    "Quote",
    "RemovedSpan",
    "RunResult",
    "Segment",
    "SourceHints",
    "TimeRef",
]


class Record(BaseModel):
    """Base of every published record: immutable, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class DatePrecision(StrEnum):
    """How much of a date or time is known."""

    HOUR = "hour"
    DAY = "day"
    WEEKDAY = "weekday"  # a weekday whose calendar date could not be resolved
    MONTH = "month"
    YEAR = "year"


class PlacePrecision(StrEnum):
    """How exactly a place is located (modelled on UCDP's where_prec)."""

    EXACT = "exact"
    VILLAGE = "village"
    TOWN = "town"
    MUNICIPALITY = "municipality"
    REGION = "region"
    COUNTRY = "country"
    CONTINENT = "continent"  # continents, seas and other supra-national areas


class DocStatus(StrEnum):
    """Where a document ended up."""

    PROCESSED = "processed"
    COPY = "copy"  # a near-duplicate (syndicated) copy of another stored document


class PartialDate(Record):
    """A date known to a stated precision: ``2022`` (year), ``2023-09`` (month), ``2023-09-24`` (day)."""

    year: int = Field(ge=1, le=9999)
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    source: str = Field(description="Where the date came from: header, html_meta, field, copyright, ...")

    @model_validator(mode="after")
    def _day_needs_month(self) -> PartialDate:
        if self.day is not None and self.month is None:
            raise ValueError("a day without a month is not a date")
        return self

    @property
    def precision(self) -> DatePrecision:
        if self.day is not None:
            return DatePrecision.DAY
        if self.month is not None:
            return DatePrecision.MONTH
        return DatePrecision.YEAR

    @property
    def iso(self) -> str:
        """ISO 8601 text of the known part only (``2022``, ``2023-09``, ``2023-09-24``)."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


class Segment(Record):
    """A run of cleaned text copied verbatim from the raw text: ``text[clean:clean+length] == raw[raw:raw+length]``."""

    clean: int = Field(ge=0)
    raw: int = Field(ge=0)
    length: int = Field(ge=1)


class RemovedSpan(Record):
    """A span of the raw text that cleaning removed, with the reason, kept for audit."""

    start: int = Field(ge=0, description="Raw offset (inclusive).")
    end: int = Field(ge=0, description="Raw offset (exclusive).")
    reason: str
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> RemovedSpan:
        if self.end < self.start:
            raise ValueError("end before start")
        return self


class Evidence(Record):
    """The sentence and exact characters that support a fact."""

    doc_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    sent_start: int = Field(ge=0)
    sent_end: int = Field(ge=0)

    @model_validator(mode="after")
    def _nested(self) -> Evidence:
        if not (self.sent_start <= self.start <= self.end <= self.sent_end):
            raise ValueError("evidence span must lie inside its sentence")
        return self


class SourceHints(Record):
    """Metadata stated by the container (JSONL fields, HTML meta, RSS entry), before any inference."""

    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None


class Mention(Record):
    """A span of text naming something, with its label."""

    text: str
    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Entity(Record):
    """A person, organisation or place mention resolved to a canonical name."""

    text: str
    label: str
    canonical: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    role: str | None = None


class Place(Record):
    """A toponym resolved to a gazetteer entry (or an anchor) with a stated precision."""

    text: str
    name: str
    admin1: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2; Kosovo is XK.")
    lat: float | None = None
    lon: float | None = None
    precision: PlacePrecision | None = None
    method: str | None = Field(default=None, description="The resolution rung that answered.")
    geonames_id: int | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class TimeRef(Record):
    """A time expression resolved against the publication date, or left unresolved (value None)."""

    text: str
    value: str | None = Field(default=None, description="ISO date or datetime, or None if unknown.")
    precision: DatePrecision | None = None
    weekday: int | None = Field(default=None, ge=0, le=6, description="Monday=0, when a weekday is stated.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Actor(Record):
    """A participant in an incident: a canonical entity name or a description ("masked gunmen")."""

    name: str
    role: str = Field(description="actor1 (who acted), actor2 (who was acted upon), ...")
    kind: str | None = Field(default=None, description="Entity label (PERSON, ORG, NORP, GPE) or 'description'.")


class CasualtyClaim(Record):
    """One figure as one report states it: killed, injured, arrested, ... of one victim group."""

    figure: str = Field(description="killed, injured, arrested, abducted, missing, surrounded")
    group: str = Field(description="security_forces, attackers, civilians, unknown")
    value: int | None = Field(default=None, ge=0, description="The figure; None for a vague one ('several').")
    low: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)
    qualifier: str | None = Field(default=None, description="'at least', 'about', 'over', 'dozens', ... as written.")
    attributed_to: str = Field(description="Who states it: a canonical entity, an institution, or 'outlet'.")
    supersedes: bool = Field(default=False, description="A revised toll ('the death toll rose to 5').")
    self_claim: bool = Field(
        default=False, description="A toll its perpetrators claim for their own attack ('we killed 12 soldiers'): kept, not counted."
    )
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: str


class IncidentMention(Record):
    """An incident as one report tells it: the report's own (main) news or a retold (background) event."""

    id: str = Field(description="doc_id:index, stable for the same text and settings.")
    role: str = Field(description="main | background")
    type: str | None = Field(default=None, description="ACLED event type.")
    sub_type: str | None = Field(default=None, description="ACLED sub-event type.")
    plover_type: str | None = None
    category: str | None = Field(default=None, description="eventlens taxonomy category (attack, armed_clash, ...).")
    trigger: str
    date: str | None = Field(default=None, description="ISO date (or month, year) of the incident, if stated.")
    date_precision: DatePrecision | None = None
    time_local: str | None = Field(default=None, description="HH:MM local time, if stated.")
    weekday: int | None = Field(default=None, ge=0, le=6, description="A stated weekday not resolved to a date.")
    place: Place | None = None
    actors: tuple[Actor, ...] = ()
    claims: tuple[CasualtyClaim, ...] = ()
    background_cue: str | None = Field(default=None, description="The words that make it background ('in 2008').")
    sentences: tuple[tuple[int, int], ...] = Field(default=(), description="(start, end) of each sentence telling it.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Quote(Record):
    """Something a speaker said, quoted or reported, with the stance it takes."""

    speaker: str | None = Field(default=None, description="Canonical entity name, or the speaker as written.")
    speaker_text: str | None = Field(default=None, description="The words naming the speaker in this report.")
    stance: str = Field(description="claim, accusation, denial, condemnation, appeal, threat")
    target: str | None = None
    text: str
    direct: bool
    cue: str | None = Field(default=None, description="The reporting verb ('said', 'denied').")
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Claim(Record):
    """A figure or fact derived from several sources, with the rule that combined them."""

    field: str
    low: float | None = None
    best: float | None = None
    high: float | None = None
    rule: str
    evidence: tuple[Evidence, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Claim:
        values = [v for v in (self.low, self.best, self.high) if v is not None]
        if values != sorted(values):
            raise ValueError("low <= best <= high is required")
        return self


class FigureRange(Record):
    """Low / best / high of one figure (UCDP GED's model); None where no source states it."""

    low: int | None = None
    best: int | None = None
    high: int | None = None


class SourceClaim(Record):
    """One report's figure as it enters a fused incident: the report's claim, where and when it was stated."""

    doc_id: str
    published: str | None = Field(default=None, description="The report's publication date (ISO), if known.")
    figure: str
    group: str
    value: int | None = None
    low: int | None = None
    high: int | None = None
    qualifier: str | None = None
    attributed_to: str
    supersedes: bool = False
    self_claim: bool = False
    counted: bool = Field(default=True, description="False where the rules leave it out of low/best/high (a perpetrator's own claim).")
    sentence: str
    start: int = Field(ge=0, description="Offset of the figure's words in the report's text.")
    end: int = Field(ge=0)


class Figure(Record):
    """A fused figure (killed, injured, arrested, ...): the range over sources, per group, and every claim."""

    low: int | None = None
    best: int | None = None
    high: int | None = None
    by_group: dict[str, FigureRange] = {}
    claims: tuple[SourceClaim, ...] = ()
    rule: str | None = Field(default=None, description="How best was chosen, in words.")


class DisagreementValue(Record):
    """One of the values sources give for a disputed field, and who gives it."""

    value: str | int | None
    doc_ids: tuple[str, ...]
    sentences: tuple[str, ...] = ()


class Disagreement(Record):
    """Sources (or one source) giving different values for the same field."""

    field: str = Field(description="killed, injured, arrested, ..., date, time_local or location.")
    group: str | None = Field(default=None, description="The victim group of a figure, if it is one group's.")
    values: tuple[DisagreementValue, ...]
    within_source: tuple[str, ...] = Field(default=(), description="Reports that state more than one of the values.")
    note: str | None = None


class Location(Record):
    """Where a fused incident happened, with every spelling its sources used."""

    name: str
    variants: tuple[str, ...] = ()
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str | None = Field(default=None, description="A PlacePrecision value.")


class SourceReport(Record):
    """Provenance and framing: what one report said about an incident and what it left out."""

    doc_id: str
    role: str = Field(description="main (the report's own news), mentioned (retold), copy (a syndicated copy)")
    published: str | None = None
    outlet: str | None = None
    title: str | None = None
    path: str | None = None
    copy_of: str | None = None
    reported: tuple[str, ...] = Field(default=(), description="Figures it states ('killed', 'injured:civilians').")
    left_out: tuple[str, ...] = Field(default=(), description="Figures other sources state and this one does not.")
    actors: tuple[str, ...] = ()
    actor_terms: tuple[str, ...] = Field(default=(), description="The words it uses for the actors ('gunmen', 'terrorists').")
    speakers: tuple[str, ...] = Field(default=(), description="Whose statements it carries.")


class IncidentQuote(Record):
    """A statement about an incident, with the report that carried it."""

    doc_id: str
    speaker: str | None = None
    speaker_text: str | None = None
    stance: str
    target: str | None = None
    text: str
    direct: bool
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class BackgroundMention(Record):
    """An older or separate event that an incident's reports retell (it makes no incident of its own)."""

    doc_id: str
    date: str | None = None
    date_precision: str | None = None
    type: str | None = None
    sub_type: str | None = None
    trigger: str
    place: str | None = None
    cue: str | None = None
    sentence: str
    figures: dict[str, int] = Field(default={}, description="Figures stated for it ('killed' -> 50).")
    incident: str | None = Field(default=None, description="A known incident this mention refers to, if any.")


class Revision(Record):
    """The incident's state after one more report: what was known when. Never rewritten once stored."""

    seq: int = Field(ge=1)
    doc_ids: tuple[str, ...] = Field(description="The report(s) this revision added.")
    published: str | None = None
    recorded: str = Field(description="When the run that made it ran (ISO timestamp).")
    by: str = "pipeline"
    note: str | None = None
    sources: int = Field(ge=0, description="Reports known at this revision.")
    date: str | None = None
    location: str | None = None
    figures: dict[str, FigureRange] = {}
    changed: tuple[str, ...] = Field(default=(), description="Fields whose value this revision changed.")


class Incident(Record):
    """One real-world incident fused from every report of it."""

    id: str
    type: str | None = None
    sub_type: str | None = None
    plover_type: str | None = None
    category: str | None = None
    date: str | None = None
    date_precision: str | None = None
    time_local: str | None = None
    location: Location | None = None
    actors: tuple[Actor, ...] = ()
    sources: tuple[str, ...] = Field(default=(), description="doc_ids of the reports telling it as their news (copies included).")
    mentioned_in: tuple[str, ...] = Field(default=(), description="doc_ids of reports that only retell it.")
    figures: dict[str, Figure] = {}
    excluded_claims: tuple[SourceClaim, ...] = Field(
        default=(), description="Claims kept out of the figures: a perpetrator's own toll for its attack."
    )
    quotes: tuple[IncidentQuote, ...] = ()
    disagreements: tuple[Disagreement, ...] = ()
    background: tuple[BackgroundMention, ...] = ()
    provenance: tuple[SourceReport, ...] = ()
    revisions: tuple[Revision, ...] = ()
    first_reported: str | None = None
    last_reported: str | None = None
    summary: str | None = None


class DocumentLink(Record):
    """A document's place among the fused incidents (the ``documents`` list of events.json)."""

    doc_id: str
    path: str | None = None
    status: str = Field(description="processed | copy | not_analysed")
    copy_of: str | None = None
    published: str | None = None
    title: str | None = None
    outlet: str | None = None
    main_incident: str | None = Field(default=None, description="id of the incident the document reports as its news.")
    mentioned_incidents: tuple[str, ...] = Field(default=(), description="ids of other known incidents it retells.")
    analysis: str | None = None


class EventsFile(Record):
    """events.json: every fused incident and every document's place among them."""

    incidents: tuple[Incident, ...] = ()
    documents: tuple[DocumentLink, ...] = ()


class Document(Record):
    """One report: its raw text, its cleaned text with the map between them, and what stages found.

    ``raw_text`` is the decoded, NFC-normalised input (for HTML, the body text the extractor kept);
    ``text`` is the cleaned text every stage reads. ``segments`` map cleaned offsets to raw offsets.
    """

    doc_id: str = Field(description="First 16 hex digits of the SHA-256 of the raw bytes.")
    path: str = Field(description="Where it came from; 'file.jsonl:3' for line 3 of a JSONL file.")
    format: str = Field(description="txt, html, jsonl, rss")
    encoding: str | None = None
    raw_html: str | None = None
    raw_text: str
    hints: SourceHints = SourceHints()
    status: DocStatus = DocStatus.PROCESSED
    copy_of: str | None = Field(default=None, description="doc_id of the document this one is a copy of.")
    text: str = ""
    segments: tuple[Segment, ...] = ()
    removed: tuple[RemovedSpan, ...] = ()
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    credited: tuple[str, ...] = Field(default=(), description="Outlets the text credits ('reported by X').")
    published: PartialDate | None = None
    language: str | None = None
    language_score: float | None = None
    entities: tuple[Entity, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeRef, ...] = ()
    incidents: tuple[IncidentMention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    analysis: str | None = Field(
        default=None, description="Why the event stages did not analyse it ('not analysed: language de'), else None."
    )

    def raw_offset(self, clean_offset: int) -> int:
        """Map an offset in ``text`` to the offset in ``raw_text`` of the same character."""
        if not 0 <= clean_offset <= len(self.text):
            raise ValueError(f"offset {clean_offset} outside the cleaned text (length {len(self.text)})")
        if not self.segments:
            return clean_offset
        starts = [seg.clean for seg in self.segments]
        index = max(bisect.bisect_right(starts, clean_offset) - 1, 0)
        seg = self.segments[index]
        # Offsets in a separator that cleaning inserted map to the end of the segment before it.
        return seg.raw + min(clean_offset - seg.clean, seg.length)

    def evidence(self, start: int, end: int) -> Evidence:
        """Build the Evidence for ``text[start:end]``, with the sentence (line-bounded) around it."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span [{start}, {end}) outside the cleaned text (length {len(self.text)})")
        sent_start, sent_end = _sentence_bounds(self.text, start, end)
        return Evidence(
            doc_id=self.doc_id,
            start=start,
            end=end,
            text=self.text[start:end],
            sent_start=sent_start,
            sent_end=sent_end,
        )


_SENTENCE_END = (". ", "? ", "! ", ".\n", "?\n", "!\n", "\n")


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left, right = 0, len(text)
    for mark in _SENTENCE_END:
        before = text.rfind(mark, 0, start)
        if before >= 0:
            left = max(left, before + len(mark))
        after = text.find(mark, end)
        if after >= 0:
            right = min(right, after + 1)
    return min(left, start), max(right, end)


class Failure(Record):
    """An input, or a document in a stage, that could not be processed, and why."""

    path: str
    reason: str
    message: str
    stage: str = "ingest"
    doc_id: str | None = None


class RunResult(Record):
    """What one run did: counts, failures, the documents it saw and where its outputs went."""

    counts: dict[str, int]
    failures: tuple[Failure, ...] = ()
    doc_ids: tuple[str, ...] = ()
    outputs: dict[str, str] = {}
    db_url: str | None = None

    @property
    def ok(self) -> bool:
        """Something was processed and no input failed.

        A file of an unsupported type met in a folder walk is named, stored and counted
        (``skipped:unsupported``), but it was never an input eventlens reads, so it fails nothing.
        """
        return self.counts.get("processed", 0) > 0 and all(f.reason == "unsupported" for f in self.failures)

    def summary(self) -> dict[str, Any]:
        """Counts and failures as plain data (the content of run.json's summary)."""
        return {"counts": dict(self.counts), "failures": [f.model_dump() for f in self.failures]}
