"""The pages where people create and revoke API tokens: their own (/me/api-tokens/) and, for
communications, the organisation's (/comms/api-tokens/). A new token's secret is shown on the
page that created it, once."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zichtbaar.api import selectors, services
from zichtbaar.api.forms import TokenForm
from zichtbaar.api.models import ApiToken, Scope
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest


def _tokens_page(request: TenantRequest, *, organisation: bool) -> HttpResponse:
    membership = request.membership
    tokens = (
        selectors.organisation_tokens(request.org)
        if organisation
        else selectors.personal_tokens(membership)
    )
    allowed = services.allowed_scopes(membership)
    if organisation:
        allowed = [Scope.READ, Scope.WRITE, Scope.COMMS]
    url = "api_tokens_org" if organisation else "api_tokens_mine"
    form = TokenForm(allowed=allowed)
    new_token = None
    status = 200
    if request.method == "POST":
        if "revoke" in request.POST:
            token = _own_token(tokens, request.POST.get("revoke", ""))
            if services.revoke_token(token):
                messages.success(
                    request,
                    _("Revoked. %(name)s no longer works.") % {"name": token.name},
                )
            return redirect(url)
        form = TokenForm(request.POST, allowed=allowed)
        if form.is_valid():
            new_token = services.create_token(
                creator=membership,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                organisation=organisation,
                expires_at=form.expires_at(),
            )
            form = TokenForm(allowed=allowed)
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {
            "organisation": organisation,
            "tokens": list(tokens),
            "form": form,
            "new_token": new_token,
        },
        status=status,
    )


def _own_token(tokens: QuerySet[ApiToken], value: str) -> ApiToken:
    if not value.isdigit() or len(value) > 18:
        raise Http404
    token = tokens.filter(pk=int(value)).first()
    if token is None:
        raise Http404
    return token


@member_required
def my_tokens(request: TenantRequest) -> HttpResponse:
    return _tokens_page(request, organisation=False)


@comms_required
def org_tokens(request: TenantRequest) -> HttpResponse:
    return _tokens_page(request, organisation=True)
