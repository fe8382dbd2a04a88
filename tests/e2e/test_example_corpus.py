"""End to end: the CLI on the bundled example corpus, asserted from the output files it writes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eventlens.cli import app
from eventlens.errors import REASONS
from eventlens.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"
#: Reasons the cleaner gives a removed span (see stages/clean.py).
CLEAN_REASONS = {
    "navigation",
    "date_header",
    "copyright",
    "comments",
    "comment_form",
    "caption",
    "caption_duplicate",
    "duplicate_line",
    "truncated_duplicate",
    "media_stub",
}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example-run")
    result = CliRunner().invoke(app, ["run", str(EXAMPLES), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def docs(run_dir: Path) -> dict[str, dict[str, Any]]:
    """documents.jsonl by the 3-digit prefix of each example's file name."""
    lines = (run_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    return {Path(record["path"]).name[:3]: record for record in records}


def _lines(record: dict[str, Any]) -> list[str]:
    return [line.strip() for line in record["text"].split("\n")]


def test_every_example_is_a_document(docs: dict[str, dict[str, Any]], run_dir: Path) -> None:
    assert sorted(docs) == ["000", "001", "002", "003", "004"]
    run = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["processed"] == 5
    assert run["counts"]["failed"] == 0
    assert run["failures"] == []
    assert run["doc_ids"] == [docs[key]["doc_id"] for key in sorted(docs)]
    assert run["settings"]["ingest"]["max_bytes"] == 20_000_000
    assert "eventlens" in run["versions"]
    for record in docs.values():
        assert record["status"] == "processed" and record["copy_of"] is None
        assert record["language"] == "en"


def test_002_navigation_and_truncated_headline_removed(docs: dict[str, dict[str, Any]]) -> None:
    record = docs["002"]
    text = record["text"]
    for label in ("Flash News", "Rajoni", "Latest news"):
        assert label not in text
    headline = (
        "Head of Italian diplomacy: We are working to strengthen the presence of KFOR on the Kosovo-Serbia border"
    )
    truncated = "Head of Italian diplomacy: We are working to strengthen the presence of KFOR on"
    assert text.count(headline) == 1
    assert text.count(truncated) == 1  # only as the start of the full headline
    assert truncated not in _lines(record)
    assert text.startswith(headline)
    assert record["title"] == headline
    assert record["published"] is None  # no date header: never invented
    reasons = {span["reason"] for span in record["removed"]}
    assert {"navigation", "truncated_duplicate"} <= reasons


def test_004_captions_copyright_and_comments_removed(docs: dict[str, dict[str, Any]]) -> None:
    record = docs["004"]
    text = record["text"]
    assert "/ photo" not in text
    assert not any(line.endswith("/ photo") for line in _lines(record))
    assert "(C)UNIAN 2022" not in text
    for comment in ("Leave a Reply", "Liked by", "I can’t agree", "You are commenting using", "Akismet"):
        assert comment not in text
    assert "Kosovska Mitrovica" in text  # the last paragraph of the article stays
    assert record["published"]["value"] == "2022"
    assert record["published"]["precision"] == "year"
    assert record["published"]["source"] == "copyright"
    assert record["outlet"] == "UNIAN"
    assert record["outlet_source"] == "copyright"
    reasons = {span["reason"] for span in record["removed"]}
    assert {"caption", "caption_duplicate", "copyright", "comments"} <= reasons


@pytest.mark.parametrize("key", ["000", "001", "003"])
def test_date_header_documents(docs: dict[str, dict[str, Any]], key: str) -> None:
    record = docs[key]
    assert record["published"] == {"value": "2023-09-24", "precision": "day", "source": "header"}
    assert "date 2023-09-24" not in record["text"]
    assert not record["text"].startswith(" ")


def test_removed_spans_carry_reasons_and_raw_text(docs: dict[str, dict[str, Any]]) -> None:
    for record in docs.values():
        raw = Path(record["path"]).read_text(encoding="utf-8")
        for span in record["removed"]:
            assert span["reason"] in CLEAN_REASONS
            assert raw[span["start"] : span["end"]] == span["text"]


def test_segments_map_clean_to_raw(docs: dict[str, dict[str, Any]]) -> None:
    for record in docs.values():
        raw = Path(record["path"]).read_text(encoding="utf-8")
        text = record["text"]
        for seg in record["segments"]:
            assert text[seg["clean"] : seg["clean"] + seg["length"]] == raw[seg["raw"] : seg["raw"] + seg["length"]]


def test_evidence_spans_quote_the_text(run_dir: Path) -> None:
    with Store(run_dir / "eventlens.sqlite") as store:
        stored = list(store.iter_documents())
    assert len(stored) == 5
    for doc in stored:
        sentences = [m.span() for m in re.finditer(r"[^.!?\n]+[.!?]", doc.text)]
        assert sentences
        for start, end in sentences:
            ev = doc.evidence(start, end)
            assert ev.text == doc.text[start:end]
            assert ev.doc_id == doc.doc_id
            assert ev.sent_start <= start <= end <= ev.sent_end
        for entity in doc.entities:
            assert doc.evidence(entity.start, entity.end).text == entity.text
        with pytest.raises(ValueError):
            doc.evidence(0, len(doc.text) + 1)


def test_dossier(run_dir: Path, docs: dict[str, dict[str, Any]]) -> None:
    dossier = (run_dir / "dossier.md").read_text(encoding="utf-8")
    assert dossier.startswith("# eventlens dossier")
    assert "## Documents (5)" in dossier
    for record in docs.values():
        assert f"`{record['doc_id']}`" in dossier
    assert "2023-09-24 (day precision)" in dossier
    assert "2022 (year precision)" in dossier
    assert "UNIAN" in dossier
    # File names are escaped Markdown: '000_86fd' would start emphasis.
    assert "000\\_86fd0f1fdf07c82a.txt" in dossier
    assert "Skipped inputs" not in dossier


def test_dossier_escapes_hostile_text(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "hostile.txt").write_text(
        "<script>alert('x')</script> **Bold** [click](http://evil.example) # heading\n\n"
        "The harbour authority closed the port for two days after a storm <img src=x onerror=alert(1)> damaged "
        "the main pier, and __nobody__ was hurt, officials said on Monday.",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["run", str(corpus), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    dossier = (tmp_path / "out" / "dossier.md").read_text(encoding="utf-8")
    # Every '<' and '>' is backslash-escaped, so Markdown renders them as text, never as HTML.
    body = "\n".join(line.removeprefix("> ") for line in dossier.splitlines())  # blockquote markers are ours
    assert re.search(r"(?<!\\)[<>]", body) is None
    assert "\\<script\\>" in dossier and "\\<img src=x" in dossier
    assert "**Bold**" not in dossier and "\\*\\*Bold\\*\\*" in dossier
    assert "[click](http" not in dossier
    assert "__nobody__" not in dossier


def test_known_failure_reasons() -> None:
    assert {"not_found", "unreadable", "empty", "binary", "encoding", "too_large", "bad_gzip", "bad_json"} <= set(
        REASONS
    )


# -- issue 8: entities, places and times on the example corpus -----------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from eventlens.stages.geocode import haversine_km

    return haversine_km(lat1, lon1, lat2, lon2)


@pytest.mark.issue(8)
def test_one_canonical_person_across_reports(docs: dict[str, dict[str, Any]]) -> None:
    def canon(key: str, surname: str) -> set[str]:
        return {e["canonical"] for e in docs[key]["entities"] if e["label"] == "PERSON" and surname in e["text"]}

    vucic = [canon(key, "Vu") for key in ("000", "002", "004")]
    assert all(found == {"Aleksandar Vucic"} for found in vucic), vucic
    kurti = [canon(key, "Kurti") for key in ("001", "002", "003")]
    assert all(found == {"Albin Kurti"} for found in kurti), kurti


@pytest.mark.issue(8)
def test_the_village_is_one_place_in_kosovo(docs: dict[str, dict[str, Any]]) -> None:
    variants = [
        p for record in docs.values() for p in record["places"] if p["text"].casefold().startswith("ban") and len(p["text"]) > 4
    ]
    assert {p["text"] for p in variants} >= {"Banjska", "Banjske", "Banjské", "Banska"}
    assert len({p["name"] for p in variants}) == 1
    for place in variants:
        assert place["country"] == "XK"
        assert place["precision"] is not None
        # issue 16: the village is placed at the point of the municipality its anchor town lies in (not at
        # the town's own point), so within a municipality's reach of the village
        assert _km(place["lat"], place["lon"], 43.0, 20.8) < 20, place
        assert "anchor:" in place["method"], place


@pytest.mark.issue(8)
def test_municipalities_resolve_in_kosovo_and_nothing_abroad_by_mistake(docs: dict[str, dict[str, Any]]) -> None:
    places = [p for record in docs.values() for p in record["places"]]
    for text in ("Zvecan", "Zvechan", "Leposavic", "Zubin Potok", "Kosovska Mitrovica"):
        found = [p for p in places if p["text"] == text]
        assert found and all(p["country"] == "XK" for p in found), (text, found)
    assert not [p for p in places if p["country"] == "BG"]
    assert not [p for p in places if p["name"] and "Sremska" in p["name"]]


@pytest.mark.issue(8)
def test_offsets_of_entities_places_and_times_match_the_text(docs: dict[str, dict[str, Any]]) -> None:
    for record in docs.values():
        for item in (*record["entities"], *record["places"], *record["times"]):
            assert record["text"][item["start"] : item["end"]] == item["text"]
