"""Moments: submitting a moment, and the comms workflow."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zichtbaar.moments import selectors, services
from zichtbaar.moments.forms import EmployeeMomentForm, MomentForm, ReturnForm
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest


@member_required
def submit_moment(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    form = EmployeeMomentForm(request.POST or None, request.FILES or None, org=membership.org)
    if request.method == "POST" and form.is_valid():
        services.create_moment(
            org=membership.org, author=request.user, data=form.moment_data(), submit=True
        )
        messages.success(
            request, _("Thank you! Communications will look at your moment and publish it.")
        )
        return redirect("moments:mine")
    return render(
        request, "moments/submit.html", {"form": form}, status=400 if form.errors else 200
    )


@member_required
def my_submissions(request: TenantRequest) -> HttpResponse:
    return render(
        request, "moments/mine.html", {"moments": selectors.submitted_by(request.membership)}
    )


@member_required
def edit_submission(request: TenantRequest, moment_id: int) -> HttpResponse:
    """The submitter edits a moment comms returned, and sends it again."""
    membership = request.membership
    moment = get_object_or_404(
        Moment,
        pk=moment_id,
        org=membership.org,
        submitted_by=request.user,
        status=MomentStatus.DRAFT,
    )
    form = EmployeeMomentForm(
        request.POST or None, request.FILES or None, instance=moment, org=membership.org
    )
    if request.method == "POST" and form.is_valid():
        services.update_moment(moment, form.moment_data(), teams=list(moment.audience_teams.all()))
        services.resubmit(moment)
        messages.success(request, _("Sent again. Thank you!"))
        return redirect("moments:mine")
    return render(
        request,
        "moments/submit.html",
        {"form": form, "moment": moment},
        status=400 if form.errors else 200,
    )


# --- communications -------------------------------------------------------------------------


@comms_required
def comms_list(request: TenantRequest) -> HttpResponse:
    org = request.org
    status = request.GET.get("status") or None
    if status not in (None, *MomentStatus.values):
        status = None
    counts = selectors.status_counts(org.pk)
    return render(
        request,
        "moments/comms_list.html",
        {
            "moments": selectors.moments_for_comms(org.pk, status)[:200],
            "submitted": selectors.moments_for_comms(org.pk, MomentStatus.SUBMITTED)[:50],
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0)) for value, label in MomentStatus.choices
            ],
        },
    )


@comms_required
def comms_edit(request: TenantRequest, moment_id: int | None = None) -> HttpResponse:
    org = request.org
    moment = get_object_or_404(Moment, pk=moment_id, org=org) if moment_id else None
    form = MomentForm(request.POST or None, request.FILES or None, instance=moment, org=org)
    if request.method == "POST" and form.is_valid():
        if moment is None:
            moment = services.create_moment(
                org=org, author=request.user, data=form.moment_data(), teams=form.teams()
            )
        else:
            services.update_moment(moment, form.moment_data(), teams=form.teams())
        if "publish" in request.POST and moment.status != MomentStatus.PUBLISHED:
            services.publish(moment)
            messages.success(request, _("Published. Colleagues in its audience can see it now."))
        else:
            messages.success(request, _("Saved."))
        return redirect("moments:comms_detail", moment_id=moment.pk)
    return render(
        request,
        "moments/comms_edit.html",
        {"form": form, "moment": moment},
        status=400 if form.errors else 200,
    )


@comms_required
def comms_detail(request: TenantRequest, moment_id: int) -> HttpResponse:
    moment = get_object_or_404(
        selectors.moments_for_comms(request.org.pk),
        pk=moment_id,
    )
    return render(
        request,
        "moments/comms_detail.html",
        {
            "moment": moment,
            "return_form": ReturnForm(),
            "teams": list(moment.audience_teams.all()),
        },
    )


@comms_required
@require_POST
def comms_action(request: TenantRequest, moment_id: int, action: str) -> HttpResponse:
    moment = get_object_or_404(Moment, pk=moment_id, org=request.org)
    try:
        if action == "publish":
            services.publish(moment)
            messages.success(request, _("Published. Colleagues in its audience can see it now."))
        elif action == "approve":
            services.approve(moment)
            messages.success(request, _("Approved and published. Thank you for reviewing."))
        elif action == "archive":
            services.archive(moment)
            messages.success(request, _("Archived. It no longer shows on anyone's home."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "moments/comms_detail.html",
                    {
                        "moment": moment,
                        "return_form": form,
                        "teams": list(moment.audience_teams.all()),
                    },
                    status=400,
                )
            services.return_to_submitter(moment, form.cleaned_data["comment"])
            messages.success(request, _("Returned to the submitter with your comment."))
        else:
            raise Http404
    except services.TransitionError:
        messages.error(request, _("This moment has changed in the meantime; nothing was done."))
    return redirect("moments:comms_detail", moment_id=moment.pk)
