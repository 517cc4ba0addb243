"""HTTP to an organisation's OpenID provider with the webhooks' address rules.

The issuer address is typed in by an organisation's admin, and allauth then fetches it and the
addresses its configuration names (token, userinfo, keys) from the server: without these rules
an admin could make Zichtbaar read an internal address. Each request's host must resolve to
public addresses only (integrations.transport), and redirects are not followed.
"""

from __future__ import annotations

from typing import Any

import requests
from django.conf import settings

from zichtbaar.integrations.transport import Refused, check_address, pinned_address
from zichtbaar.nudges.channels import Retry

TIMEOUT = 10.0


class GuardedSession(requests.Session):
    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        target = url.decode() if isinstance(url, bytes) else url
        try:
            _scheme, host, port = check_address(target)
            pinned_address(host, port)
        except (Refused, Retry) as exc:
            raise requests.ConnectionError(exc.reason) from exc
        kwargs["allow_redirects"] = False
        kwargs.setdefault("timeout", getattr(settings, "SOCIALACCOUNT_REQUESTS_TIMEOUT", TIMEOUT))
        verb = method.decode() if isinstance(method, bytes) else method
        return super().request(verb, target, *args, **kwargs)


def guarded_session() -> requests.Session:
    return GuardedSession()
