"""The hostile sweep (security issue 10, "What must hold"): every hostile value of the corpus goes
into every text field of every form, and then into every page, export, e-mail and chat message
where that field shows. Each answer is a clear field error or a success, never a 500; whatever is
stored comes back escaped (HTML), neutralised (CSV, XLSX), plain (Slack, Teams) or on its own
line (e-mail headers, calendar feeds).

A failure names the form, the value and the field or place; see tests/security/hostile.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django import forms
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.formsets import BaseFormSet
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from tests.security import hostile
from tests.security.hostile import CORPUS, MEGABYTE

# --- the world the values are posted into ---------------------------------------------------


@dataclass
class World:
    acme: Any
    alice: Any
    bob: Any
    carol: Any
    moment: Any  # published, for everyone, by alice
    submitted: Any  # bob's idea, waiting for comms
    make_moment: Any
    clients: dict[str, Client] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)

    def client(self, who: str) -> Client:
        if who not in self.clients:
            c = Client(raise_request_exception=False)  # a server error shows as a 500
            if who != "anonymous":
                c.force_login(getattr(self, who))
            self.clients[who] = c
        return self.clients[who]

    def membership(self, who: str) -> Any:
        return getattr(self, who).memberships.get(org=self.acme)


@pytest.fixture
def world(acme, alice, bob, carol, make_moment) -> World:
    from zichtbaar.moments.models import MomentStatus
    from zichtbaar.nudges.models import Webhook

    moment = make_moment(published_at=timezone.now())
    submitted = make_moment(title="Bob's idea", status=MomentStatus.SUBMITTED, submitted_by=bob)
    for kind, url in (
        ("slack", "https://hooks.slack.com/services/T/B/x"),
        ("teams", "https://acme.webhook.office.com/webhookb2/x"),
    ):
        Webhook.objects.create(org=acme, name=kind, kind=kind, url=url, language="en")
    return World(acme, alice, bob, carol, moment, submitted, make_moment)


# --- what a response says -------------------------------------------------------------------


def _context_values(context: Any) -> list[Any]:
    if context is None:
        return []
    contexts = context if isinstance(context, list) else [context]
    values: list[Any] = []
    for c in contexts:
        for v in c.flatten().values():
            if not any(v is seen for seen in values):
                values.append(v)
    return values


def _forms_in(context: Any) -> list[forms.BaseForm]:
    found: list[forms.BaseForm] = []
    for value in _context_values(context):
        candidates = value if isinstance(value, list | tuple) else [value]
        for v in candidates:
            if isinstance(v, tuple) and len(v) == 2:
                v = v[1]  # (code, form) pairs on the rules page
            if isinstance(v, forms.BaseForm):
                found.append(v)
            elif isinstance(v, BaseFormSet):
                found.extend(v.forms)
    return found


def field_errors(response: Any) -> dict[str, list[str]]:
    """Posted key -> messages, for every form in the page."""
    out: dict[str, list[str]] = {}
    for form in _forms_in(getattr(response, "context", None)):
        if not form.is_bound:
            continue
        for name, errors in form.errors.items():
            out[form.add_prefix(name)] = [str(e) for e in errors]
    return out


def initial_data(response: Any) -> dict[str, Any]:
    """What the browser would send back unchanged from the form(s) on a page."""
    data: dict[str, Any] = {}
    context = response.context
    formsets = [v for v in _context_values(context) if isinstance(v, BaseFormSet)]
    for fs in formsets:
        data.update(_form_data(fs.management_form))
    for form in _forms_in(context):
        data.update(_form_data(form))
    return data


def _form_data(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, f in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(f.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(f, forms.FileField) or value is None:
            continue
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            formatted = f.widget.format_value(value)
            data[key] = formatted[0] if isinstance(formatted, list) else (formatted or "")
    return data


def _where(response: Any) -> str:
    """The exception behind a 500 and the line it came from, for the failure message."""
    import traceback

    info = getattr(response, "exc_info", None)
    if not info or info[1] is None:
        return ""
    frame = traceback.extract_tb(info[2])[-1]
    return f": {info[0].__name__}: {info[1]} at {frame.filename}:{frame.lineno}"


def _is_html(response: Any) -> bool:
    return "text/html" in response.get("Content-Type", "")


def page_problems(response: Any, value: str, where: str) -> list[str]:
    if response.status_code >= 500:
        return [f"{where}: answered {response.status_code}{_where(response)}"]
    if not _is_html(response):
        return []
    html = response.content.decode("utf-8", "replace")
    return [f"{where}: {p}" for p in hostile.html_problems(html, value)]


# --- the places a stored value shows -------------------------------------------------------

# A sink looks at every place the stored values show and lists what is wrong there.
Sink = Callable[[World, list[str]], list[str]]
NAMES = {v: k for k, v in CORPUS.items()}


def _named(value: str) -> str:
    return NAMES.get(value, repr(value[:40]))


def pages(*targets: tuple[str, str | Callable[[World], str]]) -> Sink:
    def check(w: World, values: list[str]) -> list[str]:
        out = []
        for who, url in targets:
            url = url(w) if callable(url) else url
            response = w.client(who).get(url)
            for value in values:
                out += page_problems(response, value, f"{_named(value)}: GET {url} as {who}")
        return out

    return check


def _moments(w: World) -> list[Any]:
    from zichtbaar.moments.models import Moment

    return list(Moment.objects.filter(org=w.acme).exclude(pk=w.submitted.pk))


def exports(w: World, values: list[str]) -> list[str]:
    from zichtbaar.impact import services as impact_services

    impact_services.request_rollup()
    client = w.client("alice")
    out = []
    for url, reader in (
        ("/comms/impact/export.csv", hostile.csv_problems),
        ("/comms/impact/export.xlsx", hostile.xlsx_problems),
    ):
        response = client.get(url)
        if response.status_code != 200:
            out.append(f"GET {url}: answered {response.status_code}{_where(response)}")
        else:
            out += [f"{url}: {p}" for p in reader(response.content)]
    return out


def moments_everywhere(w: World, values: list[str]) -> list[str]:
    """Published moments: the employee's pages, comms' pages, e-mails, chat and calendar."""
    from zichtbaar.nudges import chat, delivery, digests, preferences, queueing
    from zichtbaar.nudges import selectors as nudge_selectors
    from zichtbaar.nudges.models import Kind, Message

    moments = _moments(w)
    targets: list[tuple[str, str | Callable[[World], str]]] = [
        ("bob", "/"),
        ("alice", "/comms/moments/"),
        ("alice", f"/comms/nudges/preview/{w.membership('bob').pk}/"),
        ("alice", "/comms/impact/"),
    ]
    for m in moments:
        targets += [("bob", f"/moments/{m.pk}/"), ("alice", f"/comms/moments/{m.pk}/")]
    out = pages(*targets)(w, values)
    # Slack and Teams announcements
    chat.queue_announcements(w.acme)
    announced = Message.objects.filter(kind=Kind.ANNOUNCE)
    if announced.count() < 2 * len(moments):
        out.append("not every moment was announced (chat payloads went unchecked)")
    for row in announced:
        check = hostile.slack_problems if row.channel == "slack" else hostile.teams_problems
        out += [f"{row.channel} announcement of {row.moment}: {p}" for p in check(row.payload)]
    # prompt e-mails (their subject carries the title) and a test digest through the outbox
    bob = w.membership("bob")
    pref = preferences.preference_for(bob)
    for m in moments:
        row = queueing.email_row(
            bob,
            pref,
            kind=Kind.PROMPT,
            key=f"sweep:{m.pk}",
            now=timezone.now(),
            moment=m,
            context={"moment": m, "url": nudge_selectors.compose_url(m)},
        )
        for value in values:
            where = f"{_named(value)}: prompt e-mail"
            out += [
                f"{where} subject: {p}" for p in hostile.text_lines_problems(row.subject, value)
            ]
            out += [f"{where}: {p}" for p in hostile.html_problems(row.body_html, value)]
    mail.outbox.clear()
    digests.queue_test_digest(w.membership("alice"))
    delivery.deliver(w.acme.pk)
    if not mail.outbox:
        out.append("the test digest was not sent")
    for message in mail.outbox:
        html = "".join(str(c) for c, _type in getattr(message, "alternatives", []))
        for value in values:
            where = f"{_named(value)}: digest e-mail"
            out += [
                f"{where} subject: {p}" for p in hostile.text_lines_problems(message.subject, value)
            ]
            out += [f"{where}: {p}" for p in hostile.html_problems(html, value)]
    # the calendar feed
    feed = w.client("anonymous").get(f"/nudges/calendar/{pref.feed_token}.ics")
    if feed.status_code != 200:
        out.append(f"calendar feed answered {feed.status_code}{_where(feed)}")
    else:
        out += [f"calendar: {p}" for p in hostile.ics_problems(feed.content.decode())]
    return out


def approve_then_pages(w: World, values: list[str]) -> list[str]:
    """Bob's ideas, on his list and comms', and once approved on the employees' pages."""
    from zichtbaar.moments.models import Moment, MomentStatus

    ideas = list(
        Moment.objects.filter(org=w.acme, status=MomentStatus.SUBMITTED).exclude(pk=w.submitted.pk)
    )
    out = pages(("bob", "/moments/mine/"), ("alice", "/comms/moments/"))(w, values)
    for m in ideas:
        response = w.client("alice").post(f"/comms/moments/{m.pk}/approve/")
        if response.status_code != 302:
            out.append(f"approving {m.pk} answered {response.status_code}{_where(response)}")
    targets = [("bob", f"/moments/{m.pk}/") for m in ideas]
    return out + pages(("bob", "/"), *targets)(w, values)


