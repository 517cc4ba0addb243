"""The REST API, version 1 (/api/v1/): thin routes over the apps' selectors and services.

Every route needs a bearer token and reads or writes only the token's organisation. A route
that names an object answers 404 for another organisation's object, before any scope check,
so a token can't even learn that it exists.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status, Swagger

from zichtbaar.api import problems
from zichtbaar.api.auth import BearerToken, Caller, caller_of, comms_view, require
from zichtbaar.api.models import Scope
from zichtbaar.api.problems import ApiProblem, Problem
from zichtbaar.compose import review
from zichtbaar.compose import selectors as compose_selectors
from zichtbaar.guideline import checking
from zichtbaar.guideline.checker import MAX_CHECK_LENGTH
from zichtbaar.impact import selectors as impact_selectors
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments import services as moment_services
from zichtbaar.moments.models import MAX_TAG_LENGTH, MAX_TAGS, Moment, MomentStatus
from zichtbaar.orgs import anonymity
from zichtbaar.orgs import selectors as org_selectors
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing import selectors as sharing_selectors
from zichtbaar.sharing import services as sharing_services

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_ID = 2**53  # larger ids are not ours (and would overflow SQLite)
MAX_SHARE_LENGTH = 3000  # LinkedIn's limit for a post


class ProblemAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Error responses are problem documents: say so in the schema."""
        schema = super().get_openapi_schema(**kwargs)
        for item in schema.get("paths", {}).values():
            for operation in item.values():
                for code, resp in operation.get("responses", {}).items():
                    content = resp.get("content") or {}
                    if str(code).startswith("4") and "application/json" in content:
                        resp["content"] = {problems.CONTENT_TYPE: content["application/json"]}
        return schema


api = ProblemAPI(
    title="Zichtbaar API",
    version="1",
    description=(
        "Moments, drafts, shares, the guideline check, impact and people of one organisation. "
        "Send a token as `Authorization: Bearer <token>`; create one under *My API tokens* "
        "(personal) or, as communications, *Organisation API tokens*. Errors are problem "
        "details (RFC 9457)."
    ),
    urls_namespace="api_v1",
    auth=BearerToken(),
    docs=Swagger(settings={"persistAuthorization": False}),
)
problems.install(api)

ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 422: Problem, 429: Problem}
WITH_404: dict[int, Any] = {**ERRORS, 404: Problem}


# --- pagination -------------------------------------------------------------------------------


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_ID)


def page(qs: QuerySet[Any], params: PageParams) -> tuple[int, list[Any]]:
    return qs.count(), list(qs[params.offset : params.offset + params.limit])


def page_out(count: int, params: PageParams, items: list[Any]) -> dict[str, Any]:
    following = params.offset + params.limit
    return {
        "count": count,
        "limit": params.limit,
        "offset": params.offset,
        "next_offset": following if following < count else None,
        "items": items,
    }


class PageMeta(Schema):
    count: int
    limit: int
    offset: int
    next_offset: int | None


# --- moments ----------------------------------------------------------------------------------


class MomentOut(Schema):
    id: int
    type: str
    status: str
    title: str
    what_happened: str
    facts_who: str
    facts_what: str
    facts_where: str
    language: str
    languages: list[str]
    tags: list[str]
    link: str
    happened_on: dt.date
    shareable_from: dt.datetime | None
    shareable_until: dt.datetime | None
    published_at: dt.datetime | None


class MomentPage(PageMeta):
    items: list[MomentOut]


class MomentIn(Schema):
    type: str = Field(..., min_length=1, max_length=40, description="A moment type's key.")
    title: str = Field(..., min_length=1, max_length=160)
    what_happened: str = Field(..., min_length=1, max_length=5000)
    facts_who: str = Field("", max_length=300)
    facts_what: str = Field("", max_length=300)
    facts_where: str = Field("", max_length=200)
    language: Literal["nl", "en"] | None = None
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    link: str = Field("", max_length=500)
    happened_on: dt.date | None = None
    client_name: str = Field("", max_length=160)
    client_may_be_named: bool = False
    note_to_comms: str = Field("", max_length=2000)


def moment_out(moment: Moment) -> dict[str, Any]:
    return {
        "id": moment.pk,
        "type": moment.type.key,
        "status": moment.status,
        "title": moment.title,
        "what_happened": moment.what_happened,
        "facts_who": moment.facts_who,
        "facts_what": moment.facts_what,
        "facts_where": moment.facts_where,
        "language": moment.language,
        "languages": moment.languages,
        "tags": moment.hashtags(),
        "link": moment.link,
        "happened_on": moment.happened_on,
        "shareable_from": moment.shareable_from,
        "shareable_until": moment.shareable_until,
        "published_at": moment.published_at,
    }


