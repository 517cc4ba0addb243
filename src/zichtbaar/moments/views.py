"""Moments: submitting a moment, and the comms workflow."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from zichtbaar.moments import selectors, services
from zichtbaar.moments.forms import EmployeeMomentForm
from zichtbaar.moments.models import Moment, MomentStatus
from zichtbaar.orgs.decorators import member_required
from zichtbaar.orgs.http import TenantRequest


@member_required
def submit_moment(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    form = EmployeeMomentForm(request.POST or None, request.FILES or None, org=membership.org)
    if request.method == "POST" and form.is_valid():
        services.create_moment(
            org=membership.org,
            author=request.user,
            data=form.moment_data(),
            submit=True,
            involved_teams=form.involved_teams(),
            involved_people=[request.user] if form.cleaned_data.get("i_was_involved") else [],
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
        request.POST or None,
        request.FILES or None,
        instance=moment,
        org=membership.org,
        initial={"i_was_involved": moment.involved_people.filter(pk=request.user.pk).exists()},
    )
    if request.method == "POST" and form.is_valid():
        services.update_moment(
            moment,
            form.moment_data(),
            teams=list(moment.audience_teams.all()),
            involved_teams=form.involved_teams(),
        )
        # Only the submitter's own tick: people comms named while reviewing stay.
        if form.cleaned_data.get("i_was_involved"):
            moment.involved_people.add(request.user)
        else:
            moment.involved_people.remove(request.user)
        services.resubmit(moment)
        messages.success(request, _("Sent again. Thank you!"))
        return redirect("moments:mine")
    return render(
        request,
        "moments/submit.html",
        {"form": form, "moment": moment},
        status=400 if form.errors else 200,
    )
