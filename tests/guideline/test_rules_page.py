"""The rules page of the check: rules in words, sections that exist, all or nothing, and only for
comms of the organisation itself."""

from __future__ import annotations

import copy

import pytest

from zichtbaar.demo.guideline import DATA_DIR, load_demo_guideline
from zichtbaar.guideline import services
from zichtbaar.guideline.checker import CODES
from zichtbaar.guideline.models import CheckSettings, Rule
from zichtbaar.guideline.rule_names import named_codes, rule_name
from zichtbaar.orgs.middleware import SESSION_ORG_KEY
from zichtbaar.orgs.services import PersonData, upsert_person

URL = "/comms/rules/"


@pytest.fixture
def guideline(acme):
    return load_demo_guideline(acme)


def _other_guideline(org):
    """A published guideline for another organisation, with a section key Acme doesn't have."""
    import yaml

    data = yaml.safe_load((DATA_DIR / "guideline.yaml").read_text("utf-8"))
    data = copy.deepcopy(data)
    data["sections"][0]["key"] = "other_secret_section"
    data["sections"][0]["title"] = {"nl": "Geheim van Other", "en": "Other's secret"}
    return services.load_guideline(org, data)


def _as_shown(response) -> dict[str, str]:
    """What a browser posts back when nothing is changed: each field's current value."""
    data: dict[str, str] = {}
    forms = [form for _name, form in response.context["rule_rows"]]
    forms.append(response.context["settings_form"])
    for form in forms:
        for field in form:
            value = field.value()
            if field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            else:
                data[field.html_name] = "" if value is None else str(value)
    return data


def test_every_rule_has_a_name_and_an_explanation():
    assert named_codes() == set(CODES)
    for code in CODES:
        name = rule_name(code)
        assert str(name.name) and str(name.name) != code
        assert str(name.explanation).endswith(".")
    # An unknown code (say, an old one in the counts) is shown as itself, not as an error.
    assert str(rule_name("gone.rule").name) == "gone.rule"


def test_rules_are_shown_in_words_with_the_code_small(login, alice, guideline):
    page = login(alice).get(URL).content.decode()
    assert "Email address" in page and "Client without permission" in page
    assert '<code class="help">personal_data.email</code>' in page
    # The code is never the rule's heading.
    assert '<th scope="row"><code>' not in page
    # The section is a select of the published guideline's sections, by title.
    assert '<option value="clients" selected>Talking about clients</option>' in page
    assert '<option value="timing">Good timing</option>' in page


def test_section_titles_follow_the_language(login, alice, guideline):
    profile = alice.profile
    profile.language = "nl"
    profile.save()
    page = login(alice).get(URL).content.decode()
    assert '<option value="clients" selected>Over klanten</option>' in page


def test_the_page_saves_as_shown_with_and_without_a_guideline(login, alice, acme, other_org):
    client = login(alice)
    # No guideline yet: no section can be chosen, and the page still saves as it is.
    response = client.get(URL)
    assert "There is no published guideline yet" in response.content.decode()
    data = _as_shown(response)
    assert all(data[f"{code.replace('.', '-')}-section"] == "" for code in CODES)
    assert client.post(URL, data).status_code == 302
    assert Rule.objects.filter(org=acme).count() == len(CODES)

    load_demo_guideline(acme)
    Rule.objects.filter(org=acme).delete()
    data = _as_shown(client.get(URL))
    assert data["client-no_consent-section"] == "clients"
    assert client.post(URL, data).status_code == 302
    assert Rule.objects.get(org=acme, code="client.no_consent").section == "clients"


def test_an_unknown_section_is_refused_on_its_row_and_nothing_is_saved(
    login, alice, acme, guideline
):
    client = login(alice)
    data = _as_shown(client.get(URL))
    data["form-hashtags-severity"] = "change"
    data["settings-max_hashtags"] = "9"
    data["client-no_consent-section"] = "no_such_section"
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved. Check what is marked below:" in page
    assert 'href="#rule-client-no_consent">Client without permission</a>' in page
    assert "The published guideline has no section “no_such_section”" in page
    form = dict((n.code, f) for n, f in response.context["rule_rows"])["client.no_consent"]
    assert list(form.errors) == ["section"]
    # Only that row is wrong.
    assert [n.code for n, _f in response.context["rules_with_errors"]] == ["client.no_consent"]
    # All or nothing: no rule and no setting was stored.
    assert not Rule.objects.filter(org=acme).exists()
    assert CheckSettings.objects.get(org=acme).max_hashtags != 9