def _visible_moments(caller: Caller, status: str | None = None) -> QuerySet[Moment]:
    """Comms see every moment of the organisation; a person what their home shows; an
    organisation token without the comms scope only what is published."""
    if comms_view(caller):
        return moment_selectors.moments_for_comms(caller.org.pk, status)
    if caller.membership is not None:
        qs = moment_selectors.moments_for(caller.membership)
    else:
        qs = moment_selectors.moments_for_comms(caller.org.pk, MomentStatus.PUBLISHED)
    return qs.filter(status=status) if status else qs


def _moment_or_404(caller: Caller, moment_id: int) -> Moment:
    moment = _visible_moments(caller).filter(pk=moment_id).first() if moment_id <= MAX_ID else None
    if moment is None:
        raise ApiProblem(404, _("There is no such moment in your organisation."))
    return moment


@api.get("/moments", response={200: MomentPage, **ERRORS}, tags=["moments"])
def list_moments(
    request: HttpRequest,
    params: Query[PageParams],
    status: MomentStatus | None = None,
) -> dict[str, Any]:
    """Moments: for a personal token the ones the person's home shows; with the comms scope
    every moment of the organisation, optionally by status."""
    caller = require(request, Scope.READ)
    count, items = page(_visible_moments(caller, status), params)
    return page_out(count, params, [moment_out(m) for m in items])


@api.get("/moments/{moment_id}", response={200: MomentOut, **WITH_404}, tags=["moments"])
def get_moment(request: HttpRequest, moment_id: int) -> dict[str, Any]:
    caller = caller_of(request)
    moment = _moment_or_404(caller, moment_id)
    require(request, Scope.READ)
    return moment_out(moment)


def _invalid(exc: DjangoValidationError) -> ApiProblem:
    errors = {
        field if field != "__all__" else "body": [str(m) for m in messages]
        for field, messages in exc.message_dict.items()
    }
    return ApiProblem(
        422, _("Some fields are not valid; see errors."), type=problems.INVALID, errors=errors
    )


@api.post("/moments", response={201: MomentOut, **ERRORS}, tags=["moments"])
def create_moment(request: HttpRequest, data: MomentIn) -> Status[dict[str, Any]]:
    """A personal token suggests a moment (submitted for review by comms); with the comms scope
    the moment is a draft, to publish with /moments/{id}/publish."""
    caller = require(request, Scope.WRITE)
    as_comms = comms_view(caller)
    if caller.membership is None and not as_comms:
        raise ApiProblem(
            403,
            _("An organisation token needs the 'comms' scope to create moments."),
        )
    moment_type = moment_selectors.types_for(caller.org.pk).filter(key=data.type).first()
    if moment_type is None:
        raise ApiProblem(
            422,
            _("Some fields are not valid; see errors."),
            type=problems.INVALID,
            errors={"type": [_("There is no moment type with this key.")]},
        )
    tags = [t.strip().lstrip("#") for t in data.tags if t.strip().lstrip("#")]
    if any(len(t) > MAX_TAG_LENGTH for t in tags):
        raise ApiProblem(
            422,
            _("Some fields are not valid; see errors."),
            type=problems.INVALID,
            errors={"tags": [_("A hashtag has at most %(n)s characters.") % {"n": MAX_TAG_LENGTH}]},
        )
    fields: dict[str, Any] = data.dict(exclude={"type", "tags", "language", "happened_on"})
    fields.update(type=moment_type, tags=tags)
    if data.language:
        fields["language"] = data.language
    if data.happened_on:
        fields["happened_on"] = data.happened_on
    # A moment names who created it: for an organisation token, the person who made the token.
    author = caller.membership.user if caller.membership is not None else caller.token.created_by
    if author is None:
        raise ApiProblem(
            403,
            _(
                "The person who created this organisation token is no longer here, so moments "
                "it creates would have no author. Create a new organisation token."
            ),
        )
    try:
        moment = moment_services.create_moment(
            org=caller.org,
            author=author,
            data=fields,
            submit=not as_comms,
        )
    except DjangoValidationError as exc:
        raise _invalid(exc) from exc
    return Status(201, moment_out(moment))


