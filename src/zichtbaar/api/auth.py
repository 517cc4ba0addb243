"""Bearer tokens for /api/v1/: who is calling, for which organisation, with which scopes; and
the rate limit per token, counted in the shared cache."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from zichtbaar.api import selectors, services
from zichtbaar.api.models import ApiToken, Scope
from zichtbaar.api.problems import ApiProblem
from zichtbaar.orgs import selectors as org_selectors
from zichtbaar.orgs.models import Membership, Organisation

DEFAULT_RATE_PER_MINUTE = 120
WINDOW = 60  # seconds


def rate_per_minute() -> int:
    return int(getattr(settings, "API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))


@dataclass(frozen=True)
class Caller:
    """What a request's token may do. `membership` is None for an organisation token."""

    token: ApiToken
    org: Organisation
    membership: Membership | None
    scopes: frozenset[str]

    @property
    def language(self) -> str:
        if self.membership is not None:
            return org_selectors.profile_for(self.membership.user).language
        return self.org.default_language

    def has(self, scope: str) -> bool:
        return scope in self.scopes


def _count(token_id: int, now: float) -> tuple[int, int]:
    """This minute's requests of the token, this one included, and the seconds left in it."""
    window = int(now // WINDOW)
    key = f"zichtbaar:api:rate:{token_id}:{window}"
    cache.add(key, 0, timeout=WINDOW + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW + 5)
        used = 1
    left = max(1, math.ceil((window + 1) * WINDOW - now))
    return used, left


def check_rate(token: ApiToken, now: float | None = None) -> None:
    used, left = _count(token.pk, time.time() if now is None else now)
    if used > rate_per_minute():
        raise ApiProblem(
            429,
            _(
                "This token made more than %(limit)s requests this minute. Try again in %(seconds)s seconds."
            )
            % {"limit": rate_per_minute(), "seconds": left},
            headers={"Retry-After": str(left)},
        )


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = selectors.active_token(token.strip())
        if found is None:
            return None
        scopes = set(found.scopes)
        if found.membership is not None:
            # A person whose role changed keeps only what the new role allows.
            scopes &= set(services.allowed_scopes(found.membership))
        check_rate(found)
        services.mark_used(found)
        caller = Caller(found, found.org, found.membership, frozenset(scopes))
        translation.activate(caller.language)
        request.LANGUAGE_CODE = caller.language
        return caller


def caller_of(request: HttpRequest) -> Caller:
    auth: Any = getattr(request, "auth", None)
    assert isinstance(auth, Caller)
    return auth


def require(request: HttpRequest, scope: str, *, personal: bool = False) -> Caller:
    """The caller, when its token has `scope` (and, with personal=True, acts as a person);
    else 403 with the reason."""
    caller = caller_of(request)
    if personal and caller.membership is None:
        raise ApiProblem(
            403,
            _("This needs a personal token: an organisation token acts for no one in particular."),
        )
    if not caller.has(scope):
        raise ApiProblem(
            403,
            _("This token doesn't have the '%(scope)s' scope this needs.") % {"scope": scope},
        )
    return caller


def comms_view(caller: Caller) -> bool:
    """Sees the organisation as communications do (every moment, people, impact)."""
    return caller.has(Scope.COMMS)
