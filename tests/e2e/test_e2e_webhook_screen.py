"""The chat channels screen in the browser: comms add a Slack webhook, send a test, see it sent."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.nudges.conftest import hook  # noqa: F401 (the local webhook receiver fixture)


def test_comms_add_a_slack_webhook_and_send_a_test(
    alice,
    hook,  # noqa: F811
    site,
    new_page,
    sign_in,
    screenshot,
):
    from zichtbaar.nudges.models import Kind, Message, Status, Webhook

    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/nudges/")
    page.locator("main").get_by_role("link", name="Slack and Teams channels").click()
    expect(page.get_by_role("heading", name="Slack and Teams channels", level=1)).to_be_visible()
    page.get_by_role("link", name="Add a channel").click()

    # A mistake first: an address that is not Slack's is explained at the field.
    page.get_by_label("Name").press_sequentially("#nieuws", delay=10)
    page.get_by_label("Service").select_option("slack")
    address = page.get_by_label("Incoming webhook URL")
    address.press_sequentially("https://example.org/hook", delay=5)
    page.get_by_role("button", name="Add channel").click()
    expect(page.locator("#id_url_errors")).to_contain_text("hooks.slack.com")
    expect(address).to_have_attribute("aria-invalid", "true")

    address.fill("")
    address.press_sequentially(hook.url, delay=5)  # the local server (http: tests only)
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_role("status").first).to_contain_text("Added “#nieuws”")
    card = page.get_by_role("article").filter(has=page.get_by_role("heading", name="#nieuws"))
    expect(card).to_contain_text("Active")
    expect(card).to_contain_text("127.0.0.1:")
    expect(card).not_to_contain_text("/hook")  # the address is masked: host and last 4 only

    with page.expect_response(
        lambda r: re.search(r"/webhooks/\d+/test/", r.url) is not None, timeout=30_000
    ):
        card.get_by_role("button", name="Send a test message").click()
    expect(card.get_by_role("status")).to_contain_text("Test message sent", timeout=15_000)
    expect(card.locator("dd").first).not_to_contain_text("Nothing yet")  # "Last sent" updated
    screenshot(page, "sent")

    assert len(hook.requests) == 1
    webhook = Webhook.objects.get()
    assert webhook.language == "nl"  # the organisation's language, as the form preselects
    assert hook.requests[0]["json"]["text"].startswith("Testbericht van Zichtbaar")
    assert webhook.name == "#nieuws" and webhook.url == hook.url
    assert Message.objects.get(kind=Kind.CHAT_TEST).status == Status.SENT

    # On a phone the screen still works: pause the channel.
    phone = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    sign_in(phone, alice.email)
    phone.goto(f"{site}/comms/nudges/webhooks/")
    expect(phone.get_by_text("Last sent")).to_be_visible()
    phone.get_by_role("button", name="Pause #nieuws").click()
    expect(phone.get_by_role("status").first).to_contain_text("paused")
    screenshot(phone, "phone")
    webhook.refresh_from_db()
    assert webhook.is_active is False
