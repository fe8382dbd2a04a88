"""Reports in a language the English stages do not read are stored, counted and named, and no English
rule or model runs on them (issue 16: a German report yielded PERSON "einem Angriff auf")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventlens.cli import app
from eventlens.settings import EntitiesSettings, GeocodeSettings, TemporalSettings
from eventlens.stages.entities import recognise_entities
from eventlens.stages.geocode import geocode_places
from eventlens.stages.temporal import resolve_times
from eventlens.store import Store

GERMAN = (
    " date 2023-09-24 Police officer killed and several attackers dead after armed group storms village in Kosovo\n\n"
    "Bei einem Angriff auf eine Polizeistreife im Norden des Kosovo ist am Sonntagmorgen ein Polizist getötet "
    "worden. Die Angreifer verschanzten sich anschließend in einem Kloster bei Zvecan, teilte das "
    "Innenministerium in Pristina mit. Drei der Bewaffneten kamen am 24. September bei einem Schusswechsel ums "
    "Leben, zwei weitere wurden festgenommen, sagte Ministerpräsident Albin Kurti am Montag.\n"
)
ENGLISH = (
    " date 2023-09-24 Police officer killed in northern Kosovo\n\n"
    "A Kosovo police officer was killed on Sunday morning when an armed group attacked a patrol near the "
    "village of Banjska in Zvecan municipality, Prime Minister Albin Kurti said on Monday.\n"
)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("languages")
    (folder / "in").mkdir()
    (folder / "in" / "de.txt").write_text(GERMAN, encoding="utf-8")
    (folder / "in" / "en.txt").write_text(ENGLISH, encoding="utf-8")
    result = CliRunner().invoke(app, ["run", str(folder / "in"), "--out", str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder / "out", result.output


def _docs(out: Path) -> dict[str, dict]:
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return {Path(record["path"]).stem: record for record in map(json.loads, lines)}


@pytest.mark.issue(16)
def test_a_german_report_is_stored_but_not_analysed(run_dir: tuple[Path, str]) -> None:
    out, _ = run_dir
    docs = _docs(out)
    german, english = docs["de"], docs["en"]
    assert german["language"] == "de" and german["analysis"] == "not analysed: language de"
    assert german["published"]["value"] == "2023-09-24"  # the language-neutral stages still ran
    for field in ("entities", "places", "times", "incidents", "quotes"):
        assert german[field] == [], field
    assert english["language"] == "en" and english["analysis"] is None
    assert any(e["canonical"] == "Albin Kurti" for e in english["entities"])
    assert english["places"] and english["times"]
    with Store(out / "eventlens.sqlite") as store:
        rows = {Path(row["path"]).stem: row for row in store.list_documents()}
    assert rows["de"]["analysis"] == "not analysed: language de" and rows["en"]["analysis"] is None


@pytest.mark.issue(16)
def test_not_analysed_is_counted_in_run_json_console_and_dossier(run_dir: tuple[Path, str]) -> None:
    out, console = run_dir
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["processed"] == 2
    assert run["counts"]["not_analysed"] == 1 and run["counts"]["not_analysed:de"] == 1
    (detail,) = run["not_analysed"]
    assert Path(detail["path"]).name == "de.txt" and detail["analysis"] == "not analysed: language de"
    assert "not analysed: language de ×1" in console
    dossier = (out / "dossier.md").read_text(encoding="utf-8")
    assert "not analysed: language de ×1" in dossier
    assert "- not analysed: language de (stored; the English stages did not run)" in dossier


@pytest.mark.issue(16)
def test_english_stages_return_a_not_analysed_document_unchanged(make_doc) -> None:
    german = make_doc(GERMAN, "2023-09-24", language="de", analysis="not analysed: language de")
    english = make_doc(ENGLISH, "2023-09-24", language="en")
    out_german, out_english = recognise_entities([german, english], EntitiesSettings())
    assert out_german is german
    assert out_english.entities
    assert resolve_times(german, TemporalSettings()) is german
    assert geocode_places(german, GeocodeSettings()) is german