def share_with_new_types(w: World, values: list[str]) -> list[str]:
    """Moments of the new types, shared: the types' names are in the dashboard and its exports."""
    from zichtbaar.moments.models import MomentType
    from zichtbaar.sharing import services as sharing

    for n, kind in enumerate(MomentType.objects.filter(org=w.acme)):
        moment = w.make_moment(title=f"Moment {n}")
        moment.type = kind
        moment.save()
        sharing.record_share(moment=moment, user=w.bob, text="Proud!", post_url="", angle="")
    return pages(("bob", "/"), ("alice", "/comms/impact/"))(w, values) + exports(w, values)


def compose_with(text: str | None = None) -> Sink:
    """The live check of a text (by default each value itself), in the editor and the API."""

    def run(w: World, values: list[str]) -> list[str]:
        out = []
        url = f"/moments/{w.moment.pk}/check/"
        for value in values:
            response = w.client("bob").post(url, {"text": text or value})
            out += page_problems(response, value, f"{_named(value)}: POST {url}")
            api = w.client("bob").post(
                "/api/check/", json.dumps({"text": text or value}), content_type="application/json"
            )
            if api.status_code != 200:
                out.append(f"{_named(value)}: /api/check/ answered {api.status_code}")
        return out

    return run


# --- the forms ------------------------------------------------------------------------------

Data = Callable[[World], dict[str, Any]]