def test_a_section_of_another_organisations_guideline_is_refused(
    login, alice, acme, other_org, guideline
):
    _other_guideline(other_org)
    client = login(alice)
    page = client.get(URL).content.decode()
    assert "other_secret_section" not in page and "Other's secret" not in page
    data = _as_shown(client.get(URL))
    data["personal_data-email-section"] = "other_secret_section"
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "has no section “other_secret_section”" in response.content.decode()
    assert not Rule.objects.filter(org=acme).exists()


def test_a_section_the_guideline_no_longer_has_is_shown_and_must_be_changed(
    login, alice, acme, guideline
):
    Rule.objects.create(org=acme, code="embargo", severity="change", section="old_timing")
    client = login(alice)
    response = client.get(URL)
    page = response.content.decode()
    assert '<option value="old_timing" selected>old_timing (not in the guideline)</option>' in page
    data = _as_shown(response)
    refused = client.post(URL, data)
    assert refused.status_code == 400
    assert "has no section “old_timing”" in refused.content.decode()
    data["embargo-section"] = "timing"
    assert client.post(URL, data).status_code == 302
    assert Rule.objects.get(org=acme, code="embargo").section == "timing"


def test_a_huge_section_value_is_refused_without_echoing_it(login, alice, acme, guideline):
    client = login(alice)
    data = _as_shown(client.get(URL))
    data["embargo-section"] = "x" * 100_000
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "x" * 100 not in response.content.decode()
    assert not Rule.objects.filter(org=acme).exists()


def test_another_organisation_cannot_see_or_change_acmes_rules(
    client, login, alice, bob, mallory, acme, other_org, guideline
):
    Rule.objects.create(
        org=acme, code="client.no_consent", severity="change", section="clients", blocking=True
    )
    alice_data = _as_shown(login(alice).get(URL))

    # An employee elsewhere (and an employee at Acme) is refused, and nothing changes.
    for person in (mallory, bob):
        c = login(person)
        assert c.get(URL).status_code == 403
        assert c.post(URL, {**alice_data, "client-no_consent-blocking": ""}).status_code == 403
    assert Rule.objects.get(org=acme, code="client.no_consent").blocking

    # Comms at Other BV, even with Acme's id in the session, works on Other BV's rules only.
    membership, _ = upsert_person(
        other_org, PersonData(email="eve@other.test", name="Eve", role="comms", language="en")
    )
    eve = membership.user
    c = login(eve)
    session = c.session
    session[SESSION_ORG_KEY] = acme.pk
    session.save()
    response = c.get(URL)
    assert response.status_code == 200
    assert '<option value="clients"' not in response.content.decode()  # Acme's sections
    # Acme's section keys mean nothing here.
    refused = c.post(URL, {**alice_data, "client-no_consent-blocking": ""})
    assert refused.status_code == 400
    assert not Rule.objects.filter(org=other_org).exists()
    # Other BV's own page saves to Other BV, never to Acme.
    assert c.post(URL, _as_shown(c.get(URL))).status_code == 302
    assert Rule.objects.filter(org=other_org).count() == len(CODES)
    acme_rule = Rule.objects.get(org=acme, code="client.no_consent")
    assert acme_rule.blocking and acme_rule.section == "clients"


def test_a_wrong_setting_alone_also_says_nothing_was_saved(login, alice, acme, guideline):
    client = login(alice)
    data = _as_shown(client.get(URL))
    data["form-shouting-enabled"] = ""
    data["settings-max_hashtags"] = "many"
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was saved" in page and 'href="#settings"' in page
    assert response.context["rules_with_errors"] == []
    assert not Rule.objects.filter(org=acme).exists()
