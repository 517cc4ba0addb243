"""The accessibility audit itself (conftest.AxeAudit), and pages no other browser test visits.

Every browser test already runs axe-core on each page it opens; these tests check that the
audit finds what it should (also on a page the test leaves at once), and cover form errors,
the privacy pages and the 404 page.
"""

from __future__ import annotations

from playwright.sync_api import Route, expect

BAD_PAGE = (
    '<!doctype html><html lang="en"><title>Bad</title><main><img src="/static/x.png">'
    '<a href="/accounts/login/">on</a></main></html>'
)


def test_the_audit_finds_violations_on_a_page_the_test_leaves_at_once(axe_audit, site, page):
    def bad(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=BAD_PAGE)

    page.route(f"{site}/axe-self-test/", bad)
    page.goto(f"{site}/axe-self-test/")
    page.get_by_role("link", name="on").click()  # straight away: axe may still be running
    expect(page).to_have_url(f"{site}/accounts/login/")
    axe_audit.settle_all()
    found = dict(axe_audit.found)
    assert ("/axe-self-test/", "image-alt") in found
    assert found["/axe-self-test/", "image-alt"]["targets"] == ["img"]
    assert found["/axe-self-test/", "image-alt"]["impact"] == "critical"
    assert not [key for key in found if key[0] == "/accounts/login/"]  # the app's page is clean
    axe_audit.found.clear()  # expected here: don't fail this test at teardown


def test_form_errors_are_announced_and_stay_a_list(site, page):
    page.goto(f"{site}/accounts/login/")
    page.locator('input[name="login"]').fill("nobody@acme.test")
    page.locator("main form").get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert").first
    expect(alert).to_be_visible()
    expect(alert.get_by_role("list").or_(alert.locator("ul"))).to_be_visible()
    # list semantics survive: role=alert sits on a wrapper, never on the <ul> itself
    assert page.locator('ul[role="alert"]').count() == 0


def test_privacy_pages_and_not_found(carol, site, page, sign_in):
    sign_in(page, carol.email)
    for path in ("/privacy/", "/privacy/my-data/", "/privacy/delete/"):
        page.goto(f"{site}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    response = page.goto(f"{site}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
