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
from playwright.sync_api import Error as PlaywrightError

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


# --- Accessibility: axe-core on every local page the browser tests visit -------------------
#
# axe-core comes from npm (a devDependency, pinned in package-lock.json). An init script puts
# it into the top frame of every local page (init scripts, unlike a <script> tag, are not
# subject to the page's CSP); the fake LinkedIn/acme pages and the guard's redirect stubs get
# nothing. The page then runs axe itself:
#
# - after its load event, and
# - after htmx swaps (htmx:afterSettle, debounced),
#
# once per distinct state per tab: the state is the URL plus a hash of the markup without
# tokens, remembered in the tab's sessionStorage. The page reports what it found through a
# binding (fire and forget) to the test's AxeAudit. So that a page which navigates away
# mid-run is still audited, the route guard holds a page's navigation requests until its
# pending runs are done (page.evaluate can't be used there: it waits for the navigation),
# and the end of the test waits for the open pages. Serious and critical violations fail the
# test at teardown, with URL, rule and target selectors.
# ZICHTBAAR_AXE=0 switches the checks off (e.g. to time the suite without them).

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_ENABLED = os.environ.get("ZICHTBAAR_AXE", "1").lower() not in {"0", "false", "no", "off"}
AXE_IMPACTS = ["serious", "critical"]
AXE_WAIT_SECONDS = 20.0
AXE_BOOT = """(() => {
  if (window.top !== window || !%(hosts)s.includes(location.hostname)) return;
  if (new RegExp(%(stubs)s).test(location.pathname)) return;
  %(axe)s
  // Fire and forget: a binding's answer can't reach a page whose navigation the guard holds.
  const tell = (msg) => { window.__zAxe(msg); };
  const SEEN = "zichtbaar-axe-seen";  // states audited in this tab, across its navigations
  const claim = (key) => {
    try {
      const seen = JSON.parse(sessionStorage.getItem(SEEN) || "[]");
      if (seen.includes(key)) return false;
      seen.push(key);
      sessionStorage.setItem(SEEN, JSON.stringify(seen));
    } catch (e) { /* no storage: audit anyway */ }
    return true;
  };
  let pending = 0, chain = Promise.resolve(), timer = null;
  const stateKey = () => {
    const html = document.documentElement.outerHTML.replace(/[A-Za-z0-9_+\\/=-]{32,}/g, "");
    let h = 5381;
    for (let i = 0; i < html.length; i++) h = ((h * 33) ^ html.charCodeAt(i)) >>> 0;
    return location.href.split("#")[0] + "|" + h;
  };
  const audit = async () => {
    const url = location.href;
    try {
      if (!claim(stateKey())) return;
      const result = await axe.run(document, {resultTypes: ["violations"]});
      const found = result.violations.filter((v) => %(impacts)s.includes(v.impact)).map((v) => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")),
      }));
      tell({kind: "found", url, violations: found});
    } catch (e) {
      tell({kind: "found", url, error: String(e)});
    }
  };
  const run = () => {
    chain = chain.then(audit).finally(() => { pending--; tell({kind: "pending", pending}); });
  };
  const start = () => { pending++; tell({kind: "pending", pending}); run(); };
  window.addEventListener("load", start);
  document.addEventListener("htmx:afterSettle", () => {
    if (timer === null) { pending++; tell({kind: "pending", pending}); } else clearTimeout(timer);
    timer = setTimeout(() => { timer = null; run(); }, 120);
  });
})();"""


def _axe_boot() -> str:
    return AXE_BOOT % {
        "hosts": json.dumps(sorted(LOCAL_HOSTS)),
        "stubs": json.dumps(OFFSITE_REDIRECTS.pattern),
        "impacts": json.dumps(AXE_IMPACTS),
        "axe": AXE_SOURCE.read_text(encoding="utf-8"),
    }


