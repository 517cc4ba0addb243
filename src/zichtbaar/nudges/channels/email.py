"""E-mail over SMTP with Django's own settings (EMAIL_HOST, EMAIL_PORT, ...).

One connection is opened per batch and reused for every message in it.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
from email import message_from_bytes
from email import policy as email_policy
from types import TracebackType
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend

from zichtbaar.nudges.channels import Permanent, Retry, mime, outbox


def classify(exc: BaseException) -> Permanent | Retry:
    """SMTP 4xx, refused or dropped connections and timeouts are temporary; 5xx are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        detail = "; ".join(
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        )
        if codes and all(500 <= c < 600 for c in codes):
            return Permanent(f"SMTP refused the address ({detail})")
        return Retry(f"SMTP refused the address for now ({detail})")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        # The operator's settings, not the message: keep it and try again after a fix.
        return Retry(f"SMTP login failed ({exc.smtp_code})")
    if isinstance(exc, smtplib.SMTPResponseException):
        msg = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        if 500 <= exc.smtp_code < 600:
            return Permanent(f"SMTP {exc.smtp_code} {msg}".strip())
        return Retry(f"SMTP {exc.smtp_code} {msg}".strip())
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout):
        return Retry(f"SMTP server not reachable ({exc.__class__.__name__}: {exc})")
    if isinstance(exc, OSError | smtplib.SMTPException):
        return Retry(f"SMTP error ({exc.__class__.__name__}: {exc})")
    return Permanent(f"{exc.__class__.__name__}: {exc}")


class Mailer:
    """`with Mailer() as m: m.send(...)`: one SMTP connection for a batch."""

    def __init__(self) -> None:
        self.connection: Any = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.connection.close()
            self.connection = None

    def _open(self) -> Any:
        if self.connection is None:
            connection = get_connection(outbox.delivery_backend(), fail_silently=False)
            try:
                connection.open()
            except Exception as exc:
                raise classify(exc) from exc
            self.connection = connection
        return self.connection

    def send(
        self,
        *,
        to: str,
        subject: str,
        text: str,
        html: str = "",
        headers: dict[str, str] | None = None,
    ) -> bytes:
        """Send one message; returns its bytes as they went out."""
        try:
            # Inside the try: an address Django can't encode is a permanent failure of this
            # message (classify), never an exception that leaves the row claimed.
            raw = mime.build(
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=to,
                subject=subject,
                text=text,
                html=html,
                headers=headers,
                localtime=settings.EMAIL_USE_LOCALTIME,
            )
        except Exception as exc:
            raise Permanent(f"The message could not be built: {exc}") from exc
        connection = self._open()
        try:
            # Django's own SMTP backend only: a subclass (DKIM signing, say) gets EmailMessages.
            if type(connection) is SMTPBackend:
                # Straight to smtplib: the message is built already (see channels/mime.py).
                if connection.connection is None:
                    raise smtplib.SMTPServerDisconnected("not connected")
                refused = connection.connection.sendmail(
                    mime.sender(settings.DEFAULT_FROM_EMAIL),
                    [mime.address(to)],
                    raw,
                )
                if refused:
                    raise smtplib.SMTPRecipientsRefused(refused)
            elif not connection.send_messages([self._django_message(raw, to)]):
                raise Retry("The mail backend did not accept the message")
        except (Retry, Permanent):
            raise
        except Exception as exc:
            error = classify(exc)
            if isinstance(error, Retry):
                self.close()  # a broken connection; the next message opens a fresh one
            raise error from exc
        return raw

    @staticmethod
    def _django_message(raw: bytes, to: str) -> EmailMessage:
        """For the console, file and memory backends of development: the same message."""
        parsed = message_from_bytes(raw.replace(b"\r\n", b"\n"), policy=email_policy.default)
        message = EmailMultiAlternatives(
            str(parsed["Subject"]),
            _part(parsed, "text/plain"),
            settings.DEFAULT_FROM_EMAIL,
            [to],
            headers={
                k: str(v)
                for k, v in parsed.items()
                if k
                not in (
                    "From",
                    "To",
                    "Subject",
                    "Content-Type",
                    "Content-Transfer-Encoding",
                    "MIME-Version",
                )
            },
        )
        html = _part(parsed, "text/html")
        if html:
            message.attach_alternative(html, "text/html")
        return message


def _part(parsed: Any, content_type: str) -> str:
    for part in parsed.walk():
        if part.get_content_type() == content_type:
            return str(part.get_content())
    return ""
