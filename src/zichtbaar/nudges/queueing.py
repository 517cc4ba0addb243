"""Putting messages in the outbox: every outgoing message is first a `Message` row.

Rows are unique by `key` (person, kind, moment or period), so queueing anything twice never
sends twice. Delivery starts once the transaction commits (delivery.py sends them).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse

from zichtbaar.moments.models import Moment
from zichtbaar.nudges import emails
from zichtbaar.nudges.delivery import BATCH
from zichtbaar.nudges.models import CAPPED_KINDS, Channel, Kind, Message, Preference, Status
from zichtbaar.nudges.preferences import next_allowed, unsubscribe_url
from zichtbaar.orgs import jobs
from zichtbaar.orgs.models import Membership


def used_this_week(membership_ids: list[int], now: datetime) -> dict[int, int]:
    """Capped nudges (not failed) in the last seven days, per person; one query."""
    return dict(
        Message.objects.filter(
            membership_id__in=membership_ids,
            kind__in=CAPPED_KINDS,
            created_at__gt=now - timedelta(days=7),
        )
        .exclude(status=Status.FAILED)
        .values("membership_id")
        .annotate(n=Count("id"))
        .values_list("membership_id", "n")
        .order_by()
    )


def start_delivery(org_id: int | None, rows: int = 1) -> None:
    """After the transaction commits: a delivery job per batch, keeping the organisation."""
    for _i in range(max(1, -(-rows // BATCH))):
        jobs.enqueue("nudges.deliver_outbox", org_id)


def save_row(deliver: bool, row: Message | None = None, **fields: Any) -> Message | None:
    """Save an outbox row (`row`, or one made of `fields`); None when its key exists."""
    message = row if row is not None else Message(**fields)
    try:
        with transaction.atomic():
            message.save(force_insert=True)
    except IntegrityError:
        return None  # the same nudge was queued before: never a second copy
    if deliver:
        start_delivery(message.org_id)
    return message


def store_and_deliver(message: Message) -> Message:
    """An e-mail of the product's own (channels/outbox.py): saved, then sent after commit."""
    saved = save_row(True, message)
    assert saved is not None  # noqa: S101 - its key is new
    return saved


def render_email(kind: str, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    return emails.render(kind, context, language)


def email_headers(membership_id: int, kind: str, unsubscribe: str = "") -> dict[str, str]:
    """One-click unsubscribe (RFC 8058), a mark for auto-responders (RFC 3834) and the kind
    of nudge (for mail filters). `unsubscribe`: the link already made for the body."""
    return {
        "X-Zichtbaar-Nudge": kind,
        "List-Unsubscribe": f"<{unsubscribe or unsubscribe_url(membership_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


@functools.cache
def _preferences_path() -> str:
    return reverse("nudges:preferences")


def email_context(membership: Membership, pref: Preference, **extra: Any) -> dict[str, Any]:
    return {
        "person": membership.user,
        "org": membership.org,
        "pref": pref,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url(membership.pk),
        "preferences_url": settings.SITE_URL + _preferences_path(),
        **extra,
    }


def queue_email(
    membership: Membership,
    pref: Preference,
    *,
    key: str,
    deliver: bool = True,
    **fields: Any,
) -> Message | None:
    """Render and save one e-mail (`fields` as for `email_row`), once per key."""
    if Message.objects.filter(key=key).exists():
        return None
    return save_row(deliver, email_row(membership, pref, key=key, **fields))


def email_row(
    membership: Membership,
    pref: Preference,
    *,
    kind: str,
    key: str,
    now: datetime,
    moment: Moment | None = None,
    template: str | None = None,
    context: dict[str, Any] | None = None,
    respect_quiet: bool = True,
) -> Message:
    """The outbox row of one e-mail, rendered, not yet saved."""
    ctx = email_context(membership, pref, **(context or {}))
    # An e-mail about one moment is written in the language of the moment's texts for this
    # person (theirs when the moment has it), so the e-mail and its draft never mix languages.
    # A review notice carries no draft: it is in the reader's language, quoting the title.
    language = (
        moment.text(pref.lang).language if moment is not None and kind != Kind.REVIEW else pref.lang
    )
    subject, text, html = render_email(template or kind, ctx, language)
    return Message(
        org_id=membership.org_id,
        membership=membership,
        moment=moment,
        key=key,
        channel=Channel.EMAIL,
        kind=kind,
        to=membership.user.email,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=email_headers(membership.pk, kind, ctx["unsubscribe_url"]),
        next_try_at=next_allowed(pref, now) if respect_quiet else now,
        created_at=now,
    )
