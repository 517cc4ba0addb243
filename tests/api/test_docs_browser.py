"""The API's documentation page works in a real browser under the product's CSP: Swagger UI
from the Python package's static files, no CDN, no inline script."""

from __future__ import annotations

import shutil

import pytest

pytestmark = pytest.mark.e2e

SITE = "http://testserver"

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        yield browser
        browser.close()


def test_swagger_ui_renders_the_schema_without_breaking_the_csp(chromium, client, db):
    # The browser's requests are answered by Django's test client (no live server, so no
    # database flush afterwards); anything not for this site is refused and recorded.
    outside: list[str] = []

    def answer(route):
        request = route.request
        if not request.url.startswith(SITE):
            outside.append(request.url)
            route.abort()
            return
        r = client.generic(request.method, request.url[len(SITE) :], request.post_data or "")
        body = b"".join(r.streaming_content) if r.streaming else r.content
        route.fulfill(status=r.status_code, headers=dict(r.items()), body=body)

    page = chromium.new_page()
    page.route("**/*", answer)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(SITE + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    assert "Zichtbaar API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/moments/{moment_id}/publish" in p.replace("\u200b", "") for p in paths), paths
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert outside == []
