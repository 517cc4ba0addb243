"""Surveys in the app: instruments from the item bank, saving answers, the report, the demo."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zichtbaar.orgs.models import Organisation
from zichtbaar.surveys import (
    anonymity,
    conclusions,
    editing,
    itembank,
    report_spss,
    report_xlsx,
    reports,
    selectors,
    study,
)
from zichtbaar.surveys.mapping import Mapping, parse_mapping, prepare
from zichtbaar.surveys.models import (
    ImportBatch,
    ItemRole,
    Response,
    Survey,
    SurveyInvitation,
    new_token,
    token_hash,
)
from zichtbaar.surveys.signals import survey_closed

# Blocks of the item bank, in the order a respondent sees them: block key -> constructs.
BLOCKS: dict[str, tuple[str, ...]] = {
    "willingness": ("willingness",),
    "barriers": ("barrier",),
    "engagement": ("engagement",),
    "brand_attitude": ("brand_attitude",),
    "linkedin": ("linkedin",),
    "background": ("background",),
    "comment": ("comment",),
}
REQUIRED_BLOCKS = ("willingness",)
# The comment block has no section in the item bank: its title is instrument text, like the bank's.
EXTRA_SECTIONS = {"comment": {"en": "Anything else?", "nl": "Nog iets?"}}


def block_title(key: str) -> dict[str, str]:
    return itembank.load()["sections"].get(key) or EXTRA_SECTIONS[key]


def build_instrument(
    blocks: list[str], org_name: str = "", teams: list[str] | None = None
) -> dict[str, Any]:
    """A frozen copy of the chosen blocks' items, with their response scales."""
    bank = itembank.load()
    chosen = [b for b in BLOCKS if b in blocks or b in REQUIRED_BLOCKS]
    out_blocks = []
    scales: dict[str, Any] = {}
    for key in chosen:
        items = [dict(i) for i in bank["items"] if i["construct"] in BLOCKS[key]]
        for item in items:
            scales[item["scale"]] = bank["response_scales"][item["scale"]]
            if org_name:
                item["text"] = {
                    lang: text.replace("[organisation]", org_name).replace(
                        "[organisatie]", org_name
                    )
                    for lang, text in item["text"].items()
                }
        title = {
            lang: t.replace("[organisation]", org_name or "…").replace(
                "[organisatie]", org_name or "…"
            )
            for lang, t in block_title(key).items()
        }
        out_blocks.append({"key": key, "title": title, "items": items})
    return {
        "bank_version": bank["version"],
        "license": bank["license"],
        "blocks": out_blocks,
        "response_scales": scales,
        "teams": list(teams or []),
    }


def create_survey(
    org: Organisation,
    *,
    title_en: str,
    title_nl: str,
    blocks: list[str],
    closes_at: dt.datetime | None = None,
    invitation_only: bool = False,
) -> Survey:
    teams = list(org.teams.values_list("name", flat=True))
    return Survey.objects.create(
        org=org,
        title_en=title_en,
        title_nl=title_nl or title_en,
        instrument=build_instrument(blocks, org.name, teams),
        closes_at=closes_at,
        invitation_only=invitation_only,
    )


def set_status(survey: Survey, status: str) -> None:
    """Raises SmallChange when reopening a survey whose report can be read."""
    if status == Survey.Status.OPEN and (refusal := change_refused(survey)):
        raise SmallChange(refusal)
    closing = status == Survey.Status.CLOSED and survey.status != Survey.Status.CLOSED
    survey.status = status
    if status == Survey.Status.OPEN and survey.closes_at and survey.closes_at <= timezone.now():
        survey.closes_at = None  # reopening after the closing date: no date until one is set
    survey.save(update_fields=["status", "closes_at"])
    if closing:
        transaction.on_commit(lambda: survey_closed.send(Survey, survey=survey))


def close_due(now: dt.datetime | None = None) -> int:
    """Close the open surveys whose closing date has passed, in every organisation, each once
    with its `survey_closed` signal (the webhook). Run every few minutes by the integrations'
    periodic receiver; answers already stop at the date (`Survey.is_accepting`)."""
    now = now or timezone.now()
    closed = 0
    for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_at__lte=now):
        with transaction.atomic():
            # Conditional: two runs at once close (and announce) a survey once.
            if Survey.objects.filter(pk=survey.pk, status=Survey.Status.OPEN).update(
                status=Survey.Status.CLOSED
            ):
                survey.status = Survey.Status.CLOSED
                closed += 1
                transaction.on_commit(functools.partial(survey_closed.send, Survey, survey=survey))
    return closed


# --------------------------------------------------------------------------- collection