class AxeAudit:
    """Serious/critical axe-core violations on the pages of one test (see above)."""

    def __init__(self) -> None:
        self.foreign_origins: set[str] = set()
        self.found: dict[tuple[str, str], dict] = {}
        self.errors: list[str] = []
        self.pending: dict[Page, int] = {}
        self._boot: str | None = None

    def watch_context(self, context: BrowserContext) -> None:
        if not AXE_SOURCE.exists():
            pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` (axe-core is a devDependency)")
        if self._boot is None:
            self._boot = _axe_boot()
        context.expose_binding("__zAxe", self._message)
        context.add_init_script(script=self._boot)

    def _message(self, source: dict, msg: dict) -> None:
        if msg.get("kind") == "pending":
            self.pending[source["page"]] = int(msg["pending"])
        elif msg.get("kind") == "found":
            self._record(msg)

    def _record(self, msg: dict) -> None:
        parts = urlsplit(msg["url"])
        if f"{parts.scheme}://{parts.netloc}" in self.foreign_origins:
            return  # a stand-in for someone else's site (the tests' OpenID provider), not ours
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        if "error" in msg:
            self.errors.append(f"{where}: axe-core could not run: {msg['error']}")
            return
        for violation in msg["violations"]:
            known = self.found.setdefault((where, violation["id"]), {**violation, "targets": []})
            for target in violation["targets"]:
                if target not in known["targets"]:
                    known["targets"].append(target)

    def settle(self, page: Page) -> None:
        """Wait until the page has finished its pending runs (it is about to navigate or close)."""
        waited = 0.0
        while self.pending.get(page, 0) > 0 and not page.is_closed():
            if waited >= AXE_WAIT_SECONDS:
                self.errors.append(f"{page.url}: axe-core did not finish in {AXE_WAIT_SECONDS}s")
                self.pending[page] = 0
                return
            try:
                page.wait_for_timeout(25)
            except PlaywrightError:
                return
            waited += 0.025

    def settle_all(self) -> None:
        for page in list(self.pending):
            self.settle(page)

    def report(self) -> str:
        lines = []
        for (where, rule), item in sorted(self.found.items()):
            lines.append(f"{where}  [{item['impact']}] {rule}: {item['help']}")
            lines.extend(f"    {target}" for target in item["targets"][:10])
        lines.extend(self.errors)
        return "\n".join(lines)


@pytest.fixture
def axe_audit() -> Iterator[AxeAudit]:
    """The test's accessibility audit; fails the test at teardown on serious/critical findings."""
    audit = AxeAudit()
    yield audit
    if audit.found or audit.errors:
        pytest.fail(
            "axe-core found serious or critical accessibility violations:\n" + audit.report(),
            pytrace=False,
        )


def _guard(route: Route) -> None:
    _guard_auditing(route, None)


def _guard_auditing(route: Route, audit: AxeAudit | None) -> None:
    request = route.request
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    if audit is not None and request.is_navigation_request():
        try:
            frame = request.frame
        except PlaywrightError:
            frame = None  # a new tab's first request: nothing to audit before it
        if frame is not None and frame.parent_frame is None:
            audit.settle(frame.page)  # the page is leaving: let it finish its audit first
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


def guard(context: BrowserContext, audit: AxeAudit | None = None) -> BrowserContext:
    """Keep a browser context on this machine (see the module docstring); with an audit,
    run axe-core on its pages (see AxeAudit)."""
    if audit is not None and AXE_ENABLED:
        audit.watch_context(context)
        context.route("**/*", lambda route: _guard_auditing(route, audit))
    else:
        context.route("**/*", _guard)
    return context


@pytest.fixture
def context(context: BrowserContext, axe_audit: AxeAudit) -> Iterator[BrowserContext]:
    context.set_default_timeout(10_000)
    yield guard(context, axe_audit)
    axe_audit.settle_all()  # before pytest-playwright closes the context


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
    # Import every view (and the statistics libraries the survey views need) before the first
    # page: a live server's first request would otherwise pay for it within the page timeout.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    return live_server.url


@pytest.fixture
def new_page(browser: Browser, axe_audit: AxeAudit) -> Iterator[Callable[..., Page]]:
    """A page in a fresh, guarded browser context: one per person in a multi-person story."""
    contexts: list[BrowserContext] = []

    def make(**context_args: object) -> Page:
        ctx = guard(browser.new_context(**{"locale": "en-GB", **context_args}), axe_audit)
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        return ctx.new_page()

    yield make
    axe_audit.settle_all()
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
            "button", name=re.compile("^(sign in|inloggen|aanmelden)$", re.I)
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
