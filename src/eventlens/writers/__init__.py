"""Output writers: documents.jsonl, events.json/csv/geojson, dossier.md, run.json and the JSON Schemas."""

from .documents import DocumentsWriter, document_record, write_schema
from .dossier import write_dossier
from .events import write_events_csv, write_events_geojson, write_events_json, write_events_schema

__all__ = [
    "DocumentsWriter",
    "document_record",
    "write_dossier",
    "write_events_csv",
    "write_events_geojson",
    "write_events_json",
    "write_events_schema",
    "write_schema",
]
