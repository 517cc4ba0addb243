"""What posts made through Zichtbaar reached, read from LinkedIn (Member Post Analytics).

Only where the operator's LinkedIn app has `r_member_postAnalytics` (LinkedIn must approve it;
settings ZICHTBAAR_LINKEDIN_ANALYTICS) and the person's connection granted it. Each post is read
at most once a day, for READ_FOR days after it went out; the figures are LinkedIn's lifetime
totals, stored on the post (never mixed with the reach estimate). Started from `runperiodic`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from zichtbaar.orgs import jobs
from zichtbaar.sharing import linkedin
from zichtbaar.sharing.linkedin import ANALYTICS_SCOPE, client, tokens
from zichtbaar.sharing.models import ConnectionState, LinkedInConnection, LinkedInPost, PostState

logger = logging.getLogger(__name__)

READ_EVERY = timedelta(days=1)
READ_FOR = timedelta(days=60)
BATCH = 200


def due_for_reading(now: datetime | None = None) -> QuerySet[LinkedInPost]:
    now = now or timezone.now()
    return LinkedInPost.objects.filter(
        Q(metrics_at__isnull=True) | Q(metrics_at__lt=now - READ_EVERY),
        state=PostState.SENT,
        sent_at__gte=now - READ_FOR,
    ).exclude(post_urn="")


def read_analytics(org_id: int | None = None, now: datetime | None = None) -> dict[str, int]:
    """Read the due posts' figures; a connection without the permission, or expired, is
    skipped (its posts keep no figures: "not available", never an estimate)."""
    now = now or timezone.now()
    done = {"read": 0, "skipped": 0, "failed": 0}
    if not (linkedin.configured() and settings.ZICHTBAAR_LINKEDIN_ANALYTICS):
        return done
    posts = due_for_reading(now).select_related("membership")
    if org_id is not None:
        posts = posts.filter(org_id=org_id)
    connections: dict[int, LinkedInConnection | None] = {}
    for post in posts.order_by("metrics_at", "id")[:BATCH]:
        user_id = post.membership.user_id
        if user_id not in connections:
            connections[user_id] = LinkedInConnection.objects.filter(user_id=user_id).first()
        found = connections[user_id]
        if found is None or not found.usable(now) or ANALYTICS_SCOPE not in found.scopes.split():
            done["skipped"] += 1
            continue
        try:
            totals = client.post_analytics(tokens.decrypt(found.token), post.post_urn)
        except linkedin.Unauthorized:
            LinkedInConnection.objects.filter(pk=found.pk, state=ConnectionState.CONNECTED).update(
                state=ConnectionState.EXPIRED
            )
            connections[user_id] = None
            done["failed"] += 1
            continue
        except (linkedin.LinkedInError, tokens.Unreadable) as error:
            logger.info("LinkedIn analytics of post %s not read: %s", post.pk, error)
            done["failed"] += 1
            continue
        LinkedInPost.objects.filter(pk=post.pk).update(
            impressions=totals["IMPRESSION"],
            members_reached=totals["MEMBERS_REACHED"],
            reactions=totals["REACTION"],
            comments=totals["COMMENT"],
            reshares=totals["RESHARE"],
            metrics_at=now,
        )
        done["read"] += 1
    return done


def start_reading(now: datetime | None = None) -> int:
    """From `runperiodic`: a job per organisation with posts due for reading."""
    if not (linkedin.configured() and settings.ZICHTBAAR_LINKEDIN_ANALYTICS):
        return 0
    org_ids = sorted(set(due_for_reading(now).values_list("org_id", flat=True)))
    for org_id in org_ids:
        jobs.enqueue("sharing.read_linkedin_analytics", org_id)
    return len(org_ids)
