"""Outgoing HTTP for webhooks and feeds, with the chat webhooks' address rules.

- https only (plain http to this machine only in development and tests, as for chat webhooks);
- no user name or password in the address;
- the host is resolved and every address it resolves to must be public (no loopback, private,
  link-local, shared or reserved ranges), and the connection goes to the address that was
  checked, so a DNS answer that changes between the check and the request (DNS rebinding)
  can't point it inward. Hosts the operator lists in ZICHTBAAR_WEBHOOK_EXTRA_HOSTS are trusted
  (an internal gateway);
- redirects are never followed here (the feed fetcher follows them itself, checking each);
- a time limit on the whole request and a cap on the size of the answer.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from zichtbaar.nudges.channels import Permanent, Retry
from zichtbaar.nudges.forms import (
    LOOPBACK_HOSTS,
    _host_matches,
    extra_webhook_hosts,
    local_webhooks_allowed,
)

TIMEOUT = 10.0  # seconds for the whole request
USER_AGENT = "Zichtbaar (+https://github.com/zichtbaar)"


class Refused(Permanent):
    """The address is not one Zichtbaar sends to; `reason` says why, for comms."""


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    too_large: bool = False


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host resolves to (a function of its own, so tests can stand in)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _public(ip: str) -> bool:
    address = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _local(host: str) -> bool:
    return host in LOOPBACK_HOSTS and local_webhooks_allowed()


def check_address(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an address that may be used; raises Refused otherwise."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        raise Refused(_("Paste the whole address, starting with https://.")) from None
    if parts.scheme not in ("https", "http") or not host:
        raise Refused(_("Paste the whole address, starting with https://."))
    if parts.username or parts.password:
        raise Refused(_("The address can't contain a user name or password."))
    if parts.scheme != "https" and not _local(host):
        raise Refused(_("The address must start with https://, so the message is encrypted."))
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


def pinned_address(host: str, port: int) -> str:
    """The checked address to connect to; raises Refused for internal ones, Retry when the
    name can't be resolved right now."""
    if _local(host):
        return "127.0.0.1" if host == "localhost" else host
    try:
        addresses = resolve(host, port)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise Retry(_("The host %(host)s can't be found.") % {"host": host}) from exc
    if not addresses:
        raise Retry(_("The host %(host)s can't be found.") % {"host": host})
    if not _host_matches(host, extra_webhook_hosts()) and not all(map(_public, addresses)):
        raise Refused(
            _(
                "%(host)s points to an address inside a private network or this machine; "
                "Zichtbaar only connects to public addresses."
            )
            % {"host": host}
        )
    return addresses[0]


def url_problem(url: str) -> str | None:
    """Why this address can't be used, in one sentence; None when fine (for forms)."""
    try:
        _scheme, host, port = check_address(url)
        pinned_address(host, port)
    except (Refused, Retry) as exc:
        return exc.reason
    return None


class _Pinned(http.client.HTTPConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, ip: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = 64 * 1024,
) -> Answer:
    """One request, redirects not followed. Raises Refused (the address), Retry (not reachable,
    too slow); any HTTP status comes back as an Answer."""
    scheme, host, port = check_address(url)
    ip = pinned_address(host, port)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + timeout
    connection_class = _PinnedTLS if scheme == "https" else _Pinned
    connection = connection_class(host, ip, port, timeout)
    all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        connection.request(method, target, body=body, headers=all_headers)
        response = connection.getresponse()
        chunks: list[bytes] = []
        size = 0
        too_large = False
        while True:
            if time.monotonic() > deadline:
                raise Retry(_("No complete answer within %(n)s seconds.") % {"n": int(timeout)})
            chunk = response.read1(16384) if hasattr(response, "read1") else response.read(16384)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                too_large = True
                chunks.append(chunk[: max(0, max_bytes - (size - len(chunk)))])
                break
            chunks.append(chunk)
        return Answer(
            status=response.status,
            headers={k.lower(): v for k, v in response.getheaders()},
            body=b"".join(chunks),
            too_large=too_large,
        )
    except TimeoutError as exc:
        raise Retry(_("No answer within %(n)s seconds.") % {"n": int(timeout)}) from exc
    except ssl.SSLError as exc:
        raise Retry(_("The secure connection failed (%(why)s).") % {"why": exc.reason}) from exc
    except (OSError, http.client.HTTPException) as exc:
        raise Retry(_("Not reachable (%(why)s).") % {"why": exc.__class__.__name__}) from exc
    finally:
        connection.close()
