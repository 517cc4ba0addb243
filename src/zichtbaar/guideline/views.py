"""The guideline for everyone, and the comms screens for the guideline and the check's rules."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zichtbaar.guideline import checking, selectors, services
from zichtbaar.guideline.checker import MAX_CHECK_LENGTH
from zichtbaar.guideline.forms import (
    RULE_CODES,
    ListUploadForm,
    QuietPeriodForm,
    RuleForm,
    SectionFormSet,
    SettingsForm,
    TryForm,
    VersionForm,
    new_version_sections,
)
from zichtbaar.guideline.models import GuidelineVersion, QuietPeriod, Rule
from zichtbaar.guideline.rule_names import rule_name
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest


def _safe_next(request: TenantRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return "/"
    return target


@member_required
def read(request: TenantRequest) -> HttpResponse:
    """The published guideline; acknowledging it is one click. After a real change, those who
    read an earlier version see first what changed since."""
    version = selectors.published_version(request.org.pk)
    to_acknowledge = selectors.needs_acknowledgement(request.user, request.org.pk)
    if request.method == "POST" and version is not None:
        services.acknowledge(request.user, version)
        messages.success(request, _("Thank you. Happy sharing!"))
        return redirect(_safe_next(request))
    return render(
        request,
        "guideline/read.html",
        {
            "version": version,
            "sections": list(version.sections.all()) if version else [],
            "to_acknowledge": to_acknowledge,
            "changes": selectors.changes_for_reader(request.user, request.org.pk)
            if to_acknowledge
            else None,
            "next": _safe_next(request),
        },
    )


def _bad_request(field: str, message: str) -> JsonResponse:
    return JsonResponse({"errors": {field: [message]}}, status=400)


def _characters(count: int) -> str:
    return formats.number_format(count, force_grouping=True)


# A moment id the database can hold (a larger integer would make the query itself fail).
_MAX_ID = 2**63 - 1


@member_required
@require_POST
def api_check(request: TenantRequest) -> JsonResponse:
    """POST {"text": ..., "moment": id?, "lang": "nl"|"en"?} → the same JSON as `zichtbaar check_post`.

    The text is at most MAX_CHECK_LENGTH characters and the body at most
    DATA_UPLOAD_MAX_MEMORY_SIZE bytes; anything else that is not the expected JSON object answers
    400 with a message per field, never a 500."""
    try:
        body = request.body
    except RequestDataTooBig:
        return _bad_request(
            "body",
            _("This request is too large. Send at most %(limit)s characters of text.")
            % {"limit": _characters(MAX_CHECK_LENGTH)},
        )
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: deeply nested arrays or objects
        return _bad_request("body", _("Send a JSON object."))
    if not isinstance(payload, dict):
        return _bad_request("body", _("Send a JSON object."))
    errors: dict[str, list[str]] = {}
    text: Any = payload.get("text")
    if not isinstance(text, str):
        errors["text"] = [_("Send the text to check as a string.")]
    elif len(text) > MAX_CHECK_LENGTH:
        errors["text"] = [
            _("At most %(limit)s characters can be checked (this text has %(length)s).")
            % {"limit": _characters(MAX_CHECK_LENGTH), "length": _characters(len(text))}
        ]
    moment = None
    moment_id = payload.get("moment")
    if moment_id is not None:
        valid_id = type(moment_id) is int and 0 < moment_id <= _MAX_ID  # not a bool, not huge
        moment = (
            moment_selectors.moment_for_person(request.membership, moment_id) if valid_id else None
        )
        if moment is None:
            errors["moment"] = [_("No such moment for you.")]
    if errors:
        return JsonResponse({"errors": errors}, status=400)
    result = checking.check_post(text, moment=moment, membership=request.membership)
    return JsonResponse(result.as_dict())


# --- communications -------------------------------------------------------------------------


@comms_required
def comms_guideline(request: TenantRequest) -> HttpResponse:
    if request.method == "POST":  # the old "New version" button: now a form that creates on save
        return redirect("guideline:comms_new_version")
    return render(
        request,
        "guideline/comms_guideline.html",
        {
            "versions": selectors.versions_of(request.org.pk),
            "published": selectors.published_version(request.org.pk),
            "up_to_date": selectors.up_to_date_count(request.org.pk),
        },
    )


def _published_message(version: GuidelineVersion) -> str:
    if version.minor:
        return _("Published as a minor change. Whoever read an earlier version stays all set.")
    return _("Published. Everyone reads it once before their next share.")


@comms_required
def comms_new_version(request: TenantRequest) -> HttpResponse:
    """The "New version" form, a copy of the latest; nothing is stored until it is saved."""
    org = request.org
    latest = selectors.versions_of(org.pk).first()
    unsaved = GuidelineVersion(org=org, number=(latest.number + 1) if latest else 1)
    fields = services.VERSION_FIELDS
    initial = {f: getattr(latest, f) for f in fields[:6]} if latest else {}
    if not latest:
        initial = {"title_nl": "Onze richtlijn", "title_en": "Our guideline"}
    data = request.POST if request.method == "POST" else None
    can_be_minor = selectors.published_version(org.pk) is not None
    form = VersionForm(data, instance=unsaved, initial=initial, can_be_minor=can_be_minor)
    sections = new_version_sections(data, unsaved, latest)
    if data is not None and form.is_valid() and sections.is_valid():
        version = services.create_version(
            org,
            request.user,
            {f: form.cleaned_data[f] for f in fields if f in form.cleaned_data},
            [
                s.cleaned_data
                for s in sections.forms
                if s.has_changed() and not s.cleaned_data.get("DELETE")
            ],
        )
        if "publish" in request.POST:
            services.publish_version(version)
            messages.success(request, _published_message(version))
            return redirect("guideline:comms_guideline")
        messages.success(request, _("Saved."))
        return redirect("guideline:comms_version", version_id=version.pk)
    return render(
        request,
        "guideline/comms_version.html",
        {
            "version": unsaved,
            "is_new": True,
            "form": form,
            "sections": sections,
            "editable": True,
            "can_be_minor": can_be_minor,
        },
        status=400 if (form.errors or sections.total_error_count()) else 200,
    )


@comms_required
def comms_version(request: TenantRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(GuidelineVersion, pk=version_id, org=request.org)
    editable = version.published_at is None
    can_be_minor = services.can_be_minor(version)
    form = VersionForm(request.POST or None, instance=version, can_be_minor=can_be_minor)
    sections = SectionFormSet(request.POST or None, instance=version)
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid() and sections.is_valid():
            form.save()
            sections.save()
            if "publish" in request.POST:
                services.publish_version(version)
                messages.success(request, _published_message(version))
                return redirect("guideline:comms_guideline")
            messages.success(request, _("Saved."))
            return redirect("guideline:comms_version", version_id=version.pk)
    previous = selectors.previous_published(version)
    return render(
        request,
        "guideline/comms_version.html",
        {
            "version": version,
            "form": form,
            "sections": sections,
            "editable": editable,
            "can_be_minor": can_be_minor,
            "acknowledged": version.acknowledgements.count(),
            "changes": selectors.compare_versions(previous, version) if previous else None,
        },
        status=400 if (form.errors or sections.total_error_count()) else 200,
    )


@comms_required
def comms_rules(request: TenantRequest) -> HttpResponse:
    """Rules, the check's settings, lists, quiet periods and which rules fire most often.

    Rules and settings are saved together or not at all; a rule's section must be one of the
    published guideline's sections (or none)."""
    org = request.org
    stored = selectors.rules_of(org.pk)
    sections = [(s.key, s.title) for s in selectors.published_sections(org.pk)]
    keys = {key for key, _title in sections}
    rows = []
    for code in RULE_CODES:
        default = selectors.default_section(code)
        instance = stored.get(code) or Rule(
            org=org,
            code=code,
            severity=_default_severity(code),
            section=default if default in keys else "",
            blocking=code in selectors.DEFAULT_BLOCKING,
        )
        form = RuleForm(
            request.POST or None,
            instance=instance,
            prefix=code.replace(".", "-"),
            sections=sections,
        )
        rows.append((rule_name(code), form))
    settings_form = SettingsForm(
        request.POST or None, instance=selectors.settings_of(org), prefix="settings"
    )
    rule_forms = [form for _name, form in rows]
    # Every form is validated (no short-circuit), so each row shows its own errors.
    valid = all([f.is_valid() for f in [*rule_forms, settings_form]])
    if request.method == "POST" and valid:
        with transaction.atomic():
            for form in rule_forms:
                form.save()
            settings_form.save()
            services.bump_revision(org)
        messages.success(request, _("Saved. The check uses the new rules right away."))
        return redirect("guideline:comms_rules")
    since = timezone.now() - timedelta(days=90)
    return render(
        request,
        "guideline/comms_rules.html",
        {
            "rule_rows": rows,
            "not_saved": request.method == "POST",
            "rules_with_errors": [(name, form) for name, form in rows if form.errors],
            "has_sections": bool(sections),
            "settings_form": settings_form,
            "term_count": selectors.term_count(org.pk),
            "clients": selectors.clients_of(org.pk)[:500],
            "quiet_periods": QuietPeriod.objects.filter(org=org),
            "quiet_form": QuietPeriodForm(),
            "hits": [(rule_name(code), n) for code, n in selectors.hit_counts(org.pk, since)],
        },
        status=400 if request.method == "POST" else 200,
    )


