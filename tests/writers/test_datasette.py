"""The store's incidents table reads through Datasette, as events.json has it (no server, no network)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

import eventlens

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"


async def _get(db_path: Path, path: str) -> tuple[int, Any]:
    from datasette.app import Datasette

    ds = Datasette([str(db_path)])
    await ds.invoke_startup()
    response = await ds.client.get(path)
    return response.status_code, response.json()


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("datasette")
    eventlens.run([EXAMPLES], out=out)
    return out


def test_incidents_table_through_datasette(example_run: Path) -> None:
    db_path = example_run / "eventlens.sqlite"
    status, body = asyncio.run(_get(db_path, f"/{db_path.stem}/incidents.json?_shape=objects&_size=max"))
    assert status == 200, body
    rows = {row["id"]: row for row in body["rows"]}
    events = json.loads((example_run / "events.json").read_text(encoding="utf-8"))
    incidents = {incident["id"]: incident for incident in events["incidents"]}
    # How many incidents the example makes is pinned by tests/e2e; here the store must agree with events.json.
    assert incidents and set(rows) == set(incidents)
    for incident_id, incident in incidents.items():
        row = rows[incident_id]
        assert (row["date"], row["source_count"], row["summary"]) == (
            incident["date"],
            len(incident["sources"]),
            incident["summary"],
        )
        for figure in ("killed", "injured", "arrested"):
            fused = incident["figures"].get(figure) or {}
            stored = tuple(row[f"{figure}_{bound}"] for bound in ("low", "best", "high"))
            assert stored == (fused.get("low"), fused.get("best"), fused.get("high")), (incident_id, figure)
        assert json.loads(row["record"])["id"] == incident_id


def test_incidents_filter_and_join_through_datasette(example_run: Path) -> None:
    """What an analyst does in Datasette: filter the incidents by date, list one incident's reports."""
    db_path, db = example_run / "eventlens.sqlite", (example_run / "eventlens.sqlite").stem
    events = json.loads((example_run / "events.json").read_text(encoding="utf-8"))
    banjska = next(i for i in events["incidents"] if i["date"] == "2023-09-24")
    status, body = asyncio.run(_get(db_path, f"/{db}/incidents.json?_shape=objects&date=2023-09-24"))
    assert status == 200 and banjska["id"] in {row["id"] for row in body["rows"]}
    status, body = asyncio.run(
        _get(db_path, f"/{db}/incident_documents.json?_shape=objects&_size=max&incident_id={banjska['id']}")
    )
    assert status == 200
    assert {row["doc_id"] for row in body["rows"]} == set(banjska["sources"])


def test_incident_tables_are_listed(example_run: Path) -> None:
    db_path = example_run / "eventlens.sqlite"
    status, body = asyncio.run(_get(db_path, f"/{db_path.stem}.json"))
    assert status == 200
    tables = {table["name"] for table in body["tables"]}
    assert {"incidents", "incident_documents", "incident_figures", "incident_claims", "revisions"} <= tables
