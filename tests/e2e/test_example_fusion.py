"""Issue 13, acceptance 1, 4 and 7: the example corpus fused into incidents, in one run and in two.

Asserted from the outputs a user reads (events.json, events.csv, dossier.md, run.json) and from the store.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

import eventlens
from eventlens.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"

pytestmark = pytest.mark.issue(13)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example-fusion")
    result = eventlens.run([EXAMPLES], out=out)
    assert result.ok, result.failures
    return out


@pytest.fixture(scope="module")
def events(run_out: Path) -> dict[str, Any]:
    return json.loads((run_out / "events.json").read_text(encoding="utf-8"))


def _keys(events: dict[str, Any], incident: dict[str, Any]) -> set[str]:
    paths = {d["doc_id"]: Path(d["path"]).name[:3] for d in events["documents"]}
    return {paths[doc_id] for doc_id in incident["sources"]}


def _by_keys(events: dict[str, Any]) -> dict[frozenset[str], dict[str, Any]]:
    return {frozenset(_keys(events, incident)): incident for incident in events["incidents"]}


def test_exactly_two_incidents(events: dict[str, Any]) -> None:
    assert set(_by_keys(events)) == {frozenset({"000", "001", "002", "003"}), frozenset({"004"})}


def test_incident_a_when_and_where(events: dict[str, Any]) -> None:
    a = _by_keys(events)[frozenset({"000", "001", "002", "003"})]
    assert a["date"] == "2023-09-24"
    location = a["location"]
    assert location["country"] == "XK"
    assert _km(location["lat"], location["lon"], 42.99, 20.79) <= 15.0
    assert any(v.startswith("Banj") for v in location["variants"]) or location["name"].startswith("Banj")


def test_incident_b_when_and_where(events: dict[str, Any]) -> None:
    b = _by_keys(events)[frozenset({"004"})]
    assert b["date"] == "2022-07-31"
    assert b["location"]["country"] == "XK"
    assert "Mitrovic" in b["location"]["name"] or any("Mitrovic" in v for v in b["location"]["variants"])


def test_incident_a_figures(events: dict[str, Any]) -> None:
    figures = _by_keys(events)[frozenset({"000", "001", "002", "003"})]["figures"]
    killed = figures["killed"]
    assert killed["best"] == 4
    assert killed["by_group"]["security_forces"]["best"] == 1
    assert killed["by_group"]["attackers"]["best"] == 3
    injured = figures["injured"]["by_group"]["security_forces"]
    assert injured["best"] == 1
    assert injured["low"] == 1 and injured["high"] == 3
    assert figures["arrested"]["best"] == 6


def test_injured_disagreement_is_listed(events: dict[str, Any]) -> None:
    a = _by_keys(events)[frozenset({"000", "001", "002", "003"})]
    listed = [
        d for d in a["disagreements"] if d["field"] == "injured" and d["group"] in ("security_forces", None)
    ]
    assert listed, a["disagreements"]
    values = {v["value"] for d in listed for v in d["values"]}
    assert {1, 3} <= values


def test_every_claim_keeps_its_sentence(events: dict[str, Any]) -> None:
    a = _by_keys(events)[frozenset({"000", "001", "002", "003"})]
    claims = [c for f in a["figures"].values() for c in f["claims"]]
    assert {c["doc_id"] for c in claims} == set(a["sources"])
    assert all(c["sentence"] for c in claims)


def test_background_events_make_no_incident(events: dict[str, Any]) -> None:
    dates = {incident["date"] for incident in events["incidents"]}
    assert dates == {"2023-09-24", "2022-07-31"}
    a = _by_keys(events)[frozenset({"000", "001", "002", "003"})]
    assert a["background"], "the retold events are listed on the incident"


def test_documents_point_at_their_incident(events: dict[str, Any]) -> None:
    ids = {incident["id"] for incident in events["incidents"]}
    assert len(events["documents"]) == 5
    assert all(d["main_incident"] in ids for d in events["documents"])


def test_csv_has_two_rows(run_out: Path) -> None:
    with (run_out / "events.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2
    assert {row["event_date"] for row in rows} == {"2023-09-24", "2022-07-31"}


def test_dossier_shows_each_sources_claims_with_sentence(run_out: Path, events: dict[str, Any]) -> None:
    dossier = (run_out / "dossier.md").read_text(encoding="utf-8")
    a = _by_keys(events)[frozenset({"000", "001", "002", "003"})]
    for doc_id in a["sources"]:
        assert doc_id in dossier
    killed = [c for c in a["figures"]["killed"]["claims"] if c["group"] == "security_forces"]
    assert killed
    assert any(" ".join(c["sentence"].split())[:40].split(" ")[0] in dossier for c in killed)


def test_run_json_counts_reports_and_incidents(run_out: Path) -> None:
    info = json.loads((run_out / "run.json").read_text(encoding="utf-8"))
    assert info["counts"]["reports_in_incidents"] == 5
    assert info["counts"]["incidents"] == 2
    assert info["incidents"]["store_incidents"] == 2


def test_revisions_follow_publication_order(events: dict[str, Any]) -> None:
    a = _by_keys(events)[frozenset({"000", "001", "002", "003"})]
    revisions = a["revisions"]
    assert [r["seq"] for r in revisions] == list(range(1, 5))
    assert {doc_id for r in revisions for doc_id in r["doc_ids"]} == set(a["sources"])
    assert revisions[-1]["figures"]["killed"]["best"] == 4


def _membership(db: Path) -> set[frozenset[str]]:
    with Store(db) as store:
        paths = {row["doc_id"]: Path(row["path"]).name[:3] for row in store.list_documents()}
        groups: dict[str, set[str]] = {}
        for doc_id, incident_id in store.incident_membership().items():
            groups.setdefault(incident_id, set()).add(paths[doc_id])
    return {frozenset(group) for group in groups.values()}


def test_second_run_attaches_to_existing_incidents(tmp_path: Path, events: dict[str, Any]) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(path, (first if path.name[:3] in ("000", "001", "004") else second) / path.name)
    db = tmp_path / "store.sqlite"
    eventlens.run([first], out=tmp_path / "out1", db=db)
    with Store(db) as store:
        before = {incident.id: incident.revisions for incident in store.iter_incidents()}
    assert _membership(db) == {frozenset({"000", "001"}), frozenset({"004"})}
    eventlens.run([second], out=tmp_path / "out2", db=db)
    assert _membership(db) == {frozenset({"000", "001", "002", "003"}), frozenset({"004"})}
    assert _membership(db) == set(_by_keys(events))
    with Store(db) as store:
        after = {incident.id: incident.revisions for incident in store.iter_incidents()}
    assert set(after) == set(before), "the new reports joined the stored incidents"
    for incident_id, old in before.items():
        assert after[incident_id][: len(old)] == old, "earlier revisions never change"
    grown = [incident_id for incident_id in after if len(after[incident_id]) > len(before[incident_id])]
    assert len(grown) == 1 and len(after[grown[0]]) == 4


def test_rerun_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "store.sqlite"
    eventlens.run([EXAMPLES], out=tmp_path / "a", db=db)
    again = eventlens.run([EXAMPLES], out=tmp_path / "b", db=db)
    assert again.counts["new_incidents"] == 0 and again.counts["revisions_added"] == 0
    assert (tmp_path / "a" / "events.json").read_text(encoding="utf-8") == (tmp_path / "b" / "events.json").read_text(
        encoding="utf-8"
    )


def test_forty_outlets_make_one_row(tmp_path: Path) -> None:
    """Acceptance 7: a report syndicated by 40 outlets is one incident (one csv row), its copies counted."""
    folder = tmp_path / "in"
    folder.mkdir()
    original = (EXAMPLES / sorted(p.name for p in EXAMPLES.glob("000_*.txt"))[0]).read_text(encoding="utf-8")
    for number in range(40):
        (folder / f"outlet{number:02d}.txt").write_text(
            original + f"\n\nRepublished by Outlet Number {number} under licence.\n", encoding="utf-8"
        )
    out = tmp_path / "out"
    result = eventlens.run([folder], out=out)
    assert result.counts["linked_copies"] == 39
    assert result.counts["incidents"] == 1
    assert result.counts["reports_in_incidents"] == 1 and result.counts["copies_in_incidents"] == 39
    with (out / "events.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1
    incident = json.loads((out / "events.json").read_text(encoding="utf-8"))["incidents"][0]
    assert len(incident["sources"]) == 40
    assert incident["figures"]["killed"]["best"] == 4  # the copies' claims are not counted again
