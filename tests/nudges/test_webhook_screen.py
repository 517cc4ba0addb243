"""The comms screen for the organisation's Slack and Teams webhooks.

alice (comms at Acme) adds, changes, pauses and removes them and sends a test message that
goes through the outbox to a local HTTP server; bob (employee) may not; mallory's organisation's
webhook is invisible to Acme.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zichtbaar.nudges import chat, delivery
from zichtbaar.nudges.forms import webhook_url_problem
from zichtbaar.nudges.models import Kind, Message, Status, Webhook

SECRET = "T0AAA1111/B0BBB2222/xYz9SeCrEt0123456789wXyZ"
SLACK_URL = f"https://hooks.slack.com/services/{SECRET}"
TEAMS_URL = (
    "https://prod-12.westeurope.logic.azure.com:443/workflows/0a1b2c3d4e5f/triggers/manual/"
    "paths/invoke?api-version=2016-06-01&sig=TopSecretSignature1234"
)


@pytest.fixture
def slack(acme):
    return Webhook.objects.create(org=acme, name="#news", kind="slack", url=SLACK_URL)


@pytest.fixture
def theirs(other_org):
    return Webhook.objects.create(
        org=other_org, name="Their channel", kind="slack", url=SLACK_URL + "other"
    )


def _form(**fields):
    data = {"name": "#news", "kind": "slack", "url": SLACK_URL, "language": "nl"}
    data["is_active"] = "on"
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


# --- who may use it ------------------------------------------------------------------------


def test_only_comms_of_the_organisation(client, login, bob, alice, slack):
    urls = [
        "/comms/nudges/webhooks/",
        "/comms/nudges/webhooks/new/",
        f"/comms/nudges/webhooks/{slack.pk}/",
        f"/comms/nudges/webhooks/{slack.pk}/delete/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    employee = login(bob)
    for url in urls:
        assert employee.get(url).status_code == 403
    for action in ("pause", "resume", "delete", "test"):
        assert employee.post(f"/comms/nudges/webhooks/{slack.pk}/{action}/").status_code == 403
    assert employee.post("/comms/nudges/webhooks/new/", _form()).status_code == 403
    slack.refresh_from_db()
    assert slack.is_active and Webhook.objects.count() == 1 and not Message.objects.exists()
    page = login(alice).get("/comms/nudges/webhooks/")
    assert page.status_code == 200 and "#news" in page.content.decode()


def test_another_organisations_webhook_is_404(login, alice, slack, theirs):
    client = login(alice)
    listing = client.get("/comms/nudges/webhooks/").content.decode()
    assert "Their channel" not in listing
    base = f"/comms/nudges/webhooks/{theirs.pk}"
    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/", _form(name="Mine now")).status_code == 404
    assert client.get(f"{base}/delete/").status_code == 404
    for action in ("pause", "resume", "delete", "test"):
        assert client.post(f"{base}/{action}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Their channel" and theirs.is_active
    assert not Message.objects.filter(webhook=theirs).exists()
    # A test message of their webhook can't be read through ours either.
    row = Message.objects.create(
        org=theirs.org,
        webhook=theirs,
        key="chat_test:x",
        channel="slack",
        kind=Kind.CHAT_TEST,
        to=theirs.url,
        next_try_at=timezone.now(),
    )
    assert client.get(f"{base}/test/{row.pk}/").status_code == 404
    assert client.get(f"/comms/nudges/webhooks/{slack.pk}/test/{row.pk}/").status_code == 404


def test_the_outbox_and_the_navigation_link_to_the_screen(login, alice):
    html = login(alice).get("/comms/nudges/").content.decode()
    assert html.count('href="/comms/nudges/webhooks/"') == 2  # the navigation and the page


# --- adding, changing, validation ----------------------------------------------------------


def test_add_a_slack_webhook(login, alice, acme):
    client = login(alice)
    assert client.get("/comms/nudges/webhooks/new/").status_code == 200
    response = client.post("/comms/nudges/webhooks/new/", _form(language="en"))
    assert response.status_code == 302 and response["Location"] == "/comms/nudges/webhooks/"
    saved = Webhook.objects.get()
    assert (saved.org, saved.name, saved.kind, saved.url, saved.language, saved.is_active) == (
        acme,
        "#news",
        "slack",
        SLACK_URL,
        "en",
        True,
    )


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        ("slack", "", "This field is required."),
        ("slack", "hooks.slack.com/services/x", "Paste the whole address"),
        ("slack", "not a url at all", "Paste the whole address"),
        ("slack", "http://hooks.slack.com/services/x", "must start with https://"),
        ("slack", "ftp://hooks.slack.com/services/x", "Paste the whole address"),
        ("slack", "https://evilhooks.slack.com/services/x", "https://hooks.slack.com/"),
        ("slack", "https://hooks.slack.com.evil.test/services/x", "https://hooks.slack.com/"),
        ("slack", "https://user:pw@hooks.slack.com/services/x", "user name or password"),
        ("slack", "https://hooks.slack.com:8443/services/x", "standard port"),
        ("slack", TEAMS_URL, "https://hooks.slack.com/"),
        ("teams", SLACK_URL, "webhook.office.com"),
        ("teams", "https://webhook.office.com.evil.test/x", "webhook.office.com"),
        ("teams", "https://logic.azure.com/x", "logic.azure.com"),
    ],
)
def test_address_mistakes_are_explained_next_to_the_field(login, alice, kind, url, message):
    response = login(alice).post("/comms/nudges/webhooks/new/", _form(kind=kind, url=url))
    assert response.status_code == 400
    html = response.content.decode()
    form = response.context["form"]
    assert list(form.errors) == ["url"] and message in form.errors["url"][0]
    assert 'id="id_url_errors"' in html
    assert (
        'aria-describedby="id_url_errors id_url_helptext"' in html and 'aria-invalid="true"' in html
    )
    assert html.count("autofocus") == 1  # the cursor lands on the field to fix
    assert not Webhook.objects.exists()


def test_name_is_required_next_to_its_field(login, alice):
    response = login(alice).post("/comms/nudges/webhooks/new/", _form(name=""))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert 'id="id_name_errors"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        SLACK_URL,
        "https://hooks.slack.com/triggers/T0/123/abc",
        "https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456",
        TEAMS_URL,
        "https://default0a1b2c3d.12.environment.api.powerplatform.com:443/powerautomate/"
        "automations/direct/workflows/abc/triggers/manual/paths/invoke?sig=xyz",
    ],
)
def test_real_slack_and_teams_addresses_are_accepted(url):
    kind = "slack" if "slack" in url else "teams"
    assert webhook_url_problem(url, kind) is None


def test_local_http_only_in_development_and_tests(settings):
    assert webhook_url_problem("http://127.0.0.1:8765/hook", "slack") is None
    assert webhook_url_problem("http://localhost:8765/hook", "teams") is None
    assert "https://" in webhook_url_problem("http://192.168.1.5:8765/hook", "slack")
    settings.TESTING = settings.DEBUG = False
    assert "https://" in webhook_url_problem("http://127.0.0.1:8765/hook", "slack")
    assert "hooks.slack.com" in webhook_url_problem("https://localhost/hook", "slack")
    settings.DEBUG = True
    assert webhook_url_problem("http://127.0.0.1:8765/hook", "slack") is None


def test_an_operator_allows_extra_hosts(settings, monkeypatch):
    proxied = "https://chat.proxy.acme.example:8443/slack/abc"
    assert "hooks.slack.com" in webhook_url_problem(proxied, "slack")
    monkeypatch.setenv(
        "ZICHTBAAR_WEBHOOK_EXTRA_HOSTS", "gateway.acme.example, *.proxy.acme.example"
    )
    assert webhook_url_problem(proxied, "slack") is None
    assert webhook_url_problem("https://gateway.acme.example/teams", "teams") is None
    assert webhook_url_problem("https://proxy.acme.example/x", "slack") is not None  # only below
    assert "https://" in webhook_url_problem("http://gateway.acme.example/x", "slack")
    settings.ZICHTBAAR_WEBHOOK_EXTRA_HOSTS = []  # a Django setting wins over the environment
    assert webhook_url_problem(proxied, "slack") is not None


def test_edit_keeps_the_address_when_left_empty(login, alice, slack):
    client = login(alice)
    page = client.get(f"/comms/nudges/webhooks/{slack.pk}/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    response = client.post(
        f"/comms/nudges/webhooks/{slack.pk}/", _form(name="#general", url="", is_active=None)
    )
    assert response.status_code == 302
    slack.refresh_from_db()
    assert (slack.name, slack.url, slack.is_active) == ("#general", SLACK_URL, False)


def test_a_new_address_replaces_the_old_one_also_for_waiting_messages(login, alice, slack):
    waiting = Message.objects.create(
        org=slack.org,
        webhook=slack,
        key="announce:x",
        channel="slack",
        kind=Kind.ANNOUNCE,
        to=slack.url,
        next_try_at=timezone.now() + dt.timedelta(minutes=5),
    )
    new = "https://hooks.slack.com/services/T1/B2/NewSecretValue"
    client = login(alice)
    assert client.post(f"/comms/nudges/webhooks/{slack.pk}/", _form(url=new)).status_code == 302
    slack.refresh_from_db()
    waiting.refresh_from_db()
    assert slack.url == new and waiting.to == new
    # A mistake in a new address keeps the old one and says so at the field.
    bad = client.post(f"/comms/nudges/webhooks/{slack.pk}/", _form(url="https://example.org/x"))
    assert bad.status_code == 400 and list(bad.context["form"].errors) == ["url"]
    slack.refresh_from_db()
    assert slack.url == new


# --- the secret address is never shown -----------------------------------------------------


def test_the_address_is_masked_everywhere(login, alice, slack, acme):
    Message.objects.create(
        org=acme,
        webhook=slack,
        key="announce:failed",
        channel="slack",
        kind=Kind.ANNOUNCE,
        to=slack.url,
        status=Status.FAILED,
        attempts=1,
        claimed_at=timezone.now(),
        last_error=f"Slack: 404 no_service at {SLACK_URL}",
        next_try_at=timezone.now(),
    )
    client = login(alice)
    pages = [
        client.get("/comms/nudges/webhooks/"),
        client.get(f"/comms/nudges/webhooks/{slack.pk}/"),
        client.get(f"/comms/nudges/webhooks/{slack.pk}/delete/"),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert SECRET not in html and "/services/" not in html
        assert SECRET[:10] not in html and SECRET[-12:-4] not in html
    listing = pages[0].content.decode()
    assert "hooks.slack.com/…wXyZ" in listing
    assert "Slack: 404 no_service" in listing  # the last failure, with its reason
    assert "Active" in listing


# --- pause, resume, remove -----------------------------------------------------------------


def test_pause_and_resume_are_post_only(login, alice, slack, make_moment):
    client = login(alice)
    assert client.get(f"/comms/nudges/webhooks/{slack.pk}/pause/").status_code == 405
    assert client.post(f"/comms/nudges/webhooks/{slack.pk}/pause/").status_code == 302
    slack.refresh_from_db()
    assert not slack.is_active
    assert "Paused" in client.get("/comms/nudges/webhooks/").content.decode()
    make_moment(published_at=timezone.now())
    assert chat.queue_announcements(slack.org) == 0  # a paused channel hears nothing
    assert client.post(f"/comms/nudges/webhooks/{slack.pk}/resume/").status_code == 302
    slack.refresh_from_db()
    assert slack.is_active
    assert chat.queue_announcements(slack.org) == 1


def test_remove_asks_first_and_only_a_post_removes(login, alice, slack):
    client = login(alice)
    confirm = client.get(f"/comms/nudges/webhooks/{slack.pk}/delete/")
    assert confirm.status_code == 200
    assert "Yes, remove it" in confirm.content.decode()
    assert Webhook.objects.filter(pk=slack.pk).exists()
    response = client.post(f"/comms/nudges/webhooks/{slack.pk}/delete/")
    assert response.status_code == 302
    assert not Webhook.objects.filter(pk=slack.pk).exists()
    assert client.post(f"/comms/nudges/webhooks/{slack.pk}/delete/").status_code == 404


# --- a test message through the outbox -----------------------------------------------------


def test_a_test_message_reaches_the_channel_once(
    login,
    alice,
    acme,
    hook,
    django_capture_on_commit_callbacks,
):
    webhook = Webhook.objects.create(
        org=acme, name="Local", kind="slack", url=hook.url, language="en"
    )
    client = login(alice)
    url = f"/comms/nudges/webhooks/{webhook.pk}/test/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # the status, which polls itself until sent or failed
    assert 'data-hx-trigger="every 2s"' in response.content.decode()
    [request] = hook.requests  # delivered through the outbox once the transaction committed
    assert request["json"]["text"].startswith("Test message from Zichtbaar")
    assert "Acme" in request["json"]["blocks"][0]["text"]["text"]
    row = Message.objects.get(kind=Kind.CHAT_TEST)
    assert (row.status, row.webhook, row.channel, row.org) == (Status.SENT, webhook, "slack", acme)
    status = client.get(f"{url}{row.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        "Test message sent" in status and "data-hx-trigger" not in status
    )  # done: no more polling

    # A second click in the same minute is the same message: nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, HTTP_HX_REQUEST="true")
    assert "Test message sent" in again.content.decode()
    assert len(hook.requests) == 1 and Message.objects.filter(kind=Kind.CHAT_TEST).count() == 1

    listing = client.get("/comms/nudges/webhooks/").content.decode()
    assert "Nothing yet" not in listing  # the last sent time is shown
    assert hook.url not in listing


def test_test_message_key_is_per_webhook_and_minute(acme, hook):
    webhook = Webhook.objects.create(org=acme, name="Local", kind="teams", url=hook.url)
    at = dt.datetime(2026, 1, 7, 10, 0, 5, tzinfo=dt.UTC)
    first = chat.queue_chat_test(webhook, now=at)
    assert chat.queue_chat_test(webhook, now=at + dt.timedelta(seconds=40)) == first
    later = chat.queue_chat_test(webhook, now=at + dt.timedelta(minutes=1))
    assert later != first and later.key != first.key
    assert first.payload["type"] == "message"  # a Teams Adaptive Card
    card = first.payload["attachments"][0]["content"]
    assert "Acme" in card["body"][1]["text"]


def test_without_javascript_the_test_shows_a_status_page(login, alice, acme, hook):
    webhook = Webhook.objects.create(org=acme, name="Local", kind="slack", url=hook.url)
    client = login(alice)
    response = client.post(f"/comms/nudges/webhooks/{webhook.pk}/test/")  # not delivered yet
    row = Message.objects.get(kind=Kind.CHAT_TEST)
    assert response.status_code == 302
    assert response["Location"] == f"/comms/nudges/webhooks/{webhook.pk}/test/{row.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'aria-live="polite"' in page and "waiting to be sent" in page
    assert 'data-hx-trigger="every 2s"' in page  # with htmx, the status refreshes itself
    delivery.deliver(acme.pk)
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "Test message sent" in partial and "<html" not in partial
    assert len(hook.requests) == 1


def test_a_rejected_test_message_shows_the_reason(login, alice, acme, hook):
    webhook = Webhook.objects.create(org=acme, name="Local", kind="slack", url=hook.url)
    hook.responses = [(404, {})]
    client = login(alice)
    client.post(f"/comms/nudges/webhooks/{webhook.pk}/test/", HTTP_HX_REQUEST="true")
    delivery.deliver(acme.pk)
    row = Message.objects.get(kind=Kind.CHAT_TEST)
    assert row.status == Status.FAILED
    status = client.get(
        f"/comms/nudges/webhooks/{webhook.pk}/test/{row.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "was not delivered" in status and "Slack: 404" in status
    listing = client.get("/comms/nudges/webhooks/").content.decode()
    assert "Last failure" in listing and "Slack: 404" in listing


def test_a_test_message_waiting_for_a_retry_keeps_polling(login, alice, acme, hook):
    webhook = Webhook.objects.create(org=acme, name="Local", kind="slack", url=hook.url)
    hook.responses = [(503, {})]
    client = login(alice)
    client.post(f"/comms/nudges/webhooks/{webhook.pk}/test/")
    delivery.deliver(acme.pk)
    row = Message.objects.get(kind=Kind.CHAT_TEST)
    assert row.status == Status.QUEUED and row.attempts == 1
    status = client.get(
        f"/comms/nudges/webhooks/{webhook.pk}/test/{row.pk}/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "tried again" in status and "503" in status and 'data-hx-trigger="every 5s"' in status
    assert "Waiting to be tried again" in client.get("/comms/nudges/webhooks/").content.decode()
