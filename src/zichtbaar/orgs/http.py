"""The request type views see after TenantMiddleware and the role decorators."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from zichtbaar.orgs.models import Membership, Organisation, User


class TenantRequest(HttpRequest):
    """A request of a signed-in member: `org` and `membership` are set by TenantMiddleware."""

    user: User
    org: Organisation
    membership: Membership
