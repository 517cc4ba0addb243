"""The integrations screens in the browser: comms add a webhook and see its delivery log, add
a news feed and find its items among the drafts."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.integrations.conftest import server  # noqa: F401 (the local HTTP server fixture)


def test_comms_add_a_webhook_copy_the_secret_and_see_deliveries(
    alice,
    acme,
    make_moment,
    server,  # noqa: F811
    site,
    new_page,
    sign_in,
    screenshot,
):
    from zichtbaar.integrations import webhooks
    from zichtbaar.integrations.models import Endpoint
    from zichtbaar.moments import services
    from zichtbaar.moments.models import MomentStatus

    server.routes["/hook"] = (200, {}, b"ok")
    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/integrations/")
    page.get_by_role("link", name="Add a webhook").click()
    address = page.get_by_label("Address that receives the events")
    address.fill("https://10.1.2.3/hook")
    page.get_by_label("A moment is published").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator("#id_url_errors")).to_contain_text("private network")

    address.fill(server.url("/hook"))
    page.get_by_label("Description").fill("Intranet")
    page.get_by_role("button", name="Add webhook").click()
    secret_box = page.get_by_label("Signing secret")
    expect(secret_box).to_have_value(Endpoint.objects.get().secret)
    screenshot(page, "secret")
    page.get_by_role("link", name="I have copied it").click()
    expect(page.get_by_role("heading", name="Intranet", level=1)).to_be_visible()
    expect(page.get_by_text("Nothing sent yet")).to_be_visible()

    services.publish(make_moment(status=MomentStatus.DRAFT, title="Open day"))
    assert len(server.requests) == 1
    secret = Endpoint.objects.get().secret
    seen = server.requests[0]
    import time

    assert webhooks.verify(
        secret, seen["headers"]["zichtbaar-signature"], seen["body"], time.time()
    )
    page.reload()
    row = page.get_by_role("row").filter(has_text="moment.published")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("200")
    screenshot(page, "log")


def test_comms_add_a_feed_and_find_its_items_as_drafts(
    alice,
    acme,
    server,  # noqa: F811
    site,
    new_page,
    sign_in,
    screenshot,
):
    server.routes["/feed"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Acme</title>'
        b"<link>https://acme.test/</link><description>News</description>"
        b"<item><guid>1</guid><title>Vacature: developer</title>"
        b"<link>https://acme.test/vacatures/1</link><description>Kom bij ons werken.</description></item>"
        b"</channel></rss>",
    )
    page = new_page()
    sign_in(page, alice.email)
    page.goto(f"{site}/comms/integrations/")
    page.get_by_role("link", name="Add a feed").click()
    page.get_by_label("Name").fill("Vacancies")
    page.get_by_label("Feed address (RSS or Atom)").fill(server.url("/feed"))
    page.get_by_label("Rule 1: the link or title contains").fill("vacature")
    page.get_by_label("Rule 1: then the type is").select_option("vacancy")
    page.get_by_role("button", name="Add feed").click()
    expect(page.locator("#feed-status")).to_contain_text("1 new draft.")
    screenshot(page, "feed")
    page.get_by_role("link", name="See the drafts in Moments").click()
    expect(page.get_by_text("Vacature: developer")).to_be_visible()
    screenshot(page, "drafts")