class InvitationUsed(Exception):
    """The survey needs an invitation and this one is taken (or was never valid)."""


@transaction.atomic
def start_response(survey: Survey, *, invitation: str | None = None) -> tuple[Response, str]:
    """A new response and its resume token (which only the respondent's cookie keeps).

    An invitation is claimed by a conditional UPDATE in the same transaction that creates the
    response: of several browsers racing with one link, exactly one gets a response. Raises
    InvitationUsed, storing nothing, when the survey needs an invitation and this one is taken.
    """
    claimed = use_invitation(survey, invitation)
    if survey.invitation_only and not claimed:
        raise InvitationUsed
    token = new_token()
    response = Response.objects.create(survey=survey, resume_hash=token_hash(token))
    return response, token


def find_response(survey: Survey, resume_token: str | None) -> Response | None:
    if not resume_token:
        return None
    return Response.objects.filter(survey=survey, resume_hash=token_hash(resume_token)).first()


def save_page(response: Response, page: int, answers: dict[str, Any], *, last: bool) -> None:
    response.answers = {**response.answers, **answers}
    response.page = max(response.page, page)
    update = ["answers", "page"]
    if last:
        response.completed = True
        response.resume_hash = ""  # finished: nothing to resume, nothing to recognise
        update += ["completed", "resume_hash"]
    response.save(update_fields=update)


@transaction.atomic
def answer_page(
    survey: Survey,
    response: Response | None,
    page: int,
    answers: dict[str, Any],
    *,
    last: bool,
    invitation: str | None = None,
) -> tuple[Response, str | None]:
    """Save one page; without a response yet, start one (claiming the invitation) first.

    The response and the new resume token (None when the response already existed). All or
    nothing: a claimed invitation never ends up without the page that claimed it.
    """
    token = None
    if response is None:
        response, token = start_response(survey, invitation=invitation)
    save_page(response, page, answers, last=last)
    return response, token


class NotAnImport(LookupError):
    """No such import batch in this survey."""


class SmallChange(Exception):
    """A change to the responses of a survey whose report people may already have read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def report_released(survey: Survey) -> bool:
    """Closed with at least 5 responses: anyone with access can read the report."""
    return survey.status == Survey.Status.CLOSED and completed_count(survey) >= anonymity.MIN_CELL


def change_refused(survey: Survey) -> str | None:
    """Why the responses of this survey may no longer change, or None.

    Once its report can be read, a survey is final: no import, no undo and no reopening. Two
    versions of a report that differ by a few people, in the whole sample or in one team or
    tenure group, would reveal what those people answered.
    """
    if not report_released(survey):
        return None
    return _(
        "The report of this survey can already be read, so its responses no longer change: "
        "comparing two versions of the report would reveal the answers of the people added "
        "or removed. Start a new survey to collect more."
    )


@transaction.atomic
def undo_import(survey: Survey, batch_id: int) -> int:
    """Remove one import batch and every response it brought, all or nothing; the number of
    responses removed. Responses collected by link are never touched. Refused once the report
    can be read (SmallChange)."""
    batch = ImportBatch.objects.select_for_update().filter(pk=batch_id, survey=survey).first()
    if batch is None:
        raise NotAnImport(batch_id)
    if refusal := change_refused(survey):
        raise SmallChange(refusal)
    removed, _by_model = Response.objects.filter(
        survey=survey, import_batch=batch, source=Response.Source.IMPORT
    ).delete()
    batch.delete()
    Survey.objects.filter(pk=survey.pk).update(report_cache={})
    survey.report_cache = {}
    return removed


def create_invitations(survey: Survey, count: int) -> list[str]:
    """`count` single-use tokens; only their hashes are stored, so show them once."""
    tokens = [new_token() for _ in range(count)]
    SurveyInvitation.objects.bulk_create(
        [SurveyInvitation(survey=survey, token_hash=token_hash(t)) for t in tokens]
    )
    return tokens


def invitation_valid(survey: Survey, token: str | None) -> bool:
    if not token:
        return False
    return SurveyInvitation.objects.filter(
        survey=survey, token_hash=token_hash(token), used=False
    ).exists()


def invitation_used(survey: Survey, token: str | None) -> bool:
    """A real invitation of this survey that was already used (it earns a clearer message)."""
    if not token:
        return False
    return SurveyInvitation.objects.filter(
        survey=survey, token_hash=token_hash(token), used=True
    ).exists()


def use_invitation(survey: Survey, token: str | None) -> bool:
    """Claim the invitation: True for the one caller whose conditional UPDATE marked it used.
    Nothing links it to the response."""
    if not token:
        return False
    return bool(
        SurveyInvitation.objects.filter(
            survey=survey, token_hash=token_hash(token), used=False
        ).update(used=True)
    )


# --------------------------------------------------------------------------- analysis


def items_of(survey: Survey) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for b in survey.blocks for i in b["items"]}


# --------------------------------------------------------------------------- own items' roles

# The item bank's scales an own numeric item may join (the others are single items).
JOINABLE_SCALES = ("engagement", "brand_attitude")
RESERVED_SCALES = {*JOINABLE_SCALES, "linkedin_use", "willing_likert", "willing_yes"}


class RoleRefused(ValueError):
    """The role does not fit the item; the message says why (translated)."""


def _answer_range(survey: Survey, item: dict[str, Any]) -> tuple[Any, Any]:
    spec = survey.instrument.get("response_scales", {}).get(item["scale"]) or itembank.load()[
        "response_scales"
    ].get(item["scale"], {})
    return spec.get("min"), spec.get("max")


def scale_choices(survey: Survey, lang: str = "en") -> list[tuple[str, str]]:
    """(key, name) of the scales an own numeric item (agree 1-5) may join: the item bank's
    scales whose items have the same answer range, then the organisation's own scales."""
    items = items_of(survey).values()
    own_range = _answer_range(survey, {"scale": editing.OWN_SCALE})
    out: list[tuple[str, str]] = []
    for name in JOINABLE_SCALES:
        members = [i for i in items if i["construct"] == name]
        if all(_answer_range(survey, i) == own_range for i in members):
            out.append((name, conclusions._cap(conclusions.scale_label(name, lang))))
    for key, label in selectors.own_scales_of(survey):
        out.append((key, label))
    return out