@dataclass
class Form:
    name: str
    user: str
    url: Callable[[World], str]
    fields: list[str]
    sinks: list[Sink] = field(default_factory=list)
    data: Data | None = None  # None: what the page's own form holds (for edit screens)
    extra: dict[str, Any] = field(default_factory=dict)  # on top of `data`
    ok: Callable[[Any], bool] = lambda r: r.status_code in (301, 302)
    # "update": each value replaces the last, so the sinks look after every value;
    # otherwise each value makes a new object and the sinks look once, at all of them.
    updates: bool = False
    setup: Callable[[World], None] | None = None  # once
    each: Callable[[World], None] | None = None  # before every value
    # how the value goes into a field (a cell of a pasted CSV, say); default: as it is
    wrap: dict[str, Callable[[str], str]] = field(default_factory=dict)
    # errors a view shows other than as form errors (messages, an import report)
    more_errors: Callable[[Any], dict[str, list[str]]] | None = None

    def base(self, w: World) -> dict[str, Any]:
        if self.data is not None:
            data = self.data(w)
        else:
            data = initial_data(w.client(self.user).get(self.url(w)))
        return {**data, **self.extra}


def _moment_data(w: World) -> dict[str, Any]:
    from zichtbaar.moments.models import MomentType

    return {
        "type": MomentType.objects.get(org=None, key="event").pk,
        "title": "Sweep moment",
        "what_happened": "We held an open day.",
        "facts_who": "team Engineering",
        "facts_what": "an open day",
        "facts_where": "Utrecht",
        "happened_on": "2026-11-20",
        "link": "https://acme.test/open-day",
        "client_name": "",
    }


MOMENT_FIELDS = [
    "title",
    "what_happened",
    "facts_who",
    "facts_what",
    "facts_where",
    "client_name",
    "link",
    "happened_on",
]


def _type_data(w: World) -> dict[str, Any]:
    from zichtbaar.compose.suggestions import all_angles
    from zichtbaar.moments.templatetags.moment_icons import TYPE_ICONS

    n = w.notes["types"] = w.notes.get("types", 0) + 1  # names are unique per organisation
    return {
        "name_nl": f"Open dag {n}",
        "name_en": f"Open day {n}",
        "description_nl": "Een open dag",
        "description_en": "An open day",
        "icon": TYPE_ICONS[0],
        "angles": all_angles("en")[:3],
    }


def _new_version(w: World) -> None:
    """A draft version with one section, copied from the last one when there is one."""
    from zichtbaar.guideline import services
    from zichtbaar.guideline.models import GuidelineSection

    version = services.new_version(w.acme, w.alice)
    if not version.sections.exists():
        GuidelineSection.objects.create(
            version=version,
            key="clients",
            title_nl="Klanten",
            title_en="Clients",
            encouraged_nl="Noem klanten die dat goed vinden.",
            encouraged_en="Name clients who agreed.",
            position=1,
        )
    w.notes["version"] = version


SECTION_FIELDS = [
    f"sections-0-{f}"
    for f in ("key", "title_nl", "title_en", "encouraged_nl", "encouraged_en", "avoid_nl")
]


def _survey_setup(w: World) -> None:
    from zichtbaar.surveys import services

    w.notes["survey"] = services.create_survey(
        w.acme, title_en="Ours", title_nl="Van ons", blocks=["willingness", "barriers", "comment"]
    )


def _open_surveys(w: World, values: list[str]) -> list[str]:
    """The surveys opened: comms' screens, the employees' list and the anonymous pages."""
    from zichtbaar.surveys import services
    from zichtbaar.surveys.models import Survey

    targets: list[tuple[str, str | Callable[[World], str]]] = [("alice", "/comms/surveys/")]
    for survey in Survey.objects.filter(org=w.acme):
        targets += [
            ("alice", f"/comms/surveys/{survey.pk}/"),
            ("alice", f"/comms/surveys/{survey.pk}/items/"),
        ]
    out = pages(*targets)(w, values)
    targets = [("bob", "/surveys/")]
    for survey in Survey.objects.filter(org=w.acme):
        services.set_status(survey, Survey.Status.OPEN)
        targets += [("anonymous", f"/s/{survey.token}/")]
        targets += [
            ("anonymous", f"/s/{survey.token}/?page={n}") for n in range(1, len(survey.blocks) + 1)
        ]
    return out + pages(*targets)(w, values)


def _new_invitation(w: World) -> None:
    from zichtbaar.orgs.models import Invitation

    n = w.notes["invited"] = w.notes.get("invited", 0) + 1
    w.notes["invitation"] = Invitation.objects.create(org=w.acme, email=f"new{n}@acme.test")
    w.clients.pop("anonymous", None)  # not signed in as the last new person


def _back_to_comms(w: World) -> None:
    from zichtbaar.moments.models import MomentStatus

    w.submitted.status = MomentStatus.SUBMITTED
    w.submitted.save()


def _acknowledged(w: World) -> None:
    from zichtbaar.guideline import services

    version = services.publish_version(services.new_version(w.acme, w.alice))
    services.acknowledge(w.bob, version)


def _ok_with_result(response: Any) -> bool:
    return response.status_code == 200 and response.context.get("result") is not None


def _quiet_saved(response: Any) -> bool:
    from zichtbaar.guideline.models import QuietPeriod

    return response.status_code == 302 and QuietPeriod.objects.filter(
        pk__in=[m.pk for m in QuietPeriod.objects.all()]
    ).count() > response.wsgi_request.__dict__.setdefault("_sweep_quiet", 0)


