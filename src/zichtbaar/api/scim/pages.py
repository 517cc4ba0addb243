"""/comms/scim-tokens/: communications create and revoke the organisation's SCIM tokens (for
its identity provider). A new token's secret is shown once, on the page that created it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zichtbaar.api.models import ScimToken
from zichtbaar.api.scim import services
from zichtbaar.orgs.decorators import comms_required
from zichtbaar.orgs.http import TenantRequest


class ScimTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy('Which identity provider uses it, e.g. "Entra ID".'),
        error_messages={
            "required": gettext_lazy("Give the token a name, so you recognise it later.")
        },
    )


@comms_required
def scim_tokens(request: TenantRequest) -> HttpResponse:
    tokens = ScimToken.objects.filter(org=request.org).select_related("created_by")
    form = ScimTokenForm()
    new_token = None
    status = 200
    if request.method == "POST":
        if "revoke" in request.POST:
            value = request.POST.get("revoke", "")
            token = (
                tokens.filter(pk=int(value)).first()
                if value.isdigit() and len(value) < 19
                else None
            )
            if token is None:
                raise Http404
            if services.revoke_token(token):
                messages.success(
                    request, _("Revoked. %(name)s no longer works.") % {"name": token.name}
                )
            return redirect("scim_tokens")
        form = ScimTokenForm(request.POST)
        if form.is_valid():
            new_token = services.create_token(
                org=request.org, name=form.cleaned_data["name"], by=request.user
            )
            form = ScimTokenForm()
        else:
            status = 400
    return render(
        request,
        "api/scim_tokens.html",
        {
            "tokens": list(tokens),
            "form": form,
            "new_token": new_token,
            "base_url": request.build_absolute_uri("/scim/v2/"),
        },
        status=status,
    )