@transaction.atomic
def set_item_role(
    survey: Survey, item_id: str, *, scale: str = "", new_scale: str = ""
) -> ItemRole:
    """Report an own numeric item on its own (no scale), add it to an existing scale, or to
    a new scale named `new_scale` (an extra predictor in the models)."""
    item = items_of(survey).get(item_id)
    if item is None or editing.own_kind(item) != editing.OWN_SCALE:
        raise RoleRefused(_("Only your own statements (agree 1-5) can be part of a scale."))
    label = ""
    if new_scale.strip():
        label = new_scale.strip()[:60]
        scale = slugify(label).replace("-", "_")[:60]
        if not scale:
            raise RoleRefused(_("Give the scale a name with letters or digits."))
        if scale in RESERVED_SCALES:
            raise RoleRefused(_("That scale already exists: choose it from the list."))
    elif scale:
        known = dict(scale_choices(survey))
        if scale not in known:
            raise RoleRefused(
                _("This statement cannot join that scale: its answers have another range.")
            )
        label = "" if scale in JOINABLE_SCALES else known[scale]
    role, _created = ItemRole.objects.update_or_create(
        survey=survey,
        item_id=item_id,
        defaults={
            "role": ItemRole.Role.SCALE if scale else ItemRole.Role.REPORTED,
            "scale": scale,
            "scale_label": label,
        },
    )
    Survey.objects.filter(pk=survey.pk).update(report_cache={})
    survey.report_cache = {}
    return role


def _own_item_parts(survey: Survey, items: dict[str, dict[str, Any]], raw: dict[str, Any]) -> None:
    """Put the organisation's own items into the raw mapping: numeric ones in their scale or
    reported on their own, yes/no and choice items reported as shares."""
    roles = selectors.item_roles_of(survey)
    scales = survey.instrument.get("response_scales", {})
    reported: dict[str, Any] = {}
    value_labels: dict[str, Any] = {}
    texts: dict[str, Any] = {}
    for item_id, item in items.items():
        kind = editing.own_kind(item)
        if kind is None:
            continue
        texts[item_id] = item["text"]
        spec = scales.get(item["scale"]) or itembank.load()["response_scales"][item["scale"]]
        labels = spec.get("labels") or {}
        start = int(spec.get("min", (spec.get("values") or [0])[0]))
        count = len(labels.get("en") or [])
        value_labels[item_id] = {
            str(start + i): {lang: labels[lang][i] for lang in labels if i < len(labels[lang])}
            for i in range(count)
        }
        role = roles.get(item_id)
        if kind == editing.OWN_SCALE and role is not None and role.role == ItemRole.Role.SCALE:
            spec_raw = raw["scales"].get(role.scale)
            if spec_raw is None:
                spec_raw = {"items": []}
                if role.scale_label:
                    spec_raw["label"] = {"en": role.scale_label, "nl": role.scale_label}
            elif isinstance(spec_raw, list):
                spec_raw = {"items": spec_raw}
            spec_raw["items"].append(item_id)
            raw["scales"][role.scale] = spec_raw
        elif kind == editing.OWN_SCALE:
            reported[item_id] = {"type": "numeric", "min": spec["min"], "max": spec["max"]}
        elif kind == "yes_no":
            reported[item_id] = {"type": "yes_no", "yes": [1], "no": [0]}
        else:
            reported[item_id] = {
                "type": "choice",
                "options": [str(start + i) for i in range(count)],
            }
    raw["reported"] = reported
    raw["value_labels"] = value_labels
    raw["item_text"] = texts