def _quiet_errors(response: Any) -> dict[str, list[str]]:
    """The quiet period's errors come back as messages ("Label: error") after the redirect."""
    from django.contrib.messages import get_messages

    from zichtbaar.guideline.forms import QuietPeriodForm

    labels = {str(f.label): name for name, f in QuietPeriodForm().fields.items()}
    out: dict[str, list[str]] = {}
    for message in get_messages(response.wsgi_request):
        label, _sep, text = str(message).partition(": ")
        if label in labels:
            out.setdefault(labels[label], []).append(text)
    return out


def _report_errors(response: Any) -> dict[str, list[str]]:
    report = response.context.get("report") if response.context else None
    return {"text": [str(e) for e in report.errors]} if report and report.errors else {}


def _review_errors(response: Any) -> dict[str, list[str]]:
    """The check comms see before publishing: a finding is a clear error for every posted field
    that holds what it found (e.g. an e-mail address in a text)."""
    review = response.context.get("review") if response.context else None
    if not review or not review.blocking:
        return {}
    posted = response.wsgi_request.POST
    out: dict[str, list[str]] = {}
    for finding in review.findings:
        for name in MOMENT_FIELDS:
            if finding.excerpt and finding.excerpt.casefold() in posted.get(name, "").casefold():
                out.setdefault(name, []).append(finding.message)
    return out


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


