"""Role checks for views: every view names who may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zichtbaar.orgs.http import TenantRequest

ViewFunc = Callable[..., HttpResponse]


def member_required(view: ViewFunc) -> ViewFunc:
    """Signed in and a member of an organisation."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if getattr(request, "membership", None) is None:
            return render(request, "orgs/no_membership.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def comms_required(view: ViewFunc) -> ViewFunc:
    """Signed in as communications lead or administrator of the current organisation."""

    @wraps(view)
    @member_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # member_required above has made sure TenantMiddleware found a membership.
        if not cast(TenantRequest, request).membership.is_comms:
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
