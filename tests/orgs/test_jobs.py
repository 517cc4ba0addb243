"""Background work starts one way (orgs.jobs): services ask for a job by name, never import it."""

from __future__ import annotations

import ast
from pathlib import Path

import zichtbaar

APPS = Path(zichtbaar.__file__).parent
# Only these may import an app's own tasks: the app config registers them with orgs.jobs.
MAY_IMPORT_TASKS = {"apps.py", "tasks.py"}


def _imports(path: Path) -> set[str]:
    """Every module the file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_no_services_module_imports_its_own_apps_tasks():
    offenders = []
    for tasks in sorted(APPS.glob("*/tasks.py")):
        app = tasks.parent
        own = f"zichtbaar.{app.name}.tasks"
        for path in sorted(app.rglob("*.py")):
            if path.name in MAY_IMPORT_TASKS and path.parent == app:
                continue
            if own in _imports(path):
                offenders.append(str(path.relative_to(APPS)))
    assert offenders == []


def test_a_digest_run_for_an_organisation_deleted_meanwhile_is_skipped(acme, caplog):
    from zichtbaar.nudges import tasks

    org_id = acme.pk
    acme.delete()
    with caplog.at_level("INFO", logger="zichtbaar.orgs.jobs"):
        assert tasks.queue_digests.call(org_id) is None
        assert (
            tasks.queue_digest_chunk.call(org_id, [1], False, "2026-01-07T10:00:00+01:00") is None
        )
        assert tasks.deliver_outbox.call(org_id) == {"sent": 0, "retry": 0, "failed": 0}
    assert f"organisation {org_id} no longer exists" in caplog.text
