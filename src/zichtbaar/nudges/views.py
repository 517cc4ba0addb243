"""Thin views: the person's preferences, unsubscribe, the calendar feed, the comms outbox."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zichtbaar.nudges import ical, selectors, services
from zichtbaar.nudges.forms import PreferenceForm
from zichtbaar.nudges.models import Preference
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import Membership


@member_required
@require_http_methods(["GET", "POST"])
def preferences(request: TenantRequest) -> HttpResponse:
    pref = services.preference_for(request.membership)
    if request.method == "POST" and request.POST.get("action") == "reset_feed":
        services.reset_feed(pref)
        messages.success(
            request, _("Your calendar has a new address; the old one no longer works.")
        )
        return redirect("nudges:preferences")
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved. We'll keep to this."))
        return redirect("nudges:preferences")
    feed_url = settings.SITE_URL + reverse("nudges:calendar", args=[pref.feed_token])
    return render(request, "nudges/preferences.html", {"form": form, "feed_url": feed_url})


@csrf_exempt  # RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` without a form
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Works without signing in: the signed token names the person and organisation."""
    membership = services.membership_from_token(token)
    if membership is None:
        raise Http404
    pref = services.preference_for(membership)
    done = False
    if request.method == "POST":
        if request.POST.get("action") == "resubscribe":
            services.resubscribe(membership)
        else:
            services.unsubscribe(membership)
            done = True
        pref.refresh_from_db()
    with translation.override(pref.lang):
        return render(
            request,
            "nudges/unsubscribe.html",
            {"membership": membership, "pref": pref, "done": done, "token": token},
        )


@require_GET
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    pref = (
        Preference.objects.select_related("membership__org", "membership__user__profile")
        .filter(feed_token=token, membership__is_active=True)
        .first()
    )
    if pref is None:
        raise Http404
    response = HttpResponse(ical.feed(pref), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["Content-Disposition"] = 'inline; filename="moments.ics"'
    return response


@comms_required
@require_GET
def outbox(request: TenantRequest) -> HttpResponse:
    return render(
        request,
        "nudges/outbox.html",
        {
            "status": selectors.outbox_status(request.org.pk),
            "people": selectors.people_of(request.org.pk),
        },
    )


@comms_required
@require_POST
def test_digest(request: TenantRequest) -> HttpResponse:
    with transaction.atomic():
        services.queue_test_digest(request.membership)
    messages.success(
        request,
        _("Your test digest is on its way to %(email)s.") % {"email": request.user.email},
    )
    return redirect("nudges:outbox")


@comms_required
@require_GET
def preview(request: TenantRequest, membership_id: int) -> HttpResponse:
    """The next digest of one person of the comms lead's own organisation (nothing is sent)."""
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile", "org", "team"),
        pk=membership_id,
        org=request.org,
    )
    pref = services.preference_for(membership)
    with translation.override(pref.lang):
        digest = selectors.digest_for(membership, create_links=False)
        context = services.email_context(membership, pref, digest=digest)
    subject, text, html = services.render_email("digest", context, pref.lang)
    return render(
        request,
        "nudges/preview.html",
        {
            "person": membership,
            "pref": pref,
            "subject": subject,
            "text": text,
            "html": html,
            "digest": digest,
            "due": services.digest_is_due(pref, timezone.now()),
        },
    )
