"""schemathesis against /openapi.json, on the running server (uvicorn on a loopback port) and in-process
over ASGI: no 5xx, every response matches its schema and its documented status; writes without the token
are refused. Kept small (a few examples per operation) so the suite stays fast."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from eventlens.api import run
from eventlens.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "kosovo-2023"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = tmp_path_factory.mktemp("schema") / "eventlens.sqlite"
    run([EXAMPLES / "000_86fd0f1fdf07c82a.txt", EXAMPLES / "004_9cb886f8f8f97ad2.txt"], db=db)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_asgi("/openapi.json", create_app(db))  # no token: every write refused


@pytest.fixture(scope="module")
def live_schema(live_server: str):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schemathesis.openapi.from_url(f"{live_server}/openapi.json")  # requests carry no token


def _operations(api_schema):  # type: ignore[no-untyped-def]
    for result in api_schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("where", ["running server", "in-process"])
def test_api_conforms_to_its_schema(where: str, request: pytest.FixtureRequest) -> None:
    # schemathesis' pytest plugin does not load under pytest 9: one hypothesis test per operation instead.
    api_schema = request.getfixturevalue("live_schema" if where == "running server" else "api_schema")
    tested = []
    for operation in _operations(api_schema):

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call_and_validate(checks=CHECKS)
            if case.method.upper() != "GET":
                assert response.status_code in (401, 403, 413, 422), response.text
            assert "Traceback" not in response.text

        check()
        tested.append(operation.label)
    assert any(label.startswith("POST") for label in tested) and len(tested) >= 10, tested


def test_stored_records_match_their_schema(api_schema) -> None:  # type: ignore[no-untyped-def]
    """Random ids only reach the 404s: the stored incidents and documents go through the same checks."""
    app = api_schema.app
    store = app.state.store
    incident_ids = [incident.id for incident in store.iter_incidents()]
    doc_ids = store.document_ids()
    operations = {op.label: op for op in _operations(api_schema)}
    for incident_id in incident_ids:
        for label in ("GET /api/incidents/{incident_id}", "GET /api/incidents/{incident_id}/corrections"):
            response = operations[label].Case(path_parameters={"incident_id": incident_id}).call_and_validate(checks=CHECKS)
            assert response.status_code == 200
    for doc_id in doc_ids:
        response = operations["GET /api/documents/{doc_id}"].Case(path_parameters={"doc_id": doc_id}).call_and_validate(checks=CHECKS)
        assert response.status_code == 200
