"""Background work for sharing, through Django's Tasks API (database or RQ backend).

Registered with `orgs.jobs` when the app is ready; services ask for it by name.
"""

from __future__ import annotations

from django_tasks import task

from zichtbaar.orgs import jobs
from zichtbaar.sharing.linkedin import analytics, worker

QUEUE_SETTING = "SHARING_TASK_QUEUE"


@jobs.register("sharing.post_linkedin", queue_setting=QUEUE_SETTING, priority=10)
@task()
def post_linkedin(org_id: int | None) -> dict[str, int]:
    """Publish the organisation's due LinkedIn posts (None: every organisation's); safe to
    run any number of times at once."""
    if org_id is not None and jobs.load_org(org_id, "post_linkedin") is None:
        return worker.Done().as_dict()
    return worker.post_due(org_id).as_dict()


@jobs.register("sharing.read_linkedin_analytics", queue_setting=QUEUE_SETTING)
@task()
def read_linkedin_analytics(org_id: int) -> dict[str, int]:
    """Read what the organisation's posts made through Zichtbaar reached (daily per post)."""
    if jobs.load_org(org_id, "read_linkedin_analytics") is None:
        return {"read": 0, "skipped": 0, "failed": 0}
    return analytics.read_analytics(org_id)