@api.post(
    "/moments/{moment_id}/publish",
    response={200: MomentOut, 409: Problem, **WITH_404},
    tags=["moments"],
)
def publish_moment(request: HttpRequest, moment_id: int) -> dict[str, Any]:
    """Publish a draft or a suggestion (comms scope), after the same check the comms pages
    run: a moment whose texts or drafts would give every colleague a problem stays
    unpublished (409, with the findings)."""
    caller = caller_of(request)
    moment = _moment_or_404(caller, moment_id)
    require(request, Scope.COMMS)
    if moment.status == MomentStatus.PUBLISHED:
        raise ApiProblem(409, _("This moment is published already."), type=problems.CONFLICT)
    involved = tuple(t.name for t in moment.involved_teams.all())
    result = review.review_moment(moment, caller.org, involved)
    if result.blocking:
        raise ApiProblem(
            409,
            _(
                "Not published: the check found something that would reach every colleague's "
                "drafts. Edit the moment first."
            ),
            type=problems.NOT_PUBLISHABLE,
            extra={
                "findings": [
                    {
                        "where": f.where,
                        "code": f.code,
                        "message": f.message,
                        "suggestion": f.suggestion,
                        "excerpt": f.excerpt,
                    }
                    for f in result.findings
                ]
            },
        )
    try:
        if moment.status == MomentStatus.SUBMITTED:
            moment = moment_services.approve(moment)
        else:
            moment = moment_services.publish(moment)
    except moment_services.TransitionError as exc:
        raise ApiProblem(
            409,
            _("This moment has changed in the meantime; nothing was done."),
            type=problems.CONFLICT,
        ) from exc
    return moment_out(moment)


# --- drafts -----------------------------------------------------------------------------------


class DraftOut(Schema):
    angle: str
    label: str
    text: str
    hashtags: list[str]


class DraftsOut(Schema):
    moment_id: int
    tracked_link: bool
    items: list[DraftOut]


@api.get("/moments/{moment_id}/drafts", response={200: DraftsOut, **WITH_404}, tags=["drafts"])
def moment_drafts(request: HttpRequest, moment_id: int) -> dict[str, Any]:
    """The drafts the token's person is offered for a moment (personal tokens only), written
    from the templates in their voice."""
    caller = require(request, Scope.READ, personal=True)
    membership = caller.membership
    assert membership is not None
    moment = (
        moment_selectors.moment_for_person(membership, moment_id) if moment_id <= MAX_ID else None
    )
    if moment is None:
        raise ApiProblem(404, _("There is no such moment in your organisation."))
    link = (
        sharing_services.get_or_create_link(moment, membership.user)
        if org_selectors.profile_for(membership.user).consent_tracking
        else None
    )
    link_url = compose_selectors.share_url(moment, link.code if link else None, settings.SITE_URL)
    drafts = compose_selectors.drafts_for(moment, membership, link_url, count=4, use_model=False)
    return {
        "moment_id": moment.pk,
        "tracked_link": link is not None,
        "items": [
            {"angle": d.angle, "label": d.label, "text": d.text, "hashtags": list(d.hashtags)}
            for d in drafts
        ],
    }


# --- shares -----------------------------------------------------------------------------------


class ShareOut(Schema):
    id: int
    moment_id: int
    text: str
    angle: str
    post_url: str
    shared_at: dt.datetime


class SharePage(PageMeta):
    items: list[ShareOut]


class ShareIn(Schema):
    moment_id: int = Field(..., ge=1, le=MAX_ID)
    text: str = Field(..., min_length=1, max_length=MAX_SHARE_LENGTH)
    post_url: str = Field(
        "",
        max_length=500,
        pattern=r"^(https://www\.linkedin\.com/\S*)?$",
        description="The LinkedIn post's address, when known.",
    )
    angle: str = Field("", max_length=40)


def share_out(share: Any) -> dict[str, Any]:
    return {
        "id": share.pk,
        "moment_id": share.moment_id,
        "text": share.text,
        "angle": share.angle,
        "post_url": share.post_url,
        "shared_at": share.shared_at,
    }


