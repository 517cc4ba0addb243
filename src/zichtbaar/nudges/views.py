"""Thin views: the person's preferences, unsubscribe, the calendar feed, the comms outbox and
the organisation's chat webhooks."""

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

from zichtbaar.nudges import chat, digests, ical, queueing, selectors
from zichtbaar.nudges import preferences as prefs
from zichtbaar.nudges.forms import PreferenceForm, WebhookForm
from zichtbaar.nudges.models import Kind, Message, Preference, Webhook
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import Membership


@member_required
@require_http_methods(["GET", "POST"])
def preferences(request: TenantRequest) -> HttpResponse:
    pref = prefs.preference_for(request.membership)
    if request.method == "POST" and request.POST.get("action") == "reset_feed":
        prefs.reset_feed(pref)
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
    membership = prefs.membership_from_token(token)
    if membership is None:
        raise Http404
    pref = prefs.preference_for(membership)
    done = False
    if request.method == "POST":
        if request.POST.get("action") == "resubscribe":
            prefs.resubscribe(membership)
        else:
            prefs.unsubscribe(membership)
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
        digests.queue_test_digest(request.membership)
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
    pref = prefs.preference_for(membership)
    with translation.override(pref.lang):
        digest = selectors.digest_for(membership, create_links=False)
        context = queueing.email_context(membership, pref, digest=digest)
    subject, text, html = queueing.render_email("digest", context, pref.lang)
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
            "due": digests.digest_is_due(pref, timezone.now()),
        },
    )


# --- the organisation's Slack and Teams webhooks (comms) -----------------------------------


def _webhook(request: TenantRequest, webhook_id: int) -> Webhook:
    return get_object_or_404(Webhook.objects.select_related("org"), pk=webhook_id, org=request.org)


@comms_required
@require_GET
def webhooks(request: TenantRequest) -> HttpResponse:
    return render(request, "nudges/webhooks.html", {"rows": chat.webhook_rows(request.org.pk)})


@comms_required
@require_http_methods(["GET", "POST"])
def webhook_edit(request: TenantRequest, webhook_id: int | None = None) -> HttpResponse:
    hook = _webhook(request, webhook_id) if webhook_id else Webhook(org=request.org)
    form = WebhookForm(request.POST or None, instance=hook)
    if request.method == "POST" and form.is_valid():
        hook = chat.save_webhook(form.save(commit=False))
        if webhook_id:
            messages.success(request, _("Saved “%(name)s”.") % {"name": hook.label})
        else:
            messages.success(
                request,
                _("Added “%(name)s”. Send a test message to check that it arrives.")
                % {"name": hook.label},
            )
        return redirect("nudges:webhooks")
    return render(
        request,
        "nudges/webhook_form.html",
        {"form": form, "hook": hook if webhook_id else None},
        status=400 if form.errors else 200,
    )


@comms_required
@require_POST
def webhook_pause(request: TenantRequest, webhook_id: int) -> HttpResponse:
    hook = chat.set_webhook_active(_webhook(request, webhook_id), False)
    messages.success(
        request,
        _("“%(name)s” is paused: no new moments are announced there.") % {"name": hook.label},
    )
    return redirect("nudges:webhooks")


@comms_required
@require_POST
def webhook_resume(request: TenantRequest, webhook_id: int) -> HttpResponse:
    hook = chat.set_webhook_active(_webhook(request, webhook_id), True)
    messages.success(
        request,
        _("“%(name)s” is active again: new moments are announced there.") % {"name": hook.label},
    )
    return redirect("nudges:webhooks")


@comms_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request: TenantRequest, webhook_id: int) -> HttpResponse:
    """GET asks for confirmation; only a POST removes."""
    hook = _webhook(request, webhook_id)
    if request.method == "POST":
        name = hook.label
        chat.delete_webhook(hook)
        messages.success(request, _("Removed “%(name)s”.") % {"name": name})
        return redirect("nudges:webhooks")
    return render(request, "nudges/webhook_delete.html", {"hook": hook})


def _test_status(request: TenantRequest, hook: Webhook, message: Message) -> HttpResponse:
    context = {
        "hook": hook,
        "message": message,
        "reason": chat.scrub_reason(message.last_error, hook),
        "htmx": bool(request.headers.get("HX-Request")),
    }
    if context["htmx"]:
        return render(request, "nudges/_webhook_test.html", context)
    return render(request, "nudges/webhook_test.html", context)


@comms_required
@require_POST
def webhook_test(request: TenantRequest, webhook_id: int) -> HttpResponse:
    """Queue a test message through the outbox; htmx gets its status, others a status page."""
    hook = _webhook(request, webhook_id)
    message = chat.queue_chat_test(hook)
    message.refresh_from_db()  # delivery may already have happened (on commit)
    if request.headers.get("HX-Request"):
        return _test_status(request, hook, message)
    return redirect("nudges:webhook_test_status", webhook_id=hook.pk, message_id=message.pk)


@comms_required
@require_GET
def webhook_test_status(request: TenantRequest, webhook_id: int, message_id: int) -> HttpResponse:
    hook = _webhook(request, webhook_id)
    message = get_object_or_404(
        Message, pk=message_id, webhook=hook, org=request.org, kind=Kind.CHAT_TEST
    )
    return _test_status(request, hook, message)