FORMS: list[Form] = [
    Form(
        "comms: new moment",
        "alice",
        lambda w: "/comms/moments/new/",
        MOMENT_FIELDS,
        [moments_everywhere],
        # The client may be named: the hostile value is also the client's name, and a moment whose
        # texts name a client who may not be named is (rightly) refused publication by the check.
        data=lambda w: {
            **_moment_data(w),
            "audience_everyone": "on",
            "publish": "1",
            "client_name": "Sweep client",
            "client_may_be_named": "on",
        },
        more_errors=_review_errors,
    ),
    Form(
        "comms: edit moment",
        "alice",
        lambda w: f"/comms/moments/{w.moment.pk}/edit/",
        MOMENT_FIELDS,
        # every other place a moment shows is swept through "comms: new moment"
        [pages(("alice", lambda w: f"/comms/moments/{w.moment.pk}/"), ("bob", "/"))],
        # Published: a save is a publication, so the check's findings count as errors here too.
        data=lambda w: {
            **_moment_data(w),
            "audience_everyone": "on",
            "client_name": "Sweep client",
            "client_may_be_named": "on",
        },
        updates=True,
        more_errors=_review_errors,
    ),
    Form(
        "employee: suggest a moment",
        "bob",
        lambda w: "/moments/submit/",
        MOMENT_FIELDS,
        [approve_then_pages],
        data=_moment_data,
    ),
    Form(
        "comms: return with a comment",
        "alice",
        lambda w: f"/comms/moments/{w.submitted.pk}/return/",
        ["comment"],
        [
            pages(
                ("bob", "/moments/mine/"),
                ("bob", lambda w: f"/moments/mine/{w.submitted.pk}/edit/"),
            )
        ],
        data=lambda w: {"comment": "Please add a date."},
        updates=True,
        each=_back_to_comms,
    ),
    Form(
        "comms: new moment type",
        "alice",
        lambda w: "/comms/types/",
        ["name_nl", "name_en", "description_nl", "description_en", "icon"],
        [pages(("alice", "/comms/types/"), ("bob", "/moments/submit/")), share_with_new_types],
        data=_type_data,
    ),
    Form(
        "onboarding: network",
        "bob",
        lambda w: "/welcome/2/",
        ["job_title", "connections", "followers"],
        [pages(("bob", "/me/"), ("alice", "/comms/people/"))],
        data=lambda w: {"connections": "640", "followers": "10", "job_title": "Engineer"},
        updates=True,
    ),
    Form(
        "onboarding: language and barrier",
        "bob",
        lambda w: "/welcome/1/",
        ["language"],
        data=lambda w: {"language": "en"},
        updates=True,
    ),
    Form(
        "onboarding: barrier",
        "bob",
        lambda w: "/welcome/3/",
        ["barrier", "consent_tracking"],
        data=lambda w: {"barrier": "value", "consent_tracking": "on"},
        updates=True,
    ),
    Form(
        "profile",
        "bob",
        lambda w: "/me/",
        ["job_title", "expertise_text", "connections", "language", "barrier"],
        [
            pages(
                ("bob", "/me/"),
                ("bob", lambda w: f"/moments/{w.moment.pk}/"),  # expertise becomes hashtags
                ("bob", "/privacy/my-data/"),
                ("alice", "/comms/people/"),
                ("alice", lambda w: f"/comms/nudges/preview/{w.membership('bob').pk}/"),
            )
        ],
        data=lambda w: {
            "language": "nl",
            "job_title": "Engineer",
            "connections": "400",
            "followers": "0",
            "barrier": "relevance",
            "consent_tracking": "on",
            "expertise_text": "cloud, data",
        },
        updates=True,
    ),
    Form(
        "comms: invite a person",
        "alice",
        lambda w: "/comms/people/",
        ["email", "role", "team"],  # none of them takes a hostile value
        data=lambda w: {"email": f"new.{len(w.notes)}@acme.test", "role": "employee"},
    ),
    Form(
        "accept an invitation",
        "anonymous",
        lambda w: f"/invite/{w.notes['invitation'].token}/",
        ["name"],
        [
            pages(
                ("alice", "/comms/people/"),
                ("alice", "/comms/nudges/"),
                ("alice", "/comms/impact/"),
            ),
            exports,
        ],
        data=lambda w: {"name": "New Person", "password": "a long enough passphrase 42"},
        each=_new_invitation,
    ),
    Form(
        "comms: publish a guideline",
        "alice",
        lambda w: f"/comms/guideline/{w.notes['version'].pk}/",
        ["title_nl", "title_en", "intro_nl", "intro_en", "summary_nl", "summary_en"]
        + SECTION_FIELDS,
        [
            pages(
                ("bob", "/guideline/"),
                ("alice", "/comms/guideline/"),
                ("alice", lambda w: f"/comms/guideline/{w.notes['version'].pk}/"),
            ),
            compose_with("Trots op ons werk!"),
        ],
        extra={"publish": "1"},
        each=_new_version,
        updates=True,
    ),
    Form(
        "comms: check settings",
        "alice",
        lambda w: "/comms/rules/",
        ["settings-internal_hosts", "settings-allowed_hosts", "settings-disclosure_phrases"],
        [
            pages(("alice", "/comms/rules/")),
            compose_with("Trots! https://intranet.acme.test/x en https://evil.example/y"),
        ],
        extra={"settings-max_hashtags": "5"},
        updates=True,
    ),
    Form(
        "comms: confidential terms",
        "alice",
        lambda w: "/comms/rules/upload/terms/",
        ["text"],
        [pages(("alice", "/comms/rules/")), compose_with()],
        data=lambda w: {"text": "Zilverstorm"},
        more_errors=_report_errors,
    ),
    Form(
        "comms: client register",
        "alice",
        lambda w: "/comms/rules/upload/clients/",
        ["text"],
        [pages(("alice", "/comms/rules/")), compose_with()],
        data=lambda w: {"text": "name,may_be_named\nBakkerij Utrecht,yes"},
        wrap={"text": lambda v: f"name,may_be_named\n{_csv_cell(v)},no"},
        more_errors=_report_errors,
    ),
    Form(
        "comms: quiet period",
        "alice",
        lambda w: "/comms/rules/quiet/",
        ["reason", "starts_at", "ends_at"],
        [pages(("alice", "/comms/rules/")), compose_with("Trots op ons werk!")],
        data=lambda w: {
            "starts_at": "2020-01-01T00:00",
            "ends_at": "2099-01-01T00:00",
            "reason": "Annual results",
        },
        ok=lambda r: r.status_code == 302 and not _quiet_errors(r),
        more_errors=_quiet_errors,
    ),
    Form(
        "comms: try a text",
        "alice",
        lambda w: "/comms/rules/try/",
        ["text", "language"],
        data=lambda w: {"text": "Trots!", "language": "en"},
        ok=_ok_with_result,
    ),
    Form(
        "compose: open in LinkedIn",
        "bob",
        lambda w: f"/moments/{w.moment.pk}/linkedin/",
        ["text"],
        data=lambda w: {"text": "Trots op ons werk!", "confirm": "1"},
        setup=_acknowledged,
    ),
    Form(
        "compose: record a share",
        "bob",
        lambda w: f"/moments/{w.moment.pk}/shared/",
        ["text", "post_url", "angle"],
        [
            pages(
                ("bob", lambda w: f"/moments/{w.moment.pk}/"),
                ("bob", "/me/impact/"),
                ("bob", "/privacy/my-data/"),
                ("alice", "/comms/impact/"),
            ),
            exports,
        ],
        data=lambda w: {
            "text": "Trots!",
            "post_url": "https://www.linkedin.com/posts/bob-1",
            "angle": "",
        },
    ),
    Form(
        "comms: new survey",
        "alice",
        lambda w: "/comms/surveys/new/",
        ["title_en", "title_nl", "closes_at", "blocks"],
        [_open_surveys],
        data=lambda w: {
            "title_en": "Ours",
            "title_nl": "Van ons",
            "blocks": ["willingness", "comment"],
        },
    ),
    Form(
        "comms: own survey question",
        "alice",
        lambda w: f"/comms/surveys/{w.notes['survey'].pk}/items/",
        ["text_en", "text_nl", "options_en", "options_nl", "block", "kind"],
        [_open_surveys],
        data=lambda w: {
            "action": "add",
            "block": "willingness",
            "kind": "choice",
            "text_en": "Which channel?",
            "text_nl": "Welk kanaal?",
            "options_en": "Slack\nTeams",
            "options_nl": "Slack\nTeams",
        },
        setup=_survey_setup,
    ),
    Form(
        "notification preferences",
        "bob",
        lambda w: "/me/notifications/",
        # none of them takes a hostile value
        ["frequency", "max_per_week", "quiet_start", "quiet_end", "language", "quiet_days"],
        data=lambda w: {
            "email": "on",
            "frequency": "weekly",
            "max_per_week": "2",
            "quiet_start": "21:00",
            "quiet_end": "07:30",
            "quiet_days": ["6"],
            "language": "en",
        },
        updates=True,
    ),
    Form(
        "comms: chat webhook",
        "alice",
        lambda w: "/comms/nudges/webhooks/new/",
        ["name", "url", "kind", "language"],
        [pages(("alice", "/comms/nudges/webhooks/"))],
        data=lambda w: {
            "name": "#news",
            "kind": "slack",
            "url": "https://hooks.slack.com/services/T/B/sweep",
            "language": "en",
            "is_active": "on",
        },
    ),
    Form(
        "comms: reach assumptions",
        "alice",
        lambda w: "/comms/impact/assumptions/",
        ["source", "organic_reach_low", "overlap"],
        [
            pages(("alice", "/comms/impact/assumptions/"), ("alice", "/comms/impact/")),
            exports,
        ],
        data=lambda w: {
            "organic_reach_low": "2",
            "organic_reach_high": "8",
            "overlap": "30",
            "source": "Our own guess",
        },
        updates=True,
    ),
    Form(
        "delete my account",
        "bob",
        lambda w: "/privacy/delete/",
        ["email"],
        data=lambda w: {"email": "someone.else@acme.test"},  # never deletes in this sweep
        ok=lambda r: False,
    ),
]
FORMS_BY_NAME = {f.name: f for f in FORMS}


