"""Privacy page, export (JSON and a readable page) and erasure of one's own account.

Every view works on the signed-in person alone: no view takes a person as a parameter, so
nobody can export or erase someone else.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from zichtbaar.orgs.http import TenantRequest
from zichtbaar.privacy import selectors, services
from zichtbaar.privacy.forms import DeleteAccountForm


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def overview(request: TenantRequest) -> HttpResponse:
    return _private(
        render(request, "privacy/overview.html", {"counts": selectors.summary(request.user)})
    )


@login_required
@require_safe
def export_json(request: TenantRequest) -> HttpResponse:
    data = selectors.personal_data(request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{selectors.export_filename()}"'
    return _private(response)


@login_required
@require_safe
def export_html(request: TenantRequest) -> HttpResponse:
    data = selectors.personal_data(request.user, readable=True)
    return _private(render(request, "privacy/export.html", {"data": data}))


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: TenantRequest) -> HttpResponse:
    user = request.user
    # Bound on every POST, even an empty one: that is a refusal with a reason, not the form.
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        language = get_language()
        services.erase_person(user)
        # The session is gone from the database; end this one too, without signals about
        # a person who no longer exists.
        request.session.flush()
        # Signed out now; the stubs type request.user as our User only.
        request.user = AnonymousUser()  # type: ignore[assignment]
        response = redirect("privacy:deleted")
        # The confirmation speaks the language the person used.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response
    context = {"form": form, "alone_in": selectors.sole_comms_of(user)}
    status = 400 if form.errors else 200
    return _private(render(request, "privacy/delete.html", context, status=status))


@require_safe
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html")
