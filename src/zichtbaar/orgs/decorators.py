"""Role checks for views: every view names who may use it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
        if not request.membership.is_comms:  # type: ignore[attr-defined]
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