def _default_severity(code: str) -> str:
    from zichtbaar.guideline.checker import DEFAULT_SEVERITY

    return DEFAULT_SEVERITY.get(code, "change")


@comms_required
def comms_list_upload(request: TenantRequest, kind: str) -> HttpResponse:
    """Upload confidential terms (10,000 at once is fine) or the client register. All or nothing."""
    if kind not in ("terms", "clients"):
        raise Http404
    form = ListUploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        if kind == "terms":
            report = services.import_terms(
                request.org, form.content(), replace=form.cleaned_data["replace"]
            )
        else:
            report = services.import_clients(request.org, form.content())
        if report.ok:
            messages.success(
                request,
                _("Done: %(added)d added, %(updated)d updated.")
                % {"added": report.added, "updated": report.updated},
            )
            return redirect("guideline:comms_rules")
    return render(
        request,
        "guideline/comms_upload.html",
        {"form": form, "report": report, "kind": kind},
        status=400 if (form.errors or (report and not report.ok)) else 200,
    )


@comms_required
@require_POST
def comms_quiet(request: TenantRequest, period_id: int | None = None) -> HttpResponse:
    if period_id is not None:
        get_object_or_404(QuietPeriod, pk=period_id, org=request.org).delete()
        messages.success(request, _("Removed."))
        return redirect("guideline:comms_rules")
    form = QuietPeriodForm(request.POST)
    if form.is_valid():
        period = form.save(commit=False)
        period.org = request.org
        period.save()
        messages.success(request, _("Quiet period added."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
    return redirect("guideline:comms_rules")


@comms_required
def comms_try(request: TenantRequest) -> HttpResponse:
    """Try a text against the rules, as an employee would see it."""
    form = TryForm(
        request.POST or None, initial={"language": request.membership.user.profile.language}
    )
    result = pieces = None
    if request.method == "POST" and form.is_valid():
        from django.utils import translation

        with translation.override(form.cleaned_data["language"]):
            result = checking.check_post(
                form.cleaned_data["text"],
                moment=None,
                membership=request.membership,
                language=form.cleaned_data["language"],
            )
        pieces = checking.highlight(form.cleaned_data["text"], result.findings)
    return render(
        request, "guideline/comms_try.html", {"form": form, "result": result, "pieces": pieces}
    )
