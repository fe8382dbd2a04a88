"""Output writers: documents.jsonl, events.json/csv/geojson, dossier.md/html, timeline.png and the JSON Schemas."""

from .documents import DocumentsWriter, document_record, write_schema
from .dossier import write_dossier
from .events import write_events_csv, write_events_geojson, write_events_json, write_events_schema
from .incident_dossier import incident_markdown, write_dossier_html, write_incident_dossier_md
from .timeline import write_timeline_png

__all__ = [
    "DocumentsWriter",
    "document_record",
    "incident_markdown",
    "write_dossier",
    "write_dossier_html",
    "write_events_csv",
    "write_events_geojson",
    "write_events_json",
    "write_events_schema",
    "write_incident_dossier_md",
    "write_schema",
    "write_timeline_png",
]
