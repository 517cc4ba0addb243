"""Django's e-mail backend for the whole product: every message becomes an outbox row first.

`send_mail` (invitations), allauth (login codes, password resets, address confirmations) and the
nudges all end up here, so every e-mail is retried while the mail server is down and sent once
(nudges.delivery.deliver, through EMAIL_DELIVERY_BACKEND). A page that sends mail never waits
for, or fails on, the mail server.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

# A sender in this project may say which organisation the message belongs to (its outbox row is
# then shown and delivered with that organisation's); the header never leaves the machine.
ORG_HEADER = "X-Zichtbaar-Org"
OUTBOX_BACKEND = "zichtbaar.nudges.channels.outbox.OutboxBackend"


def delivery_backend() -> str:
    """The backend that really sends: EMAIL_DELIVERY_BACKEND when the outbox is in front."""
    backend = settings.EMAIL_BACKEND
    return settings.EMAIL_DELIVERY_BACKEND if backend == OUTBOX_BACKEND else backend


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from zichtbaar.nudges import queueing
        from zichtbaar.nudges.models import Channel, Kind, Message

        stored = 0
        now = timezone.now()
        for email in email_messages:
            if email.attachments:
                raise ValueError("The outbox does not carry attachments")
            headers: dict[str, Any] = dict(email.extra_headers)
            org = headers.pop(ORG_HEADER, None)
            html = next(
                (
                    content
                    for content, mimetype in getattr(email, "alternatives", [])
                    if mimetype == "text/html"
                ),
                "",
            )
            for to in email.recipients():
                queueing.store_and_deliver(
                    Message(
                        org_id=int(org) if org else None,
                        key=f"mail:{uuid.uuid4().hex}",
                        channel=Channel.EMAIL,
                        kind=Kind.ACCOUNT,
                        to=to,
                        subject=str(email.subject)[:300],
                        body_text=str(email.body),
                        body_html=str(html),
                        headers={k: str(v) for k, v in headers.items()},
                        next_try_at=now,
                        created_at=now,
                    )
                )
                stored += 1
        return stored
