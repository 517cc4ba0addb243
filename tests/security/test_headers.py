"""Issue 10, item 16: security headers on every page, and a production profile that Django's
own deployment check passes without a warning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/comms/people/"])
def test_pages_carry_the_security_headers(client, bob, url):
    client.force_login(bob)
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]  # no inline script, no eval
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script():
    root = Path(__file__).resolve().parents[2] / "src" / "zichtbaar"
    offenders = []
    for path in list(root.rglob("*.html")):
        text = path.read_text()
        for chunk in text.split("<script")[1:]:
            if "src=" not in chunk.split(">", 1)[0]:
                offenders.append(str(path))
        if " onclick=" in text or "javascript:" in text:
            offenders.append(str(path))
    assert offenders == []


def test_the_documented_production_settings_pass_the_deployment_check(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "false",
        "SECRET_KEY": "a-long-random-secret-" + "x" * 50,
        "SECURE_COOKIES": "true",
        "SECURE_HSTS_PRELOAD": "true",
        "ALLOWED_HOSTS": "zichtbaar.example.org",
        "SITE_URL": "https://zichtbaar.example.org",
        "ZICHTBAAR_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "zichtbaar.settings",
    }
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "zichtbaar"),
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