def mapping_for(survey: Survey) -> Mapping:
    """The column mapping of the instrument (the columns are item ids), the organisation's own
    items included as their roles say."""
    items = items_of(survey)
    has = items.__contains__
    raw: dict[str, Any] = {
        "title": {"en": survey.title_en, "nl": survey.title_nl},
        "organisation": survey.org.name,
        "willingness": {},
        "scales": {},
    }
    if has("willing_likert"):
        raw["willingness"]["likert"] = {"column": "willing_likert", "min": 1, "max": 5}
    if has("willing_yes"):
        raw["willingness"]["yes_no"] = {"column": "willing_yes", "yes": [1], "no": [0]}
    for name in ("engagement", "brand_attitude"):
        cols = [i for i, item in items.items() if item["construct"] == name]
        if cols:
            raw["scales"][name] = cols
    if has("linkedin_use"):
        raw["scales"]["linkedin_use"] = ["linkedin_use"]
    barriers = {
        item["barrier"]: i
        for i, item in items.items()
        if item["construct"] == "barrier" and item.get("barrier") and item["scale"] == "chosen"
    }
    if barriers:
        raw["barriers"] = {k: {"column": c, "yes": [1]} for k, c in barriers.items()}
    raw["segments"] = [c for c in ("team", "tenure") if has(c)]
    if has("comment"):
        raw["comments"] = "comment"
    _own_item_parts(survey, items, raw)
    return parse_mapping(raw)


def completed_count(survey: Survey) -> int:
    return survey.responses.filter(completed=True).count()


def frame_for(survey: Survey, mapping: Mapping, lang: str) -> pd.DataFrame:
    """The completed responses as text columns, as a form export would have them."""
    rows = list(survey.responses.filter(completed=True).values_list("answers", flat=True))
    tenure = itembank.scale_labels("tenure_band", lang)
    cols = mapping.columns()
    data: dict[str, list[str]] = {c: [] for c in cols}
    for answers in rows:
        for col in cols:
            value = answers.get(col)
            if value is None or value == "":
                text = ""
            elif col == "tenure":
                try:
                    text = tenure[int(value) - 1]
                except (ValueError, IndexError):
                    text = ""
            else:
                text = str(value)
            data[col].append(text)
    return pd.DataFrame(data, dtype=object)


class ReportUnavailable(Exception):
    pass


def report_for(survey: Survey, lang: str) -> tuple[dict[str, Any], Mapping]:
    """The study JSON from the responses (cached per language and number of responses).

    Raises ReportUnavailable with fewer than the anonymity threshold of completed responses.
    """
    n = completed_count(survey)
    if n < anonymity.MIN_CELL:
        raise ReportUnavailable(n)
    mapping = mapping_for(survey)
    cached = (survey.report_cache or {}).get(lang)
    # A changed anonymity threshold (the setting) makes a cached report stale too.
    threshold = (cached or {}).get("report", {}).get("anonymity", {}).get("min_cell")
    if cached and cached.get("n") == n and threshold == anonymity.MIN_CELL:
        return cached["report"], mapping
    prepared = prepare(frame_for(survey, mapping, lang), mapping)
    report = study.analyse(prepared, seed=0, lang=lang)
    survey.report_cache = {**(survey.report_cache or {}), lang: {"n": n, "report": report}}
    survey.save(update_fields=["report_cache"])
    return report, mapping


def render(survey: Survey, fmt: str, lang: str) -> bytes:
    report, mapping = report_for(survey, lang)
    if fmt == "html":
        return reports.render_html(report, mapping, lang).encode()
    if fmt == "pdf":
        return reports.render_pdf(report, mapping, lang)
    if fmt == "xlsx":
        return report_xlsx.render_xlsx(report, mapping, lang)
    if fmt == "sav":
        import tempfile
        from pathlib import Path

        prepared = prepare(frame_for(survey, mapping, lang), mapping)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "survey.sav"
            report_spss.write_sav(prepared, lang, path)
            return path.read_bytes()
    raise ValueError(fmt)