# --- the sweep ------------------------------------------------------------------------------


def _post(w: World, form: Form, data: dict[str, Any]) -> Any:
    client = w.client(form.user)
    client.cookies.pop("messages", None)  # only this answer's messages count
    return client.post(form.url(w), data)


def _hidden(response: Any, key: str) -> bool:
    """A hidden input is not something a person types into: its error needn't show."""
    for form in _forms_in(response.context):
        for name, f in form.fields.items():
            if form.add_prefix(name) == key:
                return isinstance(f.widget, forms.HiddenInput)
    return False


def post_value(w: World, form: Form, value: str) -> tuple[list[str], bool]:
    """Post the value into every field at once; the fields that refuse it with a field error get
    their valid value back and the rest is posted again, until the form saves.

    Returns the problems and whether some field took the value."""
    base = form.base(w)
    problems: list[str] = []
    attacked = list(form.fields)
    while attacked:
        data = {**base, **{f: form.wrap.get(f, str)(value) for f in attacked}}
        response = _post(w, form, data)
        if response.status_code >= 500:
            culprits = [
                f
                for f in attacked
                if len(attacked) == 1
                or _post(w, form, {**base, f: form.wrap.get(f, str)(value)}).status_code >= 500
            ]
            return [
                *problems,
                f"POST {form.url(w)} answered {response.status_code} (fields {culprits})"
                f"{_where(response)}",
            ], False
        problems += page_problems(response, value, f"POST {form.url(w)}")
        if form.ok(response):
            return problems, True
        errors = field_errors(response)
        if form.more_errors:
            errors.update(form.more_errors(response))
        refused = [f for f in attacked if f in errors]
        if not refused:
            problems.append(
                f"answered {response.status_code} with no error on {attacked} and did not save"
                f" (errors: {errors})"
            )
            return problems, False
        if response.status_code != 302:
            html = response.content.decode("utf-8", "replace")
            problems += [
                f"{f}: its error {errors[f]} is not shown"
                for f in refused
                if not _hidden(response, f) and not any(escape(m) in html for m in errors[f])
            ]
        attacked = [f for f in attacked if f not in refused]
    return problems, False


@pytest.mark.parametrize("form_name", list(FORMS_BY_NAME))
def test_hostile_values_are_refused_or_shown_harmlessly(world, form_name):
    form = FORMS_BY_NAME[form_name]
    if form.setup:
        form.setup(world)
    problems: list[str] = []
    stored: list[str] = []
    for name, value in CORPUS.items():
        if form.each:
            form.each(world)
        found, saved = post_value(world, form, value)
        if saved:
            stored.append(value)
            if form.updates:
                for sink in form.sinks:
                    found += sink(world, [value])
        problems += [f"[{name}] {p}" for p in found]
    if stored and not form.updates:
        for sink in form.sinks:
            problems += sink(world, stored)
    assert stored or not form.sinks, f"{form_name}: no value was stored, so nothing was shown"
    assert not problems, f"{form_name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("form_name", [f.name for f in FORMS if f.user != "anonymous"])
def test_a_megabyte_in_the_first_text_field_is_a_field_error(world, form_name):
    form = FORMS_BY_NAME[form_name]
    for prepare in (form.setup, form.each):
        if prepare:
            prepare(world)
    key = form.fields[0]
    response = _post(world, form, {**form.base(world), key: form.wrap.get(key, str)(MEGABYTE)})
    assert response.status_code in (200, 302, 400), (form_name, response.status_code)
    errors = field_errors(response)
    if form.more_errors:
        errors.update(form.more_errors(response))
    assert key in errors, f"{form_name}: a megabyte in {key} gave no field error ({errors})"


@pytest.mark.parametrize("form_name", list(FORMS_BY_NAME))
def test_bytes_that_are_not_utf8_never_make_a_server_error(world, form_name):
    from urllib.parse import quote_from_bytes, urlencode

    form = FORMS_BY_NAME[form_name]
    for prepare in (form.setup, form.each):
        if prepare:
            prepare(world)
    key = form.fields[0]
    base = {k: v for k, v in form.base(world).items() if k != key}
    body = urlencode(base, doseq=True) + "&" + quote_from_bytes(key.encode()) + "="
    body += quote_from_bytes(hostile.BAD_UTF8 + b" and \xc0\xaf")
    response = world.client(form.user).post(
        form.url(world), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code < 500, (form_name, response.status_code, _where(response))


# --- a people import whose cells are hostile ------------------------------------------------


def test_a_people_import_with_a_nul_character_is_refused_plainly(
    world, django_capture_on_commit_callbacks
):
    from zichtbaar.orgs.models import ImportJob, Membership

    data = b"email,name,team\np0@acme.test,a\x00b,Sales\n"
    client = world.client("alice")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/comms/people/import/", {"file": SimpleUploadedFile("people.csv", data)}
        )
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert status.status_code == 200
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED
    assert "not a text file" in status.content.decode()
    assert not Membership.objects.filter(user__email="p0@acme.test").exists()


