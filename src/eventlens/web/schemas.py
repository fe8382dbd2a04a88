"""The HTTP API's request and response bodies (published in /openapi.json)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..store.corrections import Correction as CorrectionOut  # the stored record is the response
from ..store.corrections import FigureCorrection

__all__ = [
    "ClaimPage",
    "ClaimRow",
    "CorrectionOut",
    "DocumentIn",
    "DocumentPage",
    "DocumentRow",
    "DocumentsIn",
    "ErrorOut",
    "FigureIn",
    "IncidentPage",
    "IncidentRow",
    "IngestOut",
    "MapPoint",
    "MergeIn",
    "SearchOut",
    "SplitIn",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ErrorOut(BaseModel):
    """Every error that is not a validation error: what went wrong, in one line."""

    detail: str


class IncidentRow(BaseModel):
    id: str
    date: str | None = None
    type: str | None = None
    sub_type: str | None = None
    location: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    killed_best: int | None = None
    injured_best: int | None = None
    arrested_best: int | None = None
    source_count: int
    summary: str | None = None


class IncidentPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[IncidentRow]


class MapPoint(BaseModel):
    id: str
    date: str | None = None
    location: str | None = None
    lat: float
    lon: float
    killed_best: int | None = None
    type: str | None = None


class DocumentRow(BaseModel):
    doc_id: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    status: str
    copy_of: str | None = None
    chars: int
    analysis: str | None = None


class DocumentPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[DocumentRow]


class ClaimRow(BaseModel):
    incident_id: str
    idx: int
    doc_id: str
    published: str | None = None
    figure: str
    victim_group: str
    value: int | None = None
    low: int | None = None
    high: int | None = None
    qualifier: str | None = None
    attributed_to: str | None = None
    counted: int
    sentence: str
    start: int
    end: int


class ClaimPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ClaimRow]


class IncidentHits(BaseModel):
    total: int
    items: list[IncidentRow]


class DocumentHits(BaseModel):
    total: int
    items: list[DocumentRow]


class SearchOut(BaseModel):
    q: str
    incidents: IncidentHits
    documents: DocumentHits


class DocumentIn(_Body):
    """One report to add: its text (plain text or HTML) and what is known about it."""

    text: str | None = Field(default=None, max_length=1_000_000, description="The report as plain text.")
    html: str | None = Field(default=None, max_length=1_000_000, description="The report as an HTML page.")
    title: str | None = Field(default=None, max_length=1000)
    url: str | None = Field(default=None, max_length=2000)
    published: str | None = Field(default=None, max_length=32, description="ISO date, if known.")
    outlet: str | None = Field(default=None, max_length=200)
    language: str | None = Field(default=None, max_length=16)


class DocumentsIn(_Body):
    documents: list[DocumentIn] = Field(min_length=1, max_length=200)


class IngestOut(BaseModel):
    """What adding the reports did: the run's counts and the ids of the reports read."""

    counts: dict[str, int]
    doc_ids: list[str]
    failures: list[dict[str, Any]]


class _Signed(_Body):
    by: str = Field(min_length=1, max_length=64, description="Who makes the correction.")
    why: str = Field(min_length=1, max_length=2000, description="Why: the evidence or reasoning.")


class FigureIn(_Signed, FigureCorrection):
    model_config = ConfigDict(extra="forbid")


class MergeIn(_Signed):
    other: str = Field(min_length=1, max_length=40, description="The incident merged into this one (removed).")


class SplitIn(_Signed):
    doc_ids: list[str] = Field(min_length=1, max_length=1000, description="The reports moved to a new incident.")
