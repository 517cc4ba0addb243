"""The bytes of a nudge e-mail (multipart/alternative: plain text and HTML), built directly.

Python's `email` generator, which Django's EmailMessage uses, spends more time per digest
than rendering it (see docs/decisions.md). A nudge always has the same simple shape, so it is
written here with the C-speed quoted-printable encoder from `binascii`; headers still go
through Django's own `sanitize_address` and `email.header.Header`, so addresses and
non-ASCII subjects are encoded exactly as Django would.
"""

from __future__ import annotations

import binascii
import functools
import itertools
import os
import re
from email.header import Header
from email.utils import formatdate

from django.core.mail import BadHeaderError
from django.core.mail.message import sanitize_address

# "=_" never occurs in quoted-printable text ("=" is always "=3D" or a soft line break "=\r\n"),
# so a boundary starting with it cannot collide with a body (RFC 2045, section 6.7).
_PREFIX = f"=_zichtbaar_{binascii.hexlify(os.urandom(6)).decode()}_"
_counter = itertools.count()


# Most addresses need no encoding at all; Django's sanitize_address parses every one.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


def address(addr: str) -> str:
    """An address as it goes into a header and to `sendmail` (IDNA, encoded display name)."""
    if _PLAIN_ADDRESS.fullmatch(addr):
        return addr
    return sanitize_address(addr, "utf-8")


@functools.lru_cache(maxsize=64)
def sender(from_email: str) -> str:
    """The sender, encoded once: it is the same on every message."""
    return sanitize_address(from_email, "utf-8")


def header_value(name: str, value: str) -> str:
    """A header value on one line: ASCII as it is, anything else RFC 2047-encoded."""
    if "\n" in value or "\r" in value:
        # Header injection: the same refusal as Django's.
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for {name})")
    if value.isascii():
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


_BARE_LF = re.compile(rb"(?<!\r)\n")


def _body(text: str) -> bytes:
    crlf = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    encoded = binascii.b2a_qp(crlf.encode(), istext=True)
    # b2a_qp ends lines as the text's first line ends: with no line break at all (one long
    # line), its soft line breaks are bare "=\n", and SMTP wants CRLF everywhere.
    return encoded if "\n" in crlf else _BARE_LF.sub(b"\r\n", encoded)


def build(
    *,
    from_email: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    headers: dict[str, str] | None = None,
    localtime: bool = False,
) -> bytes:
    """The whole message, CRLF line endings, ready for `smtplib.SMTP.sendmail`."""
    lines = [
        f"From: {sender(from_email)}",
        f"To: {address(to)}",
        f"Subject: {header_value('Subject', subject)}",
        f"Date: {formatdate(localtime=localtime)}",
        "MIME-Version: 1.0",
    ]
    lines += [f"{name}: {header_value(name, value)}" for name, value in (headers or {}).items()]
    text_part = b'Content-Type: text/plain; charset="utf-8"\r\n'
    text_part += b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _body(text)
    if not html:
        head = "\r\n".join(lines).encode()
        return head + b"\r\n" + text_part
    boundary = f"{_PREFIX}{next(_counter)}".encode()
    lines.append(f'Content-Type: multipart/alternative; boundary="{boundary.decode()}"')
    html_part = b'Content-Type: text/html; charset="utf-8"\r\n'
    html_part += b"Content-Transfer-Encoding: quoted-printable\r\n\r\n" + _body(html)
    return b"".join(
        [
            "\r\n".join(lines).encode(),
            b"\r\n\r\n--",
            boundary,
            b"\r\n",
            text_part,
            b"\r\n--",
            boundary,
            b"\r\n",
            html_part,
            b"\r\n--",
            boundary,
            b"--\r\n",
        ]
    )