def test_a_people_import_with_hostile_cells_is_shown_and_exported_harmlessly(
    world, django_capture_on_commit_callbacks
):
    from zichtbaar.orgs.models import ImportJob, Membership

    rows = ["email,name,team,role,language,connections,followers,job_title"]
    # A NUL makes the file binary to the CSV reader: the next test shows it is refused plainly.
    corpus = {k: v for k, v in CORPUS.items() if "\x00" not in v}
    for n, value in enumerate(corpus.values()):
        cell = _csv_cell(value[:100])  # longer names are refused (and then the whole file)
        rows.append(f"p{n}@acme.test,{cell},{cell},employee,en,{n + 100},{n},{cell}")
        rows.append(f"q{n}@acme.test,Colleague {n},{cell},employee,en,{n + 100},0,x")  # 2 per team
    upload = SimpleUploadedFile("people.csv", "\n".join(rows).encode())
    client = world.client("alice")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/comms/people/import/", {"file": upload})
    assert response.status_code == 302, response.status_code
    job = ImportJob.objects.get()
    # Every team in the file is new: the status page lists them (hostile names included) and
    # waits for one confirmation before importing anything.
    problems = page_problems(client.get(response["Location"]), "", "the new teams to confirm")
    assert ImportJob.objects.get().status == ImportJob.Status.CONFIRM
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{response['Location']}confirm/")
    job = ImportJob.objects.get()
    problems += page_problems(client.get(response["Location"]), "", "the import's status")
    imported = Membership.objects.filter(org=world.acme, user__email__startswith="p")
    refused = len(corpus) - imported.count()
    assert refused == 0, f"{refused} rows were refused: {job.__dict__}"
    # as every form does (Django refuses NUL in form fields): PostgreSQL can't store it at all
    for m in imported.select_related("user__profile", "team"):
        stored = {"name": m.user.name, "team": m.team.name, "job_title": m.user.profile.job_title}
        problems += [
            f"row {m.user.email}: {column} was stored with a NUL character"
            for column, text in stored.items()
            if "\x00" in text
        ]
    values = list(corpus.values())
    targets: list[tuple[str, str | Callable[[World], str]]] = [
        ("alice", "/comms/people/"),
        ("alice", "/comms/impact/"),
        ("alice", "/comms/nudges/"),
        ("alice", "/comms/moments/new/"),  # the teams of the audience
    ]
    targets += [("alice", f"/comms/impact/?team={m.team_id}") for m in imported]
    targets += [("alice", f"/comms/nudges/preview/{m.pk}/") for m in imported]
    problems += pages(*targets)(world, values) + exports(world, values)
    for m in imported[:3]:
        team = f"?team={m.team_id}"
        for url in (f"/comms/impact/export.csv{team}", f"/comms/impact/export.xlsx{team}"):
            answer = client.get(url)
            reader = hostile.csv_problems if url.endswith(".csv" + team) else hostile.xlsx_problems
            problems += [f"{url}: {p}" for p in reader(answer.content)]
    assert not problems, "\n".join(problems)


# --- the JSON API ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["text", "lang", "moment"])
def test_the_check_api_answers_json_for_every_hostile_value(world, key):
    client = world.client("bob")
    problems = []
    for name, value in [*CORPUS.items(), ("megabyte", MEGABYTE)]:
        body = {"text": "Trots op ons werk!", key: value}
        response = client.post("/api/check/", json.dumps(body), content_type="application/json")
        if response.status_code not in (200, 400) or "json" not in response["Content-Type"]:
            problems.append(f"{name}: {response.status_code} {response['Content-Type']}")
        elif response.status_code == 400 and key not in response.json()["errors"]:
            problems.append(f"{name}: 400 without an error for {key}: {response.json()}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,
        '{"text": ' * 100_000,
        '{"text": "x", "moment": ' + "[" * 100_000 + "]" * 100_000 + "}",
        hostile.BAD_UTF8,
        b'{"text": "' + hostile.BAD_UTF8 + b'"}',
        '{"text": "\\ud800 lone surrogate"}',
        '{"text": "a\\u0000b"}',
        '{"text": "x", "text": ["duplicate key"]}',
    ],
    ids=[
        "nested arrays",
        "nested objects",
        "nested moment",
        "bad utf8",
        "bad utf8 in text",
        "lone surrogate",
        "nul",
        "duplicate key",
    ],
)
def test_the_check_api_never_answers_500_to_a_malformed_body(world, body):
    response = world.client("bob").post("/api/check/", body, content_type="application/json")
    assert response.status_code in (200, 400), (response.status_code, _where(response))
    assert "json" in response["Content-Type"]


# --- query strings --------------------------------------------------------------------------

GET_PARAMS = [
    ("bob", "/impact/sum/", "people"),
    ("bob", "/impact/sum/", "connections"),
    ("alice", "/comms/impact/", "team"),
    ("alice", "/comms/impact/", "period"),
    ("alice", "/comms/impact/export.csv", "period"),
    ("alice", "/comms/moments/", "status"),
    ("bob", "/guideline/", "next"),
    ("bob", "/", "angle"),
    ("anonymous", "/accounts/login/", "next"),
]


@pytest.mark.parametrize(("who", "url", "param"), GET_PARAMS)
def test_a_hostile_query_parameter_never_makes_a_server_error(world, who, url, param):
    client = world.client(who)
    problems = []
    for name, value in CORPUS.items():
        response = client.get(url, {param: value})
        problems += page_problems(response, value, f"[{name}] GET {url}?{param}=")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("url", "param"), [("/language/", "language"), ("/switch/", "org")])
