"""The UI in a real browser: Playwright driving Debian's chromium (headless) against a live loopback server.

Skipped, with the reason, where chromium is not installed (``make test`` installs it with apt-get).
Screenshots go to ``tests/artifacts/`` (ignored by git); the README shows ``incident.png``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from webtools import TOKEN

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright's own browser builds cannot be downloaded here: drive the system's chromium.
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    opened.errors = []  # type: ignore[attr-defined]
    opened.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    yield opened
    context.close()


def test_list_then_incident_a_with_its_sources_claims_and_marker(page: Any, live_server: str, incident_a: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/incidents")
    assert page.locator("table.list tbody tr").count() == 2
    page.screenshot(path=str(ARTIFACTS / "incidents.png"), full_page=True)
    page.click(f'a[href="/incidents/{incident_a}"]')
    page.wait_for_url(f"**/incidents/{incident_a}")
    assert page.locator("article.source").count() == 4
    assert page.locator("article.source mark.claim").count() >= 4
    assert page.locator("article.source mark.claim").first.is_visible()
    page.wait_for_selector("#incident-map path.incident-marker", state="attached", timeout=10_000)
    page.wait_for_selector("#incident-map path.leaflet-interactive, #incident-map svg path", state="attached")
    page.screenshot(path=str(ARTIFACTS / "incident.png"), full_page=False)
    page.locator("h2", has_text="Sources").scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('div.sources').scrollIntoView()")
    page.screenshot(path=str(ARTIFACTS / "incident-sources.png"))
    assert page.errors == []


def test_map_marker_opens_the_incident(page: Any, live_server: str, incident_a: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{live_server}/map")
    page.wait_for_selector("#map path.incident-marker", state="attached", timeout=10_000)
    assert page.locator("#map path.incident-marker").count() == 2
    page.wait_for_timeout(300)  # let the outlines draw
    page.screenshot(path=str(ARTIFACTS / "map.png"))
    # The biggest marker is incident A (4 killed); markers sit on top of each other at world zoom.
    page.locator("#map path.incident-marker").first.dispatch_event("click")
    page.wait_for_url(f"**/incidents/{incident_a}")
    assert page.errors == []


HOSTILE = (
    'A report about <script>window.__pwned = 1; alert("script")</script> a shooting in Banjska.\n\n'
    '<img src="x" onerror="window.__pwned = 2; alert(\'onerror\')"> Two people were killed, police said.\n\n'
    '<a href="javascript:window.__pwned=3;alert(1)">click</a> <svg onload="window.__pwned=4"></svg> '
    '<iframe src="javascript:alert(5)"></iframe> "\'><script>alert(6)</script>'
)


def test_hostile_report_runs_no_script(page: Any, live_server: str) -> None:
    response = httpx.post(
        f"{live_server}/api/documents",
        json={
            "documents": [
                {
                    "text": HOSTILE,
                    "title": '<script>alert("title")</script>',
                    "url": "javascript:alert('url')",
                    "outlet": '<img src=x onerror="alert(7)">',
                    "published": "2024-05-02",
                }
            ]
        },
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    doc_id = response.json()["doc_ids"][0]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    paths = [f"/documents/{doc_id}", "/documents", "/incidents"]
    incident = httpx.get(f"{live_server}/api/documents/{doc_id}").json()
    incidents = [link for link in httpx.get(f"{live_server}/api/incidents", params={"q": "Banjska"}).json()["items"]]
    paths += [f"/incidents/{row['id']}" for row in incidents]
    for path in paths:
        page.goto(live_server + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        assert page.evaluate("() => window.__pwned") is None, path
        # The article's markup is text: no element of it exists in the page.
        assert page.evaluate("() => document.querySelectorAll('main script, main img, main iframe, main svg, a[href^=\"javascript\"]').length") == 0
    page.goto(f"{live_server}/documents/{doc_id}")
    assert "<script>" in page.inner_text("div.text.doc")
    assert incident["text"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile-document.png"), full_page=True)
    assert dialogs == []
    assert page.errors == []
