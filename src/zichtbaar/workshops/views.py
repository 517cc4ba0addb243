"""The trainer's pages (workshops, presenter screen, report) and the participant's phone pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from zichtbaar.guideline import selectors as guideline_selectors
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.orgs.decorators import member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import Membership
from zichtbaar.workshops import exports, followups, selectors, services
from zichtbaar.workshops.forms import (
    CodeForm,
    ConnectionsForm,
    MomentChoiceForm,
    NextMomentForm,
    PollForm,
    SurveyForm,
    WorkshopForm,
)
from zichtbaar.workshops.models import Participant, Step, Workshop

ViewFunc = Callable[..., HttpResponse]


def trainer_required(view: ViewFunc) -> ViewFunc:
    """A trainer, comms lead or administrator of the current organisation."""

    @wraps(view)
    @member_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not cast(TenantRequest, request).membership.runs_workshops:
            return render(request, "403.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _workshop(request: TenantRequest, workshop_id: int) -> Workshop:
    found = selectors.workshop_of(request.org.pk, workshop_id)
    if found is None:
        raise Http404
    return found


def join_url(workshop: Workshop) -> str:
    return settings.SITE_URL + reverse("workshops:join", args=[workshop.code])


# Trainer ---------------------------------------------------------------------------------------


@trainer_required
def workshop_list(request: TenantRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None, org_id=request.org.pk)
    if request.method == "POST" and form.is_valid():
        workshop = services.create_workshop(
            request.org,
            request.user.pk,
            title=form.cleaned_data["title"],
            held_on=form.cleaned_data["held_on"],
            teams=list(form.cleaned_data["teams"]),
            with_survey=form.cleaned_data["with_survey"],
        )
        invited = form.cleaned_data["invite_text"]
        if invited:
            services.invite(workshop, invited)
            messages.success(
                request,
                ngettext(
                    "%(n)d invitation is on its way.",
                    "%(n)d invitations are on their way.",
                    len(invited),
                )
                % {"n": len(invited)},
            )
        return redirect("workshops:detail", workshop_id=workshop.pk)
    return render(
        request,
        "workshops/list.html",
        {"workshops": selectors.workshops_of(request.org.pk), "form": form},
        status=400 if form.errors else 200,
    )


def _moment_form(request: TenantRequest, data: Any = None) -> MomentChoiceForm:
    return MomentChoiceForm(
        data, moments=moment_selectors.moments_for_comms(request.org.pk, status="published")
    )


@trainer_required
def detail(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    moment_form = _moment_form(request)
    moment_form.initial = {"moment": workshop.moment_id}
    return render(
        request,
        "workshops/detail.html",
        {
            "workshop": workshop,
            "room": selectors.room(workshop),
            "steps": Step.choices,
            "moment_form": moment_form,
            "join_url": join_url(workshop),
            "invited": workshop.invited.count(),
        },
    )


@require_POST
@trainer_required
def step(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    if not workshop.is_open:
        messages.error(request, _("This workshop is closed."))
        return redirect("workshops:detail", workshop_id=workshop.pk)
    try:
        wanted = int(request.POST.get("step", ""))
    except ValueError:
        wanted = workshop.step + (1 if "next" in request.POST else -1)
    services.go_to_step(workshop, wanted)
    back = request.POST.get("back")
    if back == "present":
        return redirect("workshops:present", workshop_id=workshop.pk)
    return redirect("workshops:detail", workshop_id=workshop.pk)


@require_POST
@trainer_required
def choose_moment(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    form = _moment_form(request, request.POST)
    if form.is_valid():
        services.choose_moment(workshop, form.cleaned_data["moment"].pk)
        messages.success(request, _("The moment for the first post is set."))
    else:
        messages.error(request, _("Please pick a published moment."))
    return redirect("workshops:detail", workshop_id=workshop.pk)


@require_POST
@trainer_required
def close(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    services.close(workshop)
    messages.success(
        request,
        _("The workshop is closed. Participants get a gentle follow-up after 1, 2 and 4 weeks."),
    )
    return redirect("workshops:detail", workshop_id=workshop.pk)


def _qr(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=8, dark="#0b2b2a", light="#ffffff")


@trainer_required
def present(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    url = join_url(workshop)
    return render(
        request,
        "workshops/present.html",
        {
            "workshop": workshop,
            "room": selectors.room(workshop),
            "join_url": url,
            "qr": _qr(url),
            "summary": _summary(workshop),
            "Step": Step,
        },
    )


def _summary(workshop: Workshop) -> list[str]:
    version = guideline_selectors.published_version(workshop.org_id)
    return version.summary_lines if version is not None else []


@require_GET
@trainer_required
def present_live(request: TenantRequest, workshop_id: int) -> HttpResponse:
    """The presenter's live part, polled every second: 204 when nothing changed."""
    workshop = _workshop(request, workshop_id)
    room = selectors.room(workshop)
    if request.GET.get("v") == room.version:
        return HttpResponse(status=204)
    return render(
        request,
        "workshops/_live.html",
        {
            "workshop": workshop,
            "room": room,
            "join_url": join_url(workshop),
            "summary": _summary(workshop),
            "Step": Step,
        },
    )


