"""Browser tests: Playwright driving Debian's Chromium against Django's live server.

Nothing leaves the machine:

- every request to a host other than localhost/127.0.0.1 is answered by the route guard
  below (LinkedIn's composer and the moment's own site get a tiny local page, the rest is
  aborted), and
- Chromium resolves no host name except the local ones (--host-resolver-rules), as a
  safety net for requests Playwright does not route.

Playwright does not call route handlers for the second request of an HTTP redirect. So for
the two places where the app sends the browser off-site with a 302 (the LinkedIn composer and
the tracked link /l/<code>), the guard performs the local request itself, without following
redirects, and hands the browser a page that navigates to the Location the server answered.
That navigation is a fresh request, so it is routed, fulfilled locally and the page's URL is
exactly the Location the app sent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from tests.conftest import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# Local paths that answer with a redirect off the machine.
OFFSITE_REDIRECTS = re.compile(r"^/(l/[^/]+|moments/\d+/linkedin/)$")
# Hosts whose pages we pretend to be, so a test can land on them and read the URL.
FAKE_PAGES = {
    "www.linkedin.com": "<!doctype html><title>LinkedIn (fake)</title><p>LinkedIn composer (local stand-in)</p>",
    "acme.test": "<!doctype html><title>Acme (fake)</title><p>Acme case page (local stand-in)</p>",
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
# An ordinary desktop browser, for requests that must count as a person (HeadlessChrome is a bot).
DESKTOP_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the browser tests e2e and run them last (after pytest-django's own ordering).

    Last, because they flush the database (data migrations included) and because, once
    Playwright's sync API has started, serialized_rollback no longer restores anything in
    the tests that rely on it.
    """
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in Path(str(item.fspath)).parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.e2e)
    ids = {id(item) for item in browser_tests}
    items[:] = [item for item in items if id(item) not in ids] + browser_tests


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


def _guard(route: Route) -> None:
    request = route.request
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    if host in LOCAL_HOSTS:
        if OFFSITE_REDIRECTS.match(parts.path):
            response = route.fetch(max_redirects=0)
            location = response.headers.get("location", "")
            if 300 <= response.status < 400 and urlsplit(location).hostname not in LOCAL_HOSTS:
                route.fulfill(
                    status=200,
                    content_type="text/html; charset=utf-8",
                    body=f"<script>location.replace({json.dumps(location)})</script>",
                )
                return
            route.fulfill(response=response)
            return
        route.continue_()
    elif host in FAKE_PAGES and request.is_navigation_request():
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=FAKE_PAGES[host])
    else:
        route.abort("blockedbyclient")


def guard(context: BrowserContext) -> BrowserContext:
    """Keep a browser context on this machine (see the module docstring)."""
    context.route("**/*", _guard)
    return context


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    context.set_default_timeout(10_000)
    return guard(context)


@pytest.fixture(autouse=True)
def _builtin_types(transactional_db: None) -> None:
    """live_server tests flush the database afterwards, data migrations included: restore them.

    (serialized_rollback can't do it here: once Playwright's sync API runs, Django hands the
    test a new connection wrapper, without the serialized contents.)
    """
    from django.core.cache import cache

    from zichtbaar.moments.services import sync_builtin_types

    sync_builtin_types()
    cache.clear()  # tracked-link destinations are cached; their rows are gone after a flush


@pytest.fixture
def site(live_server) -> str:  # noqa: ANN001
    return live_server.url


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """A page in a fresh, guarded browser context: one per person in a multi-person story."""
    contexts: list[BrowserContext] = []

    def make(**context_args: object) -> Page:
        ctx = guard(browser.new_context(**{"locale": "en-GB", **context_args}))
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def sign_in(site: str) -> Callable[[Page, str], None]:
    """Sign in through the real login form, as a person would."""

    def do(page: Page, email: str, password: str = PASSWORD) -> None:
        page.goto(f"{site}/accounts/login/")
        page.locator('input[name="login"]').fill(email)
        page.locator('input[name="password"]').fill(password)
        page.locator("main form").get_by_role(
            "button", name=re.compile("sign in|inloggen|aanmelden", re.I)
        ).click()
        page.wait_for_load_state()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    return do


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Iterator[Callable[[Page, str], Path]]:
    """Keep screenshots as test artefacts: test-artifacts/screenshots/<test-name>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.originalname)

    def take(page: Page, step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    yield take
