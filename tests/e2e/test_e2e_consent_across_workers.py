"""Consent withdrawn in the browser stops counting at once, in every gunicorn worker.

Each worker used to cache link destinations (with the owner's consent) in its own memory, so
clicks kept being counted by the workers that had not heard of the change.
"""

from __future__ import annotations

import re
import sqlite3
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.production import server

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


class _NoFollow(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def _click(url: str, n: int) -> int:
    """Follow the tracked link n times as different people; returns how many redirected."""
    opener = urllib.request.build_opener(_NoFollow)
    redirected = 0
    for i in range(n):
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            url, headers={"User-Agent": DESKTOP, "X-Forwarded-For": f"203.0.113.{i % 250}"}
        )
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as exc:
            redirected += exc.code == 302
    return redirected


def _clicks(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM sharing_click").fetchone()[0]


def test_withdrawn_consent_stops_counting_in_every_worker(page: Page, tmp_path: Path) -> None:
    port = server.free_port()
    env = server.environment(
        tmp_path, port, STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    server.run(env, "migrate", "--no-input")
    code = (
        server.run(
            env,
            "shell",
            "-c",
            Path(__file__).parents[1].joinpath("production", "setup_consent.py").read_text(),
        )
        .strip()
        .splitlines()[-1]
    )
    db = tmp_path / "zichtbaar.sqlite3"

    with server.gunicorn(env, port, workers=2, log=tmp_path / "gunicorn.log") as site:
        link = f"{site}/l/{code}"
        # Enough clicks that both workers have served (and so looked up) the link.
        assert _click(link, 40) == 40
        assert _clicks(db) == 40

        page.goto(f"{site}/accounts/login/")
        page.locator('input[name="login"]').fill("bob@acme.test")
        page.locator('input[name="password"]').fill("correct horse battery staple")
        page.locator("main form").get_by_role("button", name=re.compile("^sign in$", re.I)).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        page.goto(f"{site}/me/")
        consent = page.locator('input[name="consent_tracking"]')
        expect(consent).to_be_checked()
        consent.uncheck()
        page.locator("main form").get_by_role("button", name=re.compile("save", re.I)).click()
        expect(page.get_by_text("Saved.")).to_be_visible()

        # The next clicks, whichever worker answers them, still redirect but are not counted.
        assert _click(link, 40) == 40
        assert _clicks(db) == 40
