"""Thin views for comms: webhook endpoints with their delivery log, news feeds."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zichtbaar.integrations import feeds, selectors, webhooks
from zichtbaar.integrations.forms import RULE_ROWS, EndpointForm, FeedForm
from zichtbaar.integrations.models import EventType
from zichtbaar.orgs.decorators import comms_required
from zichtbaar.orgs.http import TenantRequest


@comms_required
@require_GET
def index(request: TenantRequest) -> HttpResponse:
    return render(
        request,
        "integrations/index.html",
        {
            "endpoints": list(selectors.endpoints_of(request.org)),
            "feeds": list(selectors.feeds_of(request.org)),
            "event_names": dict(EventType.choices),
        },
    )


def _secret_page(request: TenantRequest, endpoint: object, secret: str, new: bool) -> HttpResponse:
    response = render(
        request,
        "integrations/secret.html",
        {"endpoint": endpoint, "secret": secret, "new": new},
    )
    response["Cache-Control"] = "no-store"
    return response


@comms_required
@require_http_methods(["GET", "POST"])
def endpoint_add(request: TenantRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint = webhooks.create_endpoint(request.org, **form.cleaned_data)
        return _secret_page(request, endpoint, endpoint.secret, new=True)
    return render(
        request,
        "integrations/endpoint_form.html",
        {"form": form, "endpoint": None},
        status=400 if form.errors else 200,
    )


@comms_required
@require_GET
def endpoint_detail(request: TenantRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_of(request.org, endpoint_id)
    return render(
        request,
        "integrations/endpoint.html",
        {
            "endpoint": endpoint,
            "log": selectors.delivery_log(endpoint),
            "event_names": dict(EventType.choices),
        },
    )


@comms_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: TenantRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_of(request.org, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        webhooks.update_endpoint(endpoint, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("integrations:endpoint", endpoint_id=endpoint.pk)
    return render(
        request,
        "integrations/endpoint_form.html",
        {"form": form, "endpoint": endpoint},
        status=400 if form.errors else 200,
    )


@comms_required
@require_POST
def endpoint_rotate(request: TenantRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_of(request.org, endpoint_id)
    return _secret_page(request, endpoint, webhooks.rotate_secret(endpoint), new=False)


@comms_required
@require_POST
def endpoint_active(request: TenantRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_of(request.org, endpoint_id)
    active = request.POST.get("active") == "1"
    webhooks.set_active(endpoint, active)
    if active:
        messages.success(request, _("Active again: waiting events are sent now."))
    else:
        messages.success(request, _("Paused: events wait until you resume."))
    return redirect("integrations:endpoint", endpoint_id=endpoint.pk)


@comms_required
@require_http_methods(["GET", "POST"])
def endpoint_delete(request: TenantRequest, endpoint_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_of(request.org, endpoint_id)
    if request.method == "POST":
        webhooks.delete_endpoint(endpoint)
        messages.success(request, _("Removed the webhook and its delivery log."))
        return redirect("integrations:index")
    return render(request, "integrations/endpoint_delete.html", {"endpoint": endpoint})


@comms_required
@require_POST
def delivery_again(request: TenantRequest, endpoint_id: int, delivery_id: int) -> HttpResponse:
    endpoint = selectors.endpoint_of(request.org, endpoint_id)
    webhooks.redeliver(selectors.delivery_of(endpoint, delivery_id))
    messages.success(request, _("Sending it again."))
    return redirect("integrations:endpoint", endpoint_id=endpoint.pk)


def _feed_form_page(
    request: TenantRequest, form: FeedForm, feed: object | None, status: int = 200
) -> HttpResponse:
    rows = [(form[f"rule_{i}_contains"], form[f"rule_{i}_type"]) for i in range(1, RULE_ROWS + 1)]
    main = [form[name] for name in ("name", "url", "default_type", "interval_minutes", "is_active")]
    return render(
        request,
        "integrations/feed_form.html",
        {"form": form, "feed": feed, "rule_rows": rows, "main_fields": main},
        status=status,
    )


@comms_required
@require_http_methods(["GET", "POST"])
def feed_add(request: TenantRequest) -> HttpResponse:
    form = FeedForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        feed = feeds.create_feed(request.org, request.user, form.feed_data())
        messages.success(request, _("Added. New items arrive as drafts in Moments."))
        return redirect("integrations:feed", feed_id=feed.pk)
    return _feed_form_page(request, form, None, 400 if form.errors else 200)


@comms_required
@require_http_methods(["GET", "POST"])
def feed_edit(request: TenantRequest, feed_id: int) -> HttpResponse:
    feed = selectors.feed_of(request.org, feed_id)
    form = FeedForm(request.POST or None, org=request.org, instance=feed)
    if request.method == "POST" and form.is_valid():
        feeds.update_feed(feed, form.feed_data())
        messages.success(request, _("Saved."))
        return redirect("integrations:feed", feed_id=feed.pk)
    return _feed_form_page(request, form, feed, 400 if form.errors else 200)


@comms_required
@require_POST
def feed_fetch(request: TenantRequest, feed_id: int) -> HttpResponse:
    feed = selectors.feed_of(request.org, feed_id)
    feeds.fetch_soon(feed)
    messages.success(request, _("Fetching the feed; its status below shows the outcome."))
    return redirect("integrations:feed", feed_id=feed.pk)


@comms_required
@require_http_methods(["GET", "POST"])
def feed_delete(request: TenantRequest, feed_id: int) -> HttpResponse:
    feed = selectors.feed_of(request.org, feed_id)
    if request.method == "POST":
        feeds.delete_feed(feed)
        messages.success(request, _("Removed the feed. The drafts it brought in stay."))
        return redirect("integrations:index")
    return render(request, "integrations/feed_delete.html", {"feed": feed})
