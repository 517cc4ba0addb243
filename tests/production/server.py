"""Zichtbaar as it runs in production, for tests: `zichtbaar` commands and gunicorn in processes.

Tests that must see what several worker processes do (a shared cache, consent that takes
effect on the next click in every worker) cannot use Django's in-process live server. These
helpers run the real entry points against a database of their own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.smtp import free_port

BIN = Path(sys.executable).parent
SECRET = "production-profile-test-secret-key-with-enough-entropy-0123456789"  # noqa: S105


def environment(data_dir: Path, port: int, **extra: str) -> dict[str, str]:
    """The environment of a production install on 127.0.0.1:port, with its data in data_dir."""
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the test run leaks in: settings come from this environment only.
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TASKS_", "EMAIL_", "PYTEST"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "zichtbaar.settings",
            "DEBUG": "false",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "ZICHTBAAR_DATA_DIR": str(data_dir),
        }
    )
    env.update(extra)
    return env


def run(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """A `zichtbaar` command; its output, or an error that shows what it printed."""
    done = subprocess.run(  # noqa: S603
        [str(BIN / "zichtbaar"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"zichtbaar {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=15):  # noqa: S310 - 127.0.0.1 only
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def process(env: dict[str, str], *args: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A long-running process (gunicorn, a worker), stopped when the block ends."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, *, workers: int, log: Path) -> Iterator[str]:
    """gunicorn with several worker processes, as the README runs it; yields its address."""
    exe = shutil.which("gunicorn", path=str(BIN)) or str(BIN / "gunicorn")
    cmd = [exe, "zichtbaar.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    # A busy test machine can take longer than gunicorn's 30 s for a cold worker's first page.
    cmd += ["--timeout", "120"]
    with process(env, *cmd, log=log):
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/accounts/login/")
        yield url


__all__ = ["environment", "free_port", "gunicorn", "process", "run", "wait_for"]