@api.get("/shares", response={200: SharePage, **ERRORS}, tags=["shares"])
def list_shares(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The token's person's own shares, newest first (personal tokens only)."""
    caller = require(request, Scope.READ, personal=True)
    assert caller.membership is not None
    qs = sharing_selectors.shares_of(caller.membership.user_id, caller.org.pk).order_by(
        "-shared_at", "-id"
    )
    count, items = page(qs, params)
    return page_out(count, params, [share_out(s) for s in items])


@api.post("/shares", response={201: ShareOut, 409: Problem, **WITH_404}, tags=["shares"])
def record_share(request: HttpRequest, data: ShareIn) -> Status[dict[str, Any]]:
    """Record that the token's person shared a moment (personal tokens with the write scope)."""
    caller = require(request, Scope.WRITE, personal=True)
    membership = caller.membership
    assert membership is not None
    moment = moment_selectors.moment_for_person(membership, data.moment_id)
    if moment is None:
        raise ApiProblem(404, _("There is no such moment in your organisation."))
    if moment.is_embargoed:
        raise ApiProblem(
            409,
            _("This moment can't be shared yet, so there is nothing to record."),
            type=problems.CONFLICT,
        )
    share = sharing_services.record_share(
        moment=moment,
        user=membership.user,
        text=data.text,
        post_url=data.post_url,
        angle=data.angle,
    )
    return Status(201, share_out(share))


# --- the check --------------------------------------------------------------------------------


class CheckIn(Schema):
    text: str = Field(..., max_length=MAX_CHECK_LENGTH)
    moment_id: int | None = Field(None, ge=1, le=MAX_ID)
    language: Literal["nl", "en"] | None = None


class FindingOut(Schema):
    code: str
    severity: str
    start: int
    end: int
    message: str
    suggestion: str
    section: str


class CheckOut(Schema):
    verdict: Literal["go", "tips", "change", "unchecked"]
    blocking: bool
    findings: list[FindingOut]
    message: str | None = None


@api.post("/check", response={200: CheckOut, **WITH_404}, tags=["check"])
def check(request: HttpRequest, data: CheckIn) -> dict[str, Any]:
    """The "May I share this?" check of the organisation's guideline, as the compose page runs
    it; with moment_id also against that moment (its client, embargo, colleagues' posts)."""
    caller = require(request, Scope.READ)
    moment = _moment_or_404(caller, data.moment_id) if data.moment_id is not None else None
    # An organisation token checks as the organisation: no person, its default language.
    membership = caller.membership or Membership(org=caller.org)
    result = checking.check_post(
        data.text,
        moment=moment,
        membership=membership,
        language=data.language or caller.language,
    )
    body = result.as_dict()
    body["blocking"] = result.blocking
    return body


# --- impact -----------------------------------------------------------------------------------


class Period(enum.IntEnum):
    """Days before today (impact.selectors.PERIODS)."""

    MONTH = 30
    QUARTER = 90
    YEAR = 365


class ImpactFigures(Schema):
    people: int
    participation_30: int
    participation_90: int
    shares: int
    clicks: int
    visitors: int
    potential_reach: int
    views_per_post_estimate: list[int]


class TeamFigures(Schema):
    team: str
    people: int | None
    shares: int | None
    hidden: str | None = Field(None, description="Why this row is hidden: small, complementary.")


class ImpactOut(Schema):
    period_days: int
    start: dt.date
    end: dt.date
    threshold: int
    suppressed: bool
    reason: str | None
    figures: ImpactFigures | None
    teams: list[TeamFigures]


@api.get("/impact", response={200: ImpactOut, **ERRORS}, tags=["impact"])
def impact(request: HttpRequest, period: Period = Period.QUARTER) -> dict[str, Any]:
    """The organisation's figures of the impact dashboard (comms scope). Figures resting on
    fewer people than the anonymity threshold are left out, with the reason."""
    caller = require(request, Scope.COMMS)
    settings_row = impact_selectors.reach_settings_for(caller.org)
    db = impact_selectors.cached_dashboard(caller.org, settings_row, period=int(period))
    k = anonymity.threshold()
    out: dict[str, Any] = {
        "period_days": db.period,
        "start": db.start,
        "end": db.end,
        "threshold": k,
        "suppressed": db.hidden,
        "reason": None,
        "figures": None,
        "teams": [],
    }
    if db.hidden:
        out["reason"] = _(
            "Fewer than %(k)s people are in this organisation, so no figures about them are shown."
        ) % {"k": k}
        return out
    out["figures"] = {
        "people": db.people,
        "participation_30": db.participation_30,
        "participation_90": db.participation_90,
        "shares": db.shares,
        "clicks": db.clicks,
        "visitors": db.visitors,
        "potential_reach": db.reach.potential_reach,
        "views_per_post_estimate": list(db.views_realised),
    }
    teams = next((t for t in db.tables if t.key == "teams"), None)
    for row in teams.rows if teams else []:
        out["teams"].append(
            {
                "team": row.label,
                "people": row.people if row.visible else None,
                "shares": row.values.get("shares") if row.visible else None,
                "hidden": row.hidden,
            }
        )
    return out


# --- people -----------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    email: str
    team: str | None
    role: str
    active: bool


class PersonPage(PageMeta):
    items: list[PersonOut]


@api.get("/people", response={200: PersonPage, **ERRORS}, tags=["people"])
def people(
    request: HttpRequest,
    params: Query[PageParams],
    q: str = Query("", max_length=100, description="Part of a name or e-mail address."),
) -> dict[str, Any]:
    """The organisation's people (comms scope): name, e-mail address, team, role and whether
    they are active; nothing else about them."""
    caller = require(request, Scope.COMMS)
    count, items = page(org_selectors.people_of(caller.org, q), params)
    return page_out(
        count,
        params,
        [
            {
                "id": m.pk,
                "name": m.user.name,
                "email": m.user.email,
                "team": m.team.name if m.team else None,
                "role": m.role,
                "active": m.is_active,
            }
            for m in items
        ],
    )
