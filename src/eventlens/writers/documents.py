"""documents.jsonl: one JSON object per document, streamed, with the published shape of the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, ConfigDict

from ..model import Document, Entity, IncidentMention, PartialDate, Place, Quote, RemovedSpan, Segment, TimeRef

__all__ = ["DocumentOut", "DocumentsWriter", "document_record", "write_schema"]


class PublishedOut(BaseModel):
    """A publication date with its precision and where it came from."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    value: str
    precision: str
    source: str


class DocumentOut(BaseModel):
    """One line of documents.jsonl."""

    model_config = ConfigDict(frozen=True, extra="forbid", title="eventlens document")
    doc_id: str
    path: str
    format: str
    status: str
    copy_of: str | None
    title: str | None
    url: str | None
    outlet: str | None
    outlet_source: str | None
    credited: list[str]
    published: PublishedOut | None
    language: str | None
    language_score: float | None
    text: str
    removed: list[RemovedSpan]
    segments: list[Segment]
    entities: list[Entity]
    places: list[Place]
    times: list[TimeRef]
    incidents: list[IncidentMention]
    quotes: list[Quote]
    analysis: str | None


def _published(date: PartialDate | None) -> PublishedOut | None:
    if date is None:
        return None
    return PublishedOut(value=date.iso, precision=date.precision.value, source=date.source)


def document_record(doc: Document) -> dict[str, Any]:
    """The public JSON shape of a document (validated against DocumentOut)."""
    out = DocumentOut(
        doc_id=doc.doc_id,
        path=doc.path,
        format=doc.format,
        status=doc.status.value,
        copy_of=doc.copy_of,
        title=doc.title,
        url=doc.url,
        outlet=doc.outlet,
        outlet_source=doc.outlet_source,
        credited=list(doc.credited),
        published=_published(doc.published),
        language=doc.language,
        language_score=doc.language_score,
        text=doc.text,
        removed=list(doc.removed),
        segments=list(doc.segments),
        entities=list(doc.entities),
        places=list(doc.places),
        times=list(doc.times),
        incidents=list(doc.incidents),
        quotes=list(doc.quotes),
        analysis=doc.analysis,
    )
    return out.model_dump(mode="json")


class DocumentsWriter:
    """Stream documents to ``documents.jsonl``, one object per line, in the order given."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: IO[str] | None = None

    def __enter__(self) -> DocumentsWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("w", encoding="utf-8")
        return self

    def write(self, doc: Document) -> None:
        if self._fh is None:
            raise RuntimeError("DocumentsWriter must be used as a context manager")
        self._fh.write(json.dumps(document_record(doc), ensure_ascii=False, sort_keys=True) + "\n")

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()


def write_schema(folder: Path) -> Path:
    """Write the JSON Schema of a documents.jsonl line to ``folder/document.schema.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "document.schema.json"
    schema = DocumentOut.model_json_schema()
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path
