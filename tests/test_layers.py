"""Every import points down: the layer rule of docs/decisions.md, checked by import-linter.

The contracts are in pyproject.toml ([tool.importlinter]). A lower app importing a higher one,
even inside a function, breaks them and this test names the import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_app_imports_a_layer_above_it():
    done = subprocess.run(  # noqa: S603
        [
            str(Path(sys.executable).parent / "lint-imports"),
            "--config",
            str(ROOT / "pyproject.toml"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT / "src",
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout
