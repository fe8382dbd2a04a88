"""Output writers: documents.jsonl, dossier.md, run.json and the JSON Schema of the public output."""

from .documents import DocumentsWriter, document_record, write_schema
from .dossier import write_dossier

__all__ = ["DocumentsWriter", "document_record", "write_dossier", "write_schema"]