@trainer_required
def report(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    return render(
        request, "workshops/report.html", exports.report_context(selectors.report(workshop))
    )


@trainer_required
def report_xlsx(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    response = HttpResponse(
        exports.xlsx(selectors.report(workshop)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(workshop, "xlsx")}"'
    return response


@trainer_required
def report_pdf(request: TenantRequest, workshop_id: int) -> HttpResponse:
    workshop = _workshop(request, workshop_id)
    response = HttpResponse(
        exports.pdf(request, selectors.report(workshop)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(workshop, "pdf")}"'
    return response


# Participant -----------------------------------------------------------------------------------


def enter_code(request: HttpRequest) -> HttpResponse:
    """/w/: type the code from the projector."""
    form = CodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        workshop = selectors.open_workshop_by_code(form.cleaned_data["code"])
        if workshop is not None:
            return redirect("workshops:join", code=workshop.code)
        form.add_error("code", _("No open workshop has this code. Please check the projector."))
    return render(
        request, "workshops/enter_code.html", {"form": form}, status=400 if form.errors else 200
    )


def _membership_in(request: HttpRequest, workshop: Workshop) -> Membership | None:
    return (
        Membership.objects.filter(user=request.user, org_id=workshop.org_id, is_active=True)  # type: ignore[misc]
        .select_related("user__profile", "org", "team")
        .first()
    )


def _participant_page(view: ViewFunc) -> ViewFunc:
    """Signed in (or sent to sign in, by password or an e-mailed code), a member of the
    workshop's organisation; the view gets the workshop, the membership and the participant."""

    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        workshop = selectors.workshop_by_code(code)
        if workshop is None:
            raise Http404
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = _membership_in(request, workshop)
        if membership is None:
            return render(request, "workshops/not_member.html", {"workshop": workshop}, status=403)
        participant = selectors.participant_of(workshop, membership)
        return view(request, workshop, membership, participant, *args, **kwargs)

    return wrapper


@_participant_page
def join(
    request: HttpRequest,
    workshop: Workshop,
    membership: Membership,
    participant: Participant | None,
) -> HttpResponse:
    if request.method == "POST" and workshop.is_open:
        services.join(workshop, membership)
        return redirect("workshops:join", code=workshop.code)
    if participant is None:
        return render(request, "workshops/join.html", {"workshop": workshop})
    # After the workshop, the phone page keeps the follow-ups switch and the after-survey.
    return render(
        request, "workshops/phone.html", _phone_context(workshop, membership, participant)
    )


def _phone_context(
    workshop: Workshop, membership: Membership, participant: Participant, **forms_: Any
) -> dict[str, Any]:
    types = moment_selectors.types_for(membership.org_id)
    context: dict[str, Any] = {
        "workshop": workshop,
        "participant": participant,
        "Step": Step,
        "poll_form": PollForm(initial={"barrier": participant.barrier or None}),
        "connections_form": ConnectionsForm(
            initial={
                "connections": participant.connections,
                "unknown": participant.connections_unknown,
            }
        ),
        "next_form": NextMomentForm(types=types, initial={"next_type": participant.next_type_id}),
        "survey_form": SurveyForm(),
        "summary": _summary(workshop),
        "survey_phase": services.survey_phase(workshop),
        "survey_done": services.has_answered(participant, services.survey_phase(workshop)),
    }
    context.update(forms_)
    return context


@require_POST
@_participant_page
def answer(
    request: HttpRequest,
    workshop: Workshop,
    membership: Membership,
    participant: Participant | None,
    what: str,
) -> HttpResponse:
    if participant is None:
        if not workshop.is_open:
            raise Http404
        participant = services.join(workshop, membership)
    bad: dict[str, Any] = {}
    if what == "poll":
        form = PollForm(request.POST)
        if form.is_valid():
            services.answer_poll(
                participant, form.cleaned_data["barrier"], keep_on_profile=form.cleaned_data["keep"]
            )
        else:
            bad["poll_form"] = form
    elif what == "connections":
        cform = ConnectionsForm(request.POST)
        if cform.is_valid():
            unknown = cform.cleaned_data["unknown"]
            services.give_connections(
                participant, None if unknown else cform.cleaned_data["connections"]
            )
        else:
            bad["connections_form"] = cform
    elif what == "acknowledge":
        services.acknowledge_guideline(participant)
    elif what == "write":
        if workshop.moment_id is None:
            raise Http404
        services.start_writing(participant)
        return redirect("compose:moment", moment_id=workshop.moment_id)
    elif what == "next":
        nform = NextMomentForm(request.POST, types=moment_selectors.types_for(membership.org_id))
        if nform.is_valid():
            services.pick_next_type(participant, nform.cleaned_data["next_type"])
        else:
            bad["next_form"] = nform
    elif what == "survey":
        sform = SurveyForm(request.POST)
        phase = services.survey_phase(workshop)
        if phase is None:
            raise Http404
        if sform.is_valid():
            services.answer_survey(participant, phase, **sform.cleaned_data)
        else:
            bad["survey_form"] = sform
    elif what == "followups-off":
        services.stop_followups(participant)
    else:
        raise Http404
    if bad:
        return render(
            request,
            "workshops/phone.html",
            _phone_context(workshop, membership, participant, **bad),
            status=400,
        )
    return redirect("workshops:join", code=workshop.code)


@require_GET
def phone_step(request: HttpRequest, code: str) -> HttpResponse:
    """Polled by the phone every two seconds: 204 while the step is the one it shows,
    else a refresh (htmx's HX-Refresh), so phones follow the trainer's clicks."""
    workshop = selectors.workshop_by_code(code)
    if workshop is None:
        raise Http404
    if request.GET.get("s", "") == str(workshop.step):
        return HttpResponse(status=204)
    response = HttpResponse(status=200)
    response["HX-Refresh"] = "true"
    return response


def followups_off(request: HttpRequest, token: str) -> HttpResponse:
    """From the follow-up e-mail: one click (a button, so link scanners can't) turns them off."""
    participant = followups.participant_from_token(token)
    if participant is None:
        raise Http404
    done = participant.followups_off
    if request.method == "POST":
        services.stop_followups(participant)
        done = True
    return render(
        request,
        "workshops/followups_off.html",
        {"participant": participant, "workshop": participant.workshop, "done": done},
    )
