"""Survey pages: the anonymous link (/s/<token>/), the employees' list, the comms screens."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from zichtbaar.orgs import exports
from zichtbaar.orgs.decorators import comms_required, member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.surveys import anonymity, editing, importing, selectors, services
from zichtbaar.surveys.forms import (
    BlockForm,
    ImportMapForm,
    ImportUploadForm,
    InvitationsForm,
    ItemForm,
    RoleForm,
    SurveyForm,
)
from zichtbaar.surveys.mapping import MappingError
from zichtbaar.surveys.models import Survey

COOKIE_SALT = "zichtbaar.surveys.resume"
COOKIE_AGE = 90 * 24 * 3600
LANG_COOKIE = "zs_lang"
DONE = "done"
DOWNLOADS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/octet-stream",
}

# --------------------------------------------------------------------------- the anonymous link


def _cookie_name(survey: Survey) -> str:
    return f"zs{survey.pk}"


def _language(request: HttpRequest, survey: Survey) -> tuple[str, bool]:
    asked = request.GET.get("lang")
    if asked in ("en", "nl"):
        return asked, True
    kept = request.COOKIES.get(LANG_COOKIE)
    if kept in ("en", "nl"):
        return kept, False
    # Anonymous respondents: the browser's language (Accept-Language) when it is one we have.
    browser = translation.get_language_from_request(request)
    if browser and request.headers.get("Accept-Language"):
        code = browser[:2]
        if code in ("en", "nl"):
            return code, False
    return (
        survey.org.default_language if survey.org.default_language in ("en", "nl") else "nl"
    ), False


@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, token: str) -> HttpResponse:
    """No login, no address: the only state is a signed cookie in the respondent's browser."""
    survey = selectors.public_survey(token)
    lang, chosen = _language(request, survey)
    with translation.override(lang):
        response = _take(request, survey, lang)
        response.headers["Content-Language"] = lang
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    if chosen:
        response.set_cookie(LANG_COOKIE, lang, max_age=COOKIE_AGE, httponly=True, samesite="Lax")
    return response


def _set_state(response: HttpResponse, survey: Survey, value: str) -> None:
    response.set_signed_cookie(
        _cookie_name(survey),
        value,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        path=f"/s/{survey.token}/",
    )


def _take(request: HttpRequest, survey: Survey, lang: str) -> HttpResponse:
    base = {"survey": survey, "title": survey.title(lang), "lang": lang}
    if not survey.is_accepting():
        return render(request, "surveys/take_closed.html", base)
    try:
        state = request.get_signed_cookie(_cookie_name(survey), default="", salt=COOKIE_SALT)
    except signing.BadSignature:
        state = ""
    if state == DONE:
        return render(request, "surveys/take_done.html", base)
    resume, _sep, invite = (state or "").partition(":")
    answer = services.find_response(survey, resume)
    if answer is None:
        resume = ""
    invite = request.GET.get("i") or invite
    if survey.invitation_only and answer is None and not services.invitation_valid(survey, invite):
        return _invitation_refused(request, survey, invite, base)

    blocks = survey.blocks
    total = len(blocks)
    raw_page = request.POST.get("page") or request.GET.get("page") or "0"
    page = int(raw_page) if raw_page.isdigit() else 0
    page = min(max(page, 0), total)
    url = request.path
    if page == 0:
        context = {
            **base,
            "answer": answer,
            "total": total,
            "resume_page": _resume_page(answer, total),
        }
        intro = render(request, "surveys/take_intro.html", context)
        if invite and answer is None and request.GET.get("i"):
            # the invitation link opens here; its Start button links to ?page=1 without it
            _set_state(intro, survey, f":{invite}")
        return intro
    block = blocks[page - 1]
    if request.method == "POST":
        form = BlockForm(request.POST, block=block, instrument=survey.instrument, lang=lang)
        if form.is_valid():
            action = request.POST.get("action", "next")
            last = page == total and action == "next"
            try:
                answer, new_token = services.answer_page(
                    survey, answer, page, form.answers(), last=last, invitation=invite
                )
            except services.InvitationUsed:  # another browser started with this link first
                return _invitation_refused(request, survey, invite, base)
            resume = new_token or resume
            if last:
                # a response started before invitations were claimed on the first page
                services.use_invitation(survey, invite)
                out: HttpResponse = HttpResponseRedirect(url)
                _set_state(out, survey, DONE)
                return out
            if action == "save":
                out = render(
                    request, "surveys/take_saved.html", {**base, "page": page, "total": total}
                )
            elif action == "back":
                out = HttpResponseRedirect(f"{url}?page={page - 1}")
            else:
                out = HttpResponseRedirect(f"{url}?page={page + 1}")
            if new_token or invite:
                _set_state(out, survey, f"{resume}:{invite or ''}")
            return out
    else:
        initial = BlockForm.initial_from(block, answer.answers) if answer else {}
        form = BlockForm(initial=initial, block=block, instrument=survey.instrument, lang=lang)
    context = {
        **base,
        "form": form,
        "block_title": block["title"].get(lang) or block["title"]["en"],
        "page": page,
        "total": total,
        "is_barriers": block["key"] == "barriers",
    }
    out = render(request, "surveys/take_page.html", context)
    if invite and answer is None and request.GET.get("i"):
        _set_state(out, survey, f":{invite}")
    return out


