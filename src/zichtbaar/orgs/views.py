"""Onboarding, profile, organisation switching, invitations and the comms people screen."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zichtbaar.orgs import selectors, services
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.forms import (
    AcceptInvitationForm,
    BarrierForm,
    ImportForm,
    InviteForm,
    LanguageForm,
    MemberForm,
    NetworkForm,
    ProfileForm,
)
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import ImportJob, Invitation, Membership, Role, User
from zichtbaar.orgs.signals import invitation_opened

ONBOARDING_STEPS = {1: LanguageForm, 2: NetworkForm, 3: BarrierForm}


@member_required
def onboarding(request: TenantRequest, step: int) -> HttpResponse:
    if step not in ONBOARDING_STEPS:
        raise Http404
    profile = selectors.profile_for(request.user)
    form = ONBOARDING_STEPS[step](request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.profile_changed(profile, form.changed_data)
        if step < len(ONBOARDING_STEPS):
            return redirect("orgs:onboarding", step=step + 1)
        services.complete_onboarding(profile)
        return redirect("home:home")
    return render(
        request,
        "orgs/onboarding.html",
        {
            "form": form,
            "step": step,
            "steps": len(ONBOARDING_STEPS),
        },
        status=400 if form.errors else 200,
    )


@member_required
def profile(request: TenantRequest) -> HttpResponse:
    profile = selectors.profile_for(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.profile_changed(profile, form.changed_data)
        messages.success(request, _("Saved."))
        return redirect("orgs:profile")
    return render(request, "orgs/profile.html", {"form": form}, status=400 if form.errors else 200)


@member_required
@require_POST
def switch_org(request: TenantRequest) -> HttpResponse:
    try:
        org_id = int(request.POST.get("org", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not services.switch_org(request, org_id):
        raise Http404
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.open_invitation(token)
    if invitation is None:
        raise Http404
    for _receiver, answer in invitation_opened.send(
        sender=Invitation, request=request, invitation=invitation
    ):
        if isinstance(answer, HttpResponse):
            return answer
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and existing.has_usable_password():
        # Someone with an account joins only once signed in as that account: the link alone
        # must never hand a membership (and what this organisation shows) to another account.
        signed_in_as_invitee = (
            request.user.is_authenticated
            and request.user.pk == existing.pk
            and selectors.has_verified_email(existing, invitation.email)
        )
        if signed_in_as_invitee and request.method == "POST":
            services.accept_invitation(invitation)
            request.session["zichtbaar_org_id"] = invitation.org_id
            messages.success(request, _("You've joined %(org)s.") % {"org": invitation.org.name})
            return redirect("/")
        return render(
            request,
            "orgs/accept_invitation.html",
            {
                "invitation": invitation,
                "has_account": True,
                "signed_in_as_invitee": signed_in_as_invitee,
                "login_url": reverse("account_login") + "?" + urlencode({"next": request.path}),
            },
            status=403 if request.method == "POST" else 200,
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.accept_invitation(invitation, **form.cleaned_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session["zichtbaar_org_id"] = invitation.org_id
        return redirect("orgs:onboarding", step=1)
    return render(
        request,
        "orgs/accept_invitation.html",
        {"form": form, "invitation": invitation},
        status=400 if form.errors else 200,
    )


@comms_required
def people(request: TenantRequest) -> HttpResponse:
    org = request.org
    invite_form = InviteForm(request.POST or None, org=org)
    if request.method == "POST" and invite_form.is_valid():
        services.invite(org=org, invited_by=request.user, **invite_form.cleaned_data)
        messages.success(
            request,
            _(
                "The invitation to %(email)s is on its way: we send it as soon as the mail server takes it."
            )
            % {"email": invite_form.cleaned_data["email"]},
        )
        return redirect("orgs:people")
    query = " ".join(request.GET.get("q", "").split())[: selectors.MAX_PEOPLE_QUERY]
    page = Paginator(selectors.people_of(org, query), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "orgs/people.html",
        {
            "page": page,
            "people": page.object_list,
            "count": selectors.people_of(org).count() if query else page.paginator.count,
            "matches": page.paginator.count,
            "query": query,
            "max_query": selectors.MAX_PEOPLE_QUERY,
            "me": request.membership,
            "invite_form": invite_form,
            "import_form": ImportForm(),
        },
        status=400 if invite_form.errors else 200,
    )


PEOPLE_PER_PAGE = 50


def _member_or_404(request: TenantRequest, membership_id: int) -> Membership:
    membership = selectors.member_of(request.org, membership_id)
    if membership is None:
        raise Http404
    return membership


def _people_next(request: TenantRequest, value: str) -> str:
    """Where the list was (its search and page): only ever a URL of the people list itself."""
    if value.startswith(reverse("orgs:people")) and url_has_allowed_host_and_scheme(
        value, {request.get_host()}, request.is_secure()
    ):
        return value
    return ""


def _back_to_people(request: TenantRequest) -> HttpResponse:
    return redirect(_people_next(request, request.POST.get("next", "")) or "orgs:people")


@comms_required
def person_edit(request: TenantRequest, membership_id: int) -> HttpResponse:
    org = request.org
    membership = _member_or_404(request, membership_id)
    form = MemberForm(
        request.POST or None,
        org=org,
        name_editable=services.name_is_editable(membership),
        may_grant_admin=request.membership.role == Role.ADMIN,
        initial={
            "name": membership.user.name,
            "team": membership.team,
            "role": membership.role,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            message = services.update_member(
                org=org,
                membership=membership,
                by=request.membership,
                name=form.cleaned_data["name"] if "name" in form.changed_data else None,
                team=form.cleaned_data["team"],
                role=form.cleaned_data["role"],
            )
        except services.PeopleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, message)
            return _back_to_people(request)
    return render(
        request,
        "orgs/people_edit.html",
        {
            "form": form,
            "member": membership,
            "next": _people_next(request, request.POST.get("next") or request.GET.get("next", "")),
        },
        status=400 if form.errors else 200,
    )


def _set_active(request: TenantRequest, membership_id: int, active: bool) -> HttpResponse:
    membership = _member_or_404(request, membership_id)
    try:
        message = services.set_member_active(
            org=request.org, membership=membership, by=request.membership, active=active
        )
    except services.PeopleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return _back_to_people(request)


@comms_required
@require_POST
def person_deactivate(request: TenantRequest, membership_id: int) -> HttpResponse:
    return _set_active(request, membership_id, active=False)


@comms_required
@require_POST
def person_reactivate(request: TenantRequest, membership_id: int) -> HttpResponse:
    return _set_active(request, membership_id, active=True)


@comms_required
def person_remove(request: TenantRequest, membership_id: int) -> HttpResponse:
    """A confirmation page (GET), then the removal (POST)."""
    membership = _member_or_404(request, membership_id)
    if request.method == "POST":
        try:
            message = services.remove_member(
                org=request.org, membership=membership, by=request.membership
            )
        except services.PeopleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return _back_to_people(request)
    return render(
        request,
        "orgs/people_remove.html",
        {"member": membership, "next": _people_next(request, request.GET.get("next", ""))},
    )


@comms_required
def import_people(request: TenantRequest) -> HttpResponse:
    """Upload a CSV; the import runs in the background and the next page shows its status."""
    org = request.org
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.start_import(
            org=org,
            user=request.user,
            filename=upload.name,
            content=upload.read(),
            language=translation.get_language() or org.default_language,
        )
        return redirect("orgs:import_status", job_id=job.pk)
    return render(
        request,
        "orgs/import.html",
        {
            "form": form,
            "recent": selectors.recent_imports(org),
        },
        status=400 if form.errors else 200,
    )


@comms_required
def import_status(request: TenantRequest, job_id: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=job_id, org=request.org)
    template = (
        "orgs/_import_status.html"
        if request.headers.get("HX-Request")
        else "orgs/import_status.html"
    )
    return render(request, template, {"job": job})


@comms_required
@require_POST
def import_confirm(request: TenantRequest, job_id: int) -> HttpResponse:
    """Create the new teams the import lists and run it (one confirmation for all of them)."""
    job = services.confirm_import(org=request.org, job_id=job_id, user=request.user)
    if job is None:
        raise Http404
    return redirect("orgs:import_status", job_id=job.pk)


@comms_required
@require_POST
def import_cancel(request: TenantRequest, job_id: int) -> HttpResponse:
    if not services.cancel_import(org=request.org, job_id=job_id, user=request.user):
        raise Http404
    return redirect("orgs:import_status", job_id=job_id)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language: stored on the profile when signed in, else in a cookie."""
    from django.conf import settings
    from django.views.i18n import set_language as django_set_language

    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        raise Http404
    if request.user.is_authenticated:
        services.update_profile(selectors.profile_for(request.user), language=language)
    return django_set_language(request)
