"""The published JSON Schema is current, and every line a run writes validates against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import eventlens
from eventlens.writers.documents import DocumentOut, write_schema

SCHEMA = Path(__file__).resolve().parent.parent / "schema" / "document.schema.json"


def test_committed_schema_is_current(tmp_path: Path) -> None:
    fresh = write_schema(tmp_path)
    assert SCHEMA.exists(), "schema/document.schema.json is missing; run `eventlens schema` and commit it"
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == json.loads(fresh.read_text(encoding="utf-8")), (
        "schema/document.schema.json is out of date; run `eventlens schema` and commit the diff"
    )
    assert SCHEMA.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8")


def test_every_documents_line_validates(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    body = (
        "The harbour authority closed the port for two days after a storm damaged the main pier, "
        "officials said on Monday.\n\nFerries were diverted to the northern terminal, and a tug ran aground."
    )
    (corpus / "a.txt").write_text(" date 2021-06-01 Port closes after storm\n\n" + body, encoding="utf-8")
    (corpus / "b.txt").write_text(
        "Home\nNews\n\nPort closes\n\n" + body + "\n\n(C)Harbour Herald 2020", encoding="utf-8"
    )
    (corpus / "c.jsonl").write_text(
        json.dumps({"text": body, "url": "https://harbour.example/x", "published": "2022-05", "title": "Port"}) + "\n",
        encoding="utf-8",
    )
    examples = Path(__file__).resolve().parent.parent / "examples" / "kosovo-2023"
    result = eventlens.run([corpus, examples], out=tmp_path / "out")
    lines = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.counts["processed"] == 8
    for line in lines:
        record = json.loads(line)
        DocumentOut.model_validate(record)
        assert DocumentOut.model_validate_json(line).model_dump(mode="json") == record


def test_schema_rejects_unknown_fields() -> None:
    with pytest.raises(ValueError):
        DocumentOut.model_validate({"doc_id": "x", "surprise": 1})