def _invitation_refused(
    request: HttpRequest, survey: Survey, invite: str | None, base: dict[str, Any]
) -> HttpResponse:
    """A used invitation says so plainly; a missing or wrong one gets the general message."""
    used = services.invitation_used(survey, invite)
    template = "surveys/take_invitation_used.html" if used else "surveys/take_invitation.html"
    return render(request, template, base, status=403)


def _resume_page(answer, total: int) -> int:  # noqa: ANN001
    if answer is None:
        return 1
    return min(answer.page + 1, total)


# --------------------------------------------------------------------------- employees


@member_required
def open_surveys(request: TenantRequest) -> HttpResponse:
    lang = translation.get_language() or "nl"
    surveys = [(s, s.title(lang)) for s in selectors.open_surveys_of(request.org)]
    return render(request, "surveys/open.html", {"surveys": surveys})


# --------------------------------------------------------------------------- comms


@comms_required
def survey_list(request: TenantRequest) -> HttpResponse:
    lang = translation.get_language() or "nl"
    surveys = [(s, s.title(lang)) for s in selectors.surveys_of(request.org)]
    return render(request, "surveys/list.html", {"surveys": surveys})


@comms_required
@require_http_methods(["GET", "POST"])
def survey_create(request: TenantRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        survey = services.create_survey(request.org, **form.cleaned_data)
        messages.success(request, _("The survey is ready. Open it to start collecting answers."))
        return redirect("surveys:detail", survey_id=survey.pk)
    return render(request, "surveys/create.html", {"form": form})


@comms_required
def survey_detail(request: TenantRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_of(request.org, survey_id)
    lang = translation.get_language() or "nl"
    context = {
        "survey": survey,
        "title": survey.title(lang),
        "link": request.build_absolute_uri(reverse("surveys:take", args=[survey.token])),
        "min_cell": anonymity.MIN_CELL,
        "report_ready": survey.status == Survey.Status.CLOSED
        # n_completed is annotated by selectors.survey_of; the stubs only see a Survey.
        and survey.n_completed >= anonymity.MIN_CELL,  # type: ignore[attr-defined]
        "blocks": [b["title"].get(lang) or b["title"]["en"] for b in survey.blocks],
        "invitations_form": InvitationsForm(),
        "invitations_used": survey.invitations.filter(used=True).count(),
        "invitations_total": survey.invitations.count(),
        "by_source": selectors.completed_by_source(survey),
        "imports": list(selectors.import_batches_of(survey)),
    }
    return render(request, "surveys/detail.html", context)


@comms_required
@require_POST
def survey_status(request: TenantRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_of(request.org, survey_id)
    to = request.POST.get("to")
    if to in (Survey.Status.OPEN, Survey.Status.CLOSED):
        try:
            services.set_status(survey, to)
        except services.SmallChange as refused:
            messages.error(request, refused.message)
            return redirect("surveys:detail", survey_id=survey.pk)
        messages.success(
            request,
            _("The survey is open.") if to == Survey.Status.OPEN else _("The survey is closed."),
        )
    return redirect("surveys:detail", survey_id=survey.pk)


@comms_required
@require_POST
def invitations(request: TenantRequest, survey_id: int) -> HttpResponse:
    """Single-use links, as CSV, shown this once: only their hashes are kept."""
    survey = selectors.survey_of(request.org, survey_id)
    form = InvitationsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose between 1 and 5,000 invitations."))
        return redirect("surveys:detail", survey_id=survey.pk)
    link = request.build_absolute_uri(reverse("surveys:take", args=[survey.token]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(exports.row([_("Invitation link")]))
    for token in services.create_invitations(survey, form.cleaned_data["count"]):
        writer.writerow(exports.row([f"{link}?i={token}"]))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invitations-{survey.pk}.csv"'
    return response


def _unavailable(request: TenantRequest, survey: Survey, lang: str) -> HttpResponse | None:
    if survey.status != Survey.Status.CLOSED:
        return render(
            request,
            "surveys/report_unavailable.html",
            {"survey": survey, "title": survey.title(lang), "reason": "open"},
            status=409,
        )
    if survey.n_completed < anonymity.MIN_CELL:  # type: ignore[attr-defined]  # survey_of annotates
        return render(
            request,
            "surveys/report_unavailable.html",
            {
                "survey": survey,
                "title": survey.title(lang),
                "reason": "few",
                "min_cell": anonymity.MIN_CELL,
            },
            status=409,
        )
    return None


@comms_required
def report(request: TenantRequest, survey_id: int) -> HttpResponse:
    survey = selectors.survey_of(request.org, survey_id)
    lang = translation.get_language() or "nl"
    refused = _unavailable(request, survey, lang)
    if refused:
        return refused
    html = services.render(survey, "html", lang).decode()
    back = reverse("surveys:detail", args=[survey.pk])
    bar = (
        '<nav class="app-bar" style="font:14px sans-serif;padding:.6rem 0;'
        'border-bottom:1px solid #e2e8f0;display:flex;gap:1rem;flex-wrap:wrap">'
        f'<a href="{back}">{escape(_("Back to the survey"))}</a>'
        + "".join(
            f'<a href="{reverse("surveys:download", args=[survey.pk, fmt])}">'
            f"{escape(_('Download %(format)s') % {'format': fmt.upper()})}</a>"
            for fmt in DOWNLOADS
        )
        + "</nav>"
    )
    return HttpResponse(html.replace("<body>", "<body>" + bar, 1))


@comms_required
def download(request: TenantRequest, survey_id: int, fmt: str) -> HttpResponse:
    survey = selectors.survey_of(request.org, survey_id)
    if fmt not in DOWNLOADS:
        return render(request, "404.html", status=404)
    lang = translation.get_language() or "nl"
    refused = _unavailable(request, survey, lang)
    if refused:
        return refused
    body = services.render(survey, fmt, lang)
    response = HttpResponse(body, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-report.{fmt}"'
    return response


# --------------------------------------------------------------------------- import


def _import_key(survey: Survey) -> str:
    return f"surveys.import.{survey.pk}"


@comms_required
@require_http_methods(["GET", "POST"])
def survey_import(request: TenantRequest, survey_id: int) -> HttpResponse:
    """Step 1: upload a form export. It is kept in the session until its columns are mapped."""
    survey = selectors.survey_of(request.org, survey_id)
    lang = translation.get_language() or "nl"
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            frame = importing.read_upload(upload.name, upload.read())
        except MappingError as exc:
            problems = exc.problems
        else:
            request.session[_import_key(survey)] = importing.to_session(frame, upload.name)
            return redirect("surveys:import_map", survey_id=survey.pk)
    context = {"survey": survey, "title": survey.title(lang), "form": form, "problems": problems}
    return render(request, "surveys/import_upload.html", context, status=400 if problems else 200)


@comms_required
@require_http_methods(["GET", "POST"])
def survey_import_map(request: TenantRequest, survey_id: int) -> HttpResponse:
    """Step 2: map the file's columns to the survey's items; all rows are stored, or none."""
    survey = selectors.survey_of(request.org, survey_id)
    lang = translation.get_language() or "nl"
    stored = request.session.get(_import_key(survey))
    if not stored:
        return redirect("surveys:import", survey_id=survey.pk)
    frame = importing.from_session(stored)
    columns = list(frame.columns)
    problems: list[str] = []
    if request.method == "POST":
        form = ImportMapForm(request.POST, survey=survey, columns=columns, lang=lang)
        if form.is_valid():
            try:
                count = importing.import_responses(
                    survey, frame, form.columns(), form.choices(), form.separator()
                )
            except MappingError as exc:
                problems = exc.problems
            else:
                del request.session[_import_key(survey)]
                messages.success(
                    request,
                    ngettext(
                        "%(count)s response was imported.",
                        "%(count)s responses were imported.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect("surveys:detail", survey_id=survey.pk)
    else:
        suggested = importing.suggest(survey, columns, frame.attrs.get("questions"))
        initial = {f"col_{i}": c for i, c in suggested.items()}
        for item_id, (column, choice) in importing.suggest_choices(survey, frame).items():
            initial[f"col_{item_id}"] = column
            initial[f"choice_{item_id}"] = choice
        form = ImportMapForm(initial=initial, survey=survey, columns=columns, lang=lang)
    context = {
        "survey": survey,
        "title": survey.title(lang),
        "form": form,
        "file_name": stored.get("name", ""),
        "n_rows": len(frame),
        "problems": problems[: importing.MAX_SHOWN_PROBLEMS],
        "more_problems": max(len(problems) - importing.MAX_SHOWN_PROBLEMS, 0),
    }
    return render(request, "surveys/import_map.html", context, status=400 if problems else 200)


@comms_required
@require_http_methods(["GET", "POST"])
def survey_import_undo(request: TenantRequest, survey_id: int) -> HttpResponse:
    """Undo one import (?batch=<id>): a confirmation first, then all its responses go."""
    survey = selectors.survey_of(request.org, survey_id)
    lang = translation.get_language() or "nl"
    raw = (request.POST if request.method == "POST" else request.GET).get("batch") or ""
    batch = selectors.import_batch_of(survey, int(raw)) if raw.isdigit() else None
    if batch is None:
        return render(request, "404.html", status=404)
    if request.method == "POST":
        try:
            removed = services.undo_import(survey, batch.pk)
        except services.NotAnImport:
            return render(request, "404.html", status=404)
        except services.SmallChange as refused:
            messages.error(request, refused.message)
            return redirect("surveys:detail", survey_id=survey.pk)
        messages.success(
            request,
            ngettext(
                "The import was undone: %(count)s response removed.",
                "The import was undone: %(count)s responses removed.",
                removed,
            )
            % {"count": removed},
        )
        return redirect("surveys:detail", survey_id=survey.pk)
    context = {"survey": survey, "title": survey.title(lang), "batch": batch}
    return render(request, "surveys/import_undo.html", context)


# --------------------------------------------------------------------------- own items, order


def _kind_label(kind: str | None) -> str:
    return {
        "agree5": _("statement, agree 1-5"),
        "yes_no": _("yes/no"),
        "choice": _("one choice"),
    }.get(kind or "", "")


def _role_form(
    survey: Survey, item_id: str, scales: list[tuple[str, str]], data: Any = None
) -> RoleForm:
    role = selectors.item_roles_of(survey).get(item_id)
    initial = {"role": role.scale if role else ""}
    return RoleForm(data, prefix=item_id, scales=scales, initial=initial)


def _item_rows(
    survey: Survey, lang: str, bound: RoleForm | None = None, bound_item: str = ""
) -> list[dict]:
    scales = services.scale_choices(survey, lang)
    out = []
    for block in survey.blocks:
        items = block["items"]
        rows = []
        for n, item in enumerate(items):
            kind = editing.own_kind(item)
            role_form = None
            if kind == editing.OWN_SCALE:
                role_form = (
                    bound if bound_item == item["id"] else _role_form(survey, item["id"], scales)
                )
            rows.append(
                {
                    "id": item["id"],
                    "text": item["text"].get(lang) or item["text"]["en"],
                    "own": kind is not None,
                    "kind": _kind_label(kind),
                    "role_form": role_form,
                    "first": n == 0,
                    "last": n == len(items) - 1,
                }
            )
        out.append(
            {
                "key": block["key"],
                "title": block["title"].get(lang) or block["title"]["en"],
                "items": rows,
            }
        )
    return out


@comms_required
@require_http_methods(["GET", "POST"])
def survey_items(request: TenantRequest, survey_id: int) -> HttpResponse:
    """The questions in order; while the survey is a draft: add own items, reorder, remove.
    The role of an own statement in the analysis may change at any time."""
    survey = selectors.survey_of(request.org, survey_id)
    lang = translation.get_language() or "nl"
    blocks = [(b["key"], b["title"].get(lang) or b["title"]["en"]) for b in survey.blocks]
    draft = survey.status == Survey.Status.DRAFT
    form = ItemForm(blocks=blocks)
    bound: RoleForm | None = None
    bound_item = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "add":
                form = ItemForm(request.POST, blocks=blocks)
                if form.is_valid():
                    editing.add_item(survey, **form.cleaned_data)
                    messages.success(request, _("The question was added."))
                    return redirect("surveys:items", survey_id=survey.pk)
                status = 400
            elif action == "role":
                bound_item = request.POST.get("item", "")
                item = services.items_of(survey).get(bound_item, {})
                if editing.own_kind(item) != editing.OWN_SCALE:  # only statements have a role
                    raise KeyError(bound_item)
                bound = RoleForm(
                    request.POST, prefix=bound_item, scales=services.scale_choices(survey, lang)
                )
                if bound.is_valid():
                    choice = bound.cleaned_data["role"]
                    try:
                        services.set_item_role(
                            survey,
                            bound_item,
                            scale="" if choice == RoleForm.NEW else choice,
                            new_scale=bound.cleaned_data["new_scale"]
                            if choice == RoleForm.NEW
                            else "",
                        )
                    except services.RoleRefused as exc:
                        bound.add_error("new_scale" if choice == RoleForm.NEW else "role", str(exc))
                    else:
                        messages.success(request, _("The role in the analysis was saved."))
                        return redirect("surveys:items", survey_id=survey.pk)
                status = 400
            elif action in ("up", "down"):
                editing.move_item(survey, request.POST.get("item", ""), action)
                return redirect("surveys:items", survey_id=survey.pk)
            elif action == "remove":
                editing.remove_item(survey, request.POST.get("item", ""))
                messages.success(request, _("The question was removed."))
                return redirect("surveys:items", survey_id=survey.pk)
            else:
                status = 400
        except editing.InstrumentFrozen:
            messages.error(
                request, _("The survey has been opened: its questions can no longer change.")
            )
            status = 409
        except KeyError:
            status = 400
    context = {
        "survey": survey,
        "title": survey.title(lang),
        "draft": draft,
        "blocks": _item_rows(survey, lang, bound, bound_item),
        "form": form,
    }
    return render(request, "surveys/items.html", context, status=status)
