"""Writers: documents.jsonl records and Markdown escaping in the dossier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventlens.model import Failure, PartialDate
from eventlens.writers import DocumentsWriter, document_record, write_dossier
from eventlens.writers.dossier import dossier_entry, md_escape


@pytest.mark.parametrize(
    "text,expected",
    [
        ("plain words", "plain words"),
        ("<b>bold</b>", "\\<b\\>bold\\</b\\>"),
        ("**strong** _em_ `code`", "\\*\\*strong\\*\\* \\_em\\_ \\`code\\`"),
        ("[link](http://x.example)", "\\[link\\]\\(http://x.example\\)"),
        ("# not a heading", "\\# not a heading"),
        ("AT&T", "AT&amp;T"),
        ("line one\n\n> line two", "line one \\> line two"),
        (None, ""),
    ],
)
def test_md_escape(text: str | None, expected: str) -> None:
    assert md_escape(text) == expected


def test_document_record_shape(make_doc) -> None:
    doc = make_doc("Port closes after storm\n\nThe port closed.", published=PartialDate(year=2022, source="copyright"))
    record = document_record(doc)
    assert record["published"] == {"value": "2022", "precision": "year", "source": "copyright"}
    assert record["status"] == "processed" and record["copy_of"] is None
    assert "raw_text" not in record and "raw_html" not in record


def test_documents_writer_streams_sorted_json(tmp_path: Path, make_doc) -> None:
    docs = [make_doc("Café owners protested.", path="a.txt"), make_doc("The bridge reopened.", path="b.txt")]
    with DocumentsWriter(tmp_path / "out" / "documents.jsonl") as writer:
        for doc in docs:
            writer.write(doc)
    lines = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["path"] for line in lines] == ["a.txt", "b.txt"]
    assert "Café" in lines[0]  # UTF-8, not \\u escapes
    assert list(json.loads(lines[0])) == sorted(json.loads(lines[0]))


def test_writer_outside_a_with_block_raises(tmp_path: Path, make_doc) -> None:
    with pytest.raises(RuntimeError):
        DocumentsWriter(tmp_path / "x.jsonl").write(make_doc("text"))


def test_dossier_lists_documents_and_skips(tmp_path: Path, make_doc) -> None:
    doc = make_doc("Port *closes*\n\nThe port closed.", title="Port *closes*", outlet="Harbour <Herald>")
    failure = Failure(
        path="bad_[1].txt", reason="binary", message="bad_[1].txt: binary data, not text; skipped (reason: binary)"
    )
    path = write_dossier(tmp_path / "dossier.md", [dossier_entry(doc)], [failure], {"processed": 1, "failed": 1})
    text = path.read_text(encoding="utf-8")
    assert "### Port \\*closes\\*" in text
    assert "Harbour \\<Herald\\>" in text
    assert "## Skipped inputs (1)" in text
    assert "bad\\_\\[1\\].txt: binary" in text
    assert "published: unknown" in text