def test_a_hostile_language_or_organisation_switch_is_refused(world, url, param):
    client = world.client("bob")
    for name, value in CORPUS.items():
        response = client.post(url, {param: value, "next": value})
        assert response.status_code in (302, 400, 404), (name, response.status_code)
        if response.status_code == 302:  # never off the site, whatever `next` says
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//"), (name, location)


# --- a survey report with hostile questions and comments ----------------------------------


REPORT_VALUES = ["script", "formula_hyperlink", "mathtext", "nul"]


@pytest.mark.parametrize("value_name", REPORT_VALUES)
def test_a_survey_report_shows_hostile_questions_and_comments_harmlessly(world, value_name):
    from zichtbaar.surveys import editing, services
    from zichtbaar.surveys.models import Survey

    value = CORPUS[value_name]
    # The survey editor's forms refuse NUL like every form (PostgreSQL cannot store it); the
    # respondents' answers below still try it.
    built = value.replace("\x00", "")
    survey = services.create_survey(
        world.acme, title_en=built, title_nl=built, blocks=["willingness", "comment"]
    )
    editing.add_item(
        survey,
        block="willingness",
        kind="choice",
        text_en=built,
        text_nl=built,
        options_en=[built, "Teams"],
        options_nl=[built, "Teams"],
    )
    survey.refresh_from_db()
    services.set_status(survey, Survey.Status.OPEN)
    url = f"/s/{survey.token}/"
    for n in range(11):  # comments are shown from 10 respondents on
        respondent = Client()
        for page, block in enumerate(survey.blocks, start=1):
            data: dict[str, Any] = {"page": page, "action": "next"}
            for item in block["items"]:
                field_ = _answer_for(survey, item)
                data[item["id"]] = value if field_ == "text" else field_
            response = respondent.post(url, data)
            if response.status_code == 200 and response.context["form"].errors:
                # refused with a field error (a NUL, say): the answer goes without it
                data = {k: ("text" if v == value else v) for k, v in data.items()}
                response = respondent.post(url, data)
            assert response.status_code == 302, (n, page, response.status_code)
    services.set_status(survey, Survey.Status.CLOSED)
    client = world.client("alice")
    report = client.get(f"/comms/surveys/{survey.pk}/report/")
    problems = page_problems(report, value, "the report")
    assert report.status_code == 200
    xlsx = client.get(f"/comms/surveys/{survey.pk}/report.xlsx")
    assert xlsx.status_code == 200, (xlsx.status_code, _where(xlsx))
    problems += hostile.xlsx_problems(xlsx.content)
    assert not problems, "\n".join(problems)


def _answer_for(survey: Any, item: dict[str, Any]) -> str:
    """A valid answer for an item: "text" for open questions, else its first choice."""
    from zichtbaar.surveys.forms import BlockForm

    form = BlockForm(block={"items": [item]}, instrument=survey.instrument, lang="en")
    f = form.fields[item["id"]]
    if isinstance(f, forms.BooleanField):
        return "on"
    if isinstance(f, forms.ChoiceField):
        return str(list(f.choices)[-1][0])
    return "text"


# --- found by the sweep -----------------------------------------------------------------------


def test_a_section_added_in_two_tabs_is_a_field_error_not_a_server_error(world):
    """Two tabs of the same draft each add a section "clients": the second save is refused with
    a message, not a 500 (the formset checks keys among its own forms, not the stored ones)."""
    _new_version(world)
    version = world.notes["version"]
    client = world.client("alice")
    stale = initial_data(client.get(f"/comms/guideline/{version.pk}/"))
    n = int(stale["sections-TOTAL_FORMS"]) - 1  # the empty form for a new section
    stale.update(
        {
            f"sections-{n}-key": "ethics",
            f"sections-{n}-title_nl": "Ethiek",
            f"sections-{n}-title_en": "Ethics",
            f"sections-{n}-encouraged_nl": "x",
            f"sections-{n}-encouraged_en": "x",
            f"sections-{n}-position": "5",
        }
    )
    assert client.post(f"/comms/guideline/{version.pk}/", stale).status_code == 302
    second = client.post(f"/comms/guideline/{version.pk}/", stale)  # the other tab
    assert second.status_code == 400, (second.status_code, _where(second))
    assert version.sections.filter(key="ethics").count() == 1


# --- the checks themselves --------------------------------------------------------------------


def test_the_checks_see_what_they_look_for():
    """So a passing sweep means something: each check flags the harm it is meant to find."""
    script = CORPUS["script"]
    assert hostile.html_problems(f"<p>{script}</p>", script)
    assert not hostile.html_problems(f"<p>{escape(script)}</p>", script)
    link = CORPUS["js_link"]
    assert hostile.html_problems('<a href="javascript:alert(1)">x</a>', link)
    assert hostile.csv_problems(b"name\n=1+1\n") and not hostile.csv_problems(b"name\n'=1+1\n")
    assert hostile.ics_problems("SUMMARY:x\r\nATTENDEE:mailto:evil@evil.example\r\n")
    assert not hostile.ics_problems("SUMMARY:x\\nATTENDEE:mailto:evil@evil.example\r\n")
    assert hostile.text_lines_problems("x\r\nBcc: evil@evil.example", CORPUS["crlf"])
    raw = {"text": "<!channel>", "blocks": [{"text": {"text": "*bold* <https://x|click>"}}]}
    assert len(hostile.slack_problems(raw)) >= 3
    card = {"attachments": [{"content": {"body": [{"text": "[x](https://evil.example)"}]}}]}
    assert hostile.teams_problems(card)
