"""The HTTP API and the pages in-process (FastAPI's TestClient) over the example corpus' store."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from webtools import TOKEN, TestClient

from eventlens.api import run
from eventlens.model import Document, Entity, RemovedSpan, Segment
from eventlens.web import create_app
from eventlens.web.views import document_pieces, safe_url

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_incident_list_is_paginated_with_a_total(client: TestClient) -> None:
    page = client.get("/api/incidents", params={"limit": 1}).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    second = client.get("/api/incidents", params={"limit": 1, "offset": 1}).json()
    assert {page["items"][0]["id"], second["items"][0]["id"]} == {row["id"] for row in client.get("/api/incidents").json()["items"]}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"date_from": "2023-01-01"}, 1),
        ({"date_to": "2022-12"}, 1),
        ({"country": "xk"}, 2),
        ({"country": "RS"}, 0),
        ({"min_killed": 1}, 1),
        ({"q": "banj"}, 1),
        ({"q": "100%_"}, 0),
    ],
)
def test_incident_filters(client: TestClient, params: dict[str, object], expected: int) -> None:
    assert client.get("/api/incidents", params=params).json()["total"] == expected


def test_sorting_by_fatalities(client: TestClient) -> None:
    rows = client.get("/api/incidents", params={"sort": "-killed"}).json()["items"]
    assert rows[0]["killed_best"] == 4 and rows[-1]["killed_best"] is None


def test_incident_json_has_its_sources_and_revisions(client: TestClient, incident_a: str) -> None:
    incident = client.get(f"/api/incidents/{incident_a}").json()
    assert len(incident["sources"]) == 4 and incident["revisions"]
    claims = client.get("/api/claims", params={"incident_id": incident_a, "figure": "killed"}).json()
    assert claims["total"] >= 4 and all(row["figure"] == "killed" for row in claims["items"])


def test_search_finds_incidents_and_documents(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "Mitrovica"}).json()
    assert found["incidents"]["total"] >= 1 and found["documents"]["total"] >= 1


def test_documents_api(client: TestClient) -> None:
    page = client.get("/api/documents").json()
    assert page["total"] == 5
    doc = client.get(f"/api/documents/{page['items'][0]['doc_id']}").json()
    assert doc["text"] and "raw_html" in doc


@pytest.mark.parametrize("path", ["/api/incidents/nope", "/api/documents/nope", "/api/incidents/nope/corrections"])
def test_unknown_ids_are_json_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.json()["detail"].startswith("no ")


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "x"}, {"date_from": "yesterday"}, {"sort": "id; drop"}, {"offset": -1}])
def test_bad_parameters_are_clear_422(client: TestClient, params: dict[str, object]) -> None:
    response = client.get("/api/incidents", params=params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "query"
    assert "Traceback" not in response.text


def test_every_response_carries_the_csp(client: TestClient) -> None:
    for path in ("/incidents", "/api/incidents", "/static/map.js", "/nope"):
        csp = client.get(path).headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp


def test_pages_render(client: TestClient, incident_a: str) -> None:
    listing = client.get("/incidents", params={"sort": "killed", "country": "XK"})
    assert listing.status_code == 200 and f"/incidents/{incident_a}" in listing.text
    page = client.get(f"/incidents/{incident_a}").text
    assert page.count('class="source"') == 4 and '<mark class="claim">' in page and 'id="incident-map"' in page
    assert "Knowledge timeline" in page
    assert client.get("/map").status_code == 200 and client.get("/documents").status_code == 200
    assert client.get("/incidents/nope").status_code == 404


def test_document_page_greys_removed_boilerplate_and_links_incidents(client: TestClient, incident_a: str) -> None:
    # Incident B's one report (004) carries a reader comment section that cleaning removes.
    other = next(row for row in client.get("/api/incidents").json()["items"] if row["id"] != incident_a)
    doc_id = client.get(f"/api/incidents/{other['id']}").json()["sources"][0]
    page = client.get(f"/documents/{doc_id}").text
    assert 'class="removed" title="removed: comments"' in page
    assert 'class="m place"' in page and 'class="incident-link"' in page


def test_writes_are_refused_without_a_token(example_db: Path, client: TestClient, incident_a: str) -> None:
    body = {"figure": "killed", "best": 5, "by": "x", "why": "y"}
    response = client.post(f"/api/incidents/{incident_a}/corrections", json=body)
    assert response.status_code == 403 and "EVENTLENS_TOKEN" in response.json()["detail"]
    guarded = TestClient(create_app(example_db, token=TOKEN))
    assert guarded.post(f"/api/incidents/{incident_a}/corrections", json=body).status_code == 401
    assert guarded.post("/api/documents", json={"documents": [{"text": "x"}]}, headers={"Authorization": "Bearer no"}).status_code == 403


def test_a_body_over_the_limit_is_413(example_db: Path) -> None:
    small = TestClient(create_app(example_db, token=TOKEN, max_body=1000))
    response = small.post("/api/documents", json={"documents": [{"text": "x" * 2000}]}, headers=AUTH)
    assert response.status_code == 413 and "1000 bytes" in response.json()["detail"]

    def chunks():  # no Content-Length: the body is counted as it arrives
        yield b'{"documents": [{"text": "'
        yield b"x" * 2000
        yield b'"}]}'

    response = small.post("/api/documents", content=chunks(), headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 413


def test_figure_correction_is_a_revision_and_survives_a_rerun(fresh_db: Path, incident_a: str) -> None:
    api = TestClient(create_app(fresh_db, token=TOKEN))
    body = {"figure": "killed", "group": "attackers", "low": 3, "best": 3, "high": 4, "by": "analyst", "why": "one attacker died in hospital"}
    fixed = api.post(f"/api/incidents/{incident_a}/corrections", json=body, headers=AUTH).json()
    assert fixed["figures"]["killed"]["by_group"]["attackers"] == {"low": 3, "best": 3, "high": 4}
    last = fixed["revisions"][-1]
    assert last["by"] == "analyst" and last["note"] == "one attacker died in hospital" and last["changed"] == ["killed"]
    assert api.get(f"/api/incidents/{incident_a}/corrections").json()[0]["kind"] == "figure"
    # A re-run that rebuilds the incident (a new report attaches to it) keeps the correction.
    report = fresh_db.parent / "more.txt"
    report.write_text(
        " date 2023-09-25\nOne Kosovo police officer was killed and three attackers were killed in Banjska, "
        "in northern Kosovo, on Sunday, police said. Kosovo Prime Minister Albin Kurti accused Belgrade.\n",
        encoding="utf-8",
    )
    run([report], db=fresh_db)
    again = api.get(f"/api/incidents/{incident_a}").json()
    assert again["figures"]["killed"]["by_group"]["attackers"]["high"] == 4
    assert any(r["by"] == "analyst" for r in again["revisions"])


def test_merge_and_split_survive_a_rerun(fresh_db: Path, incident_a: str) -> None:
    api = TestClient(create_app(fresh_db, token=TOKEN))
    other = next(row["id"] for row in api.get("/api/incidents").json()["items"] if row["id"] != incident_a)
    moved = api.get(f"/api/incidents/{other}").json()["sources"]
    merged = api.post(f"/api/incidents/{incident_a}/merge", json={"other": other, "by": "a", "why": "test"}, headers=AUTH)
    assert merged.status_code == 200 and len(merged.json()["sources"]) == 5
    assert api.get(f"/api/incidents/{other}").status_code == 404
    run([Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"], db=fresh_db)
    assert api.get("/api/incidents").json()["total"] == 1
    kept, fresh = api.post(f"/api/incidents/{incident_a}/split", json={"doc_ids": moved, "by": "a", "why": "apart"}, headers=AUTH).json()
    assert len(kept["sources"]) == 4 and fresh["sources"] == moved
    assert fresh["revisions"][-1]["note"] == "apart" and fresh["revisions"][0]["by"] == "pipeline"  # B's history goes on
    run([Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"], db=fresh_db)
    with sqlite3.connect(fresh_db) as conn:
        assert conn.execute("SELECT count(*) FROM incidents").fetchone()[0] == 2
    bad = api.post(f"/api/incidents/{incident_a}/split", json={"doc_ids": ["nope"], "by": "a", "why": "b"}, headers=AUTH)
    assert bad.status_code == 409


def test_highlights_use_code_point_offsets(make_doc) -> None:  # type: ignore[no-untyped-def]
    """An emoji before a mention (two UTF-16 units, one code point) must not shift the highlight."""
    text = "🙂🙂 Police in Banjska said"
    start = text.index("Banjska")
    doc: Document = make_doc(text).model_copy(
        update={"entities": (Entity(text="Banjska", label="GPE", canonical="Banjska", start=start, end=start + 7),)}
    )
    marked = [p.text for p in document_pieces(doc) if "entity" in p.kinds]
    assert marked == ["Banjska"]


def test_removed_spans_stand_where_they_were(make_doc) -> None:  # type: ignore[no-untyped-def]
    raw = "Menu Home\nFirst para.\nShare this\nSecond para."
    text = "First para.\n\nSecond para."
    doc: Document = make_doc(text, raw_text=raw).model_copy(
        update={
            "segments": (Segment(clean=0, raw=10, length=11), Segment(clean=13, raw=33, length=12)),
            "removed": (RemovedSpan(start=0, end=9, reason="navigation", text="Menu Home"), RemovedSpan(start=22, end=32, reason="share", text="Share this")),
        }
    )
    pieces = [(p.text, p.removed) for p in document_pieces(doc)]
    assert pieces == [("Menu Home", "navigation"), ("First para.\n\n", None), ("Share this", "share"), ("Second para.", None)]


@pytest.mark.parametrize("url,expected", [("https://x.org/a", "https://x.org/a"), ("javascript:alert(1)", None), (" JavaScript:x", None), ("data:text/html,x", None), (None, None)])
def test_only_http_urls_become_links(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected
