"""The organisation's own items in the analysis: a role per statement (part of a scale, or
reported on its own), yes/no and choice items as shares, in every report format."""

from __future__ import annotations

import io
import random

import pandas as pd
import pyreadstat
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zichtbaar.surveys import analysis, editing, services
from zichtbaar.surveys.forms import BlockForm
from zichtbaar.surveys.models import ItemRole, Response, Survey

N = 40


@pytest.fixture
def survey(acme):
    s = services.create_survey(
        acme, title_en="Own items", title_nl="Eigen vragen", blocks=["engagement", "comment"]
    )
    add = editing.add_item
    add(s, block="engagement", text_en="I decide how I do my work.", text_nl="")  # own_1
    add(s, block="engagement", text_en="I choose my own hours.", text_nl="")  # own_2
    add(s, block="engagement", text_en="Our intranet is useful.", text_nl="")  # own_3
    add(s, block="comment", text_en="Do you read the newsletter?", text_nl="", kind="yes_no")
    add(
        s,
        block="comment",
        text_en="Where do you work most?",
        text_nl="Waar werk je het meest?",
        kind="choice",
        options_en=["Office", "Home", "Client site"],
        options_nl=["Kantoor", "Thuis", "Bij de klant"],
    )  # own_5
    add(s, block="comment", text_en="Rarely answered", text_nl="", kind="yes_no")  # own_6
    return s


def _answer(s: Survey, seed: int = 1) -> None:
    rng = random.Random(seed)
    rows = []
    for i in range(N):
        eng = rng.randint(1, 5)
        answers = {f"eng_{k}{j}": eng for k in ("vig", "ded", "abs") for j in (1, 2, 3)}
        answers.update(
            willing_likert=rng.randint(1, 5),
            willing_yes=int(i % 4 != 0),  # 30 of 40 say yes
            own_1=rng.randint(1, 5),
            own_2=rng.randint(1, 5),
            own_3=[2, 4][i % 2],  # mean 3
            own_4=int(i < 10),  # 10 of 40 read the newsletter
            own_5=1 if i < 36 else (2 if i < 39 else 3),  # Home 3 people, Client site 1
        )
        if i < 3:
            answers["own_6"] = 1  # 3 answers: under the threshold
        rows.append(Response(survey=s, completed=True, answers=answers, page=3))
    Response.objects.bulk_create(rows)
    services.set_status(s, Survey.Status.CLOSED)


def test_own_items_were_ignored_and_now_each_plays_a_part(survey):
    mapping = services.mapping_for(survey)
    assert {r.column: r.kind for r in mapping.reported} == {
        "own_1": "numeric",
        "own_2": "numeric",
        "own_3": "numeric",
        "own_4": "yes_no",
        "own_5": "choice",
        "own_6": "yes_no",
    }
    assert mapping.item_text["own_5"]["nl"] == "Waar werk je het meest?"
    assert mapping.value_labels["own_5"]["2"] == {"en": "Home", "nl": "Thuis"}
    services.set_item_role(survey, "own_1", new_scale="Autonomy")
    services.set_item_role(survey, "own_2", scale="autonomy")
    services.set_item_role(survey, "own_3", scale="engagement")
    mapping = services.mapping_for(survey)
    scales = {s.name: s for s in mapping.scales}
    assert scales["autonomy"].items == ["own_1", "own_2"]
    assert scales["autonomy"].label == {"en": "Autonomy", "nl": "Autonomy"}
    assert scales["engagement"].items[-1] == "own_3" and len(scales["engagement"].items) == 10
    assert [r.column for r in mapping.reported] == ["own_4", "own_5", "own_6"]
    # back to reported on its own
    services.set_item_role(survey, "own_3")
    assert ItemRole.objects.get(survey=survey, item_id="own_3").role == "reported"
    assert "own_3" in [r.column for r in services.mapping_for(survey).reported]


def test_the_report_has_the_new_scale_as_a_predictor_and_the_rest_as_descriptives(survey):
    services.set_item_role(survey, "own_1", new_scale="Autonomy")
    services.set_item_role(survey, "own_2", scale="autonomy")
    _answer(survey)
    report, _mapping = services.report_for(survey, "en")
    assert set(report["scales"]) == {"engagement", "autonomy"}
    assert report["scales"]["autonomy"]["items"] == ["own_1", "own_2"]
    assert set(report["regression"]["std_betas"]) == {"engagement", "autonomy"}
    assert set(report["relative_importance"]["predictors"]) == {"engagement", "autonomy"}
    own = {r["column"]: r for r in report["own_items"]}
    assert own["own_3"]["mean"] == pytest.approx(3.0) and own["own_3"]["n"] == N
    assert own["own_3"]["counts"] == {"1": 0, "2": 20, "3": 0, "4": 20, "5": 0}
    assert own["own_3"]["ci"][0] < 3 < own["own_3"]["ci"][1]
    lo, hi = analysis.wilson_ci(10, N)
    assert own["own_4"]["share"] == pytest.approx(0.25)
    assert own["own_4"]["ci"] == pytest.approx([lo, hi])
    options = {o["value"]: o for o in own["own_5"]["options"]}
    assert options["1"]["k"] == 36 and options["2"]["k"] == 3 and options["3"]["k"] == 1
    assert options["1"]["ci"] == pytest.approx(list(analysis.wilson_ci(36, N)))
    # three answers: fewer than the anonymity threshold, so no numbers at all
    assert own["own_6"] == {"column": "own_6", "kind": "yes_no", "n": None, "suppressed": True}


def test_own_items_are_in_every_report_format(survey):
    _answer(survey)
    html = services.render(survey, "html", "nl").decode()
    assert "Waar werk je het meest?" in html and "Thuis" in html
    assert "Our intranet is useful." in html  # in the results and in the appendix
    assert html.count("Waar werk je het meest?") >= 2
    english = services.render(survey, "html", "en").decode()
    hidden = english.split('data-column="own_6"', 1)[1].split("</div>", 1)[0]
    assert "Rarely answered" in hidden and "Not shown: fewer than 5 people answered." in hidden
    xlsx = load_workbook(io.BytesIO(services.render(survey, "xlsx", "en")))
    names = [ws.title for ws in xlsx.worksheets]
    assert "Own questions" in names
    rows = list(xlsx["Own questions"].iter_rows(values_only=True))
    assert ("Do you read the newsletter?", "own_4", "Yes", 0.25) in [r[:4] for r in rows]
    assert any(r[0] == "Rarely answered" and "fewer than 5" in str(r[2]) for r in rows)
    items = list(xlsx["Items"].iter_rows(values_only=True))
    assert any(r[1] == "own_5" and "Client site" in r[3] for r in items)
    pdf = services.render(survey, "pdf", "en")
    assert pdf.startswith(b"%PDF")


def test_the_sav_labels_own_items_and_merges_rare_answers(survey, tmp_path):
    _answer(survey)
    path = tmp_path / "out.sav"
    path.write_bytes(services.render(survey, "sav", "en"))
    frame, meta = pyreadstat.read_sav(str(path))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["own_3"] == "Our intranet is useful."
    assert labels["own_5"] == "Where do you work most?"
    assert meta.variable_value_labels["own_3"][4.0] == "Agree"
    assert meta.variable_value_labels["own_4"] == {0.0: "No", 1.0: "Yes"}
    # Home (3) and Client site (1): under 5, merged into one value of 4 people, which is
    # still too few, so Office (36) joins them: nobody's answer stands out
    values = frame["own_5"].value_counts().to_dict()
    assert values == {4.0: N}
    assert meta.variable_value_labels["own_5"] == {4.0: "Other (answers under 5 merged)"}
    # 3 answers only: left out
    assert frame["own_6"].isna().all()
    assert frame["own_4"].value_counts().to_dict() == {0.0: 30, 1.0: 10}


def test_a_choice_item_is_asked_with_its_options(survey):
    block = next(b for b in survey.blocks if b["key"] == "comment")
    form = BlockForm(block=block, instrument=survey.instrument, lang="nl")
    assert form.fields["own_5"].choices == [("1", "Kantoor"), ("2", "Thuis"), ("3", "Bij de klant")]
    assert form.fields["own_4"].choices == [("0", "Nee"), ("1", "Ja")]
    editing.remove_item(survey, "own_5")
    survey.refresh_from_db()
    assert "own_5" not in survey.instrument["response_scales"]


def test_a_statement_joins_only_a_scale_with_the_same_answers(acme):
    s = services.create_survey(acme, title_en="B", title_nl="", blocks=["brand_attitude"])
    editing.add_item(s, block="brand_attitude", text_en="Mine", text_nl="")
    assert [k for k, _n in services.scale_choices(s)] == ["engagement"]  # brand is 1-7
    with pytest.raises(services.RoleRefused):
        services.set_item_role(s, "own_1", scale="brand_attitude")
    with pytest.raises(services.RoleRefused):
        services.set_item_role(s, "own_1", new_scale="Engagement")  # exists: choose it
    with pytest.raises(services.RoleRefused):
        services.set_item_role(s, "eng_vig1", scale="engagement")  # not an own item
    assert not ItemRole.objects.exists()


def test_comms_choose_the_role_on_the_questions_page(login, alice, bob, survey):
    url = reverse("surveys:items", args=[survey.pk])
    client = login(alice)
    page = client.get(url).content.decode()
    assert "Part of a new scale" in page and 'name="own_1-role"' in page
    assert 'name="own_4-role"' not in page  # yes/no items are reported as shares
    resp = client.post(url, {"action": "role", "item": "own_1", "own_1-role": "new"})
    assert resp.status_code == 400
    assert "Name the new scale." in resp.content.decode()  # next to the field
    resp = client.post(
        url,
        {"action": "role", "item": "own_1", "own_1-role": "new", "own_1-new_scale": "Autonomy"},
    )
    assert resp.status_code == 302
    services.set_status(survey, Survey.Status.OPEN)  # the role may still change once open
    resp = client.post(url, {"action": "role", "item": "own_2", "own_2-role": "autonomy"})
    assert resp.status_code == 302
    roles = {r.item_id: r.scale for r in ItemRole.objects.filter(survey=survey)}
    assert roles == {"own_1": "autonomy", "own_2": "autonomy"}
    assert client.post(url, {"action": "role", "item": "own_4"}).status_code == 400
    assert login(bob).post(url, {"action": "role", "item": "own_1"}).status_code == 403


def test_a_choice_needs_options_and_a_csv_label_is_imported(login, alice, survey):
    url = reverse("surveys:items", args=[survey.pk])
    client = login(alice)
    resp = client.post(
        url,
        {"action": "add", "block": "comment", "kind": "choice", "text_en": "Q", "options_en": "A"},
    )
    assert resp.status_code == 400 and "Give 2 to 12 options" in resp.content.decode()
    from zichtbaar.surveys import importing

    frame = pd.DataFrame({"Where": ["Client site", "2", ""]}, dtype=object)
    rows = importing.convert(survey, frame, {"own_5": "Where"})
    assert rows == [{"own_5": 3}, {"own_5": 2}]


def test_an_interval_that_misses_its_estimate_is_still_drawn():
    """A bootstrap percentile interval need not contain the estimate (an LMG near zero)."""
    from zichtbaar.surveys import charts

    svg = charts.interval_bars(
        ["autonomy", "engagement"], [0.004, 0.2], [[0.006, 0.05], [0.1, 0.3]], "t", "x", False
    )
    assert svg.startswith("<") or "svg" in svg


def test_a_report_with_an_own_scale_renders(survey):
    services.set_item_role(survey, "own_1", new_scale="Autonomy")
    services.set_item_role(survey, "own_2", scale="autonomy")
    _answer(survey)
    html = services.render(survey, "html", "en").decode()
    assert "Autonomy" in html and 'id="own-items"' in html


def test_reported_items_in_a_yaml_mapping_are_validated_row_by_row():
    from zichtbaar.surveys import study
    from zichtbaar.surveys.mapping import MappingError, parse_mapping, prepare

    raw = {
        "willingness": {"likert": "w"},
        "scales": {"s": ["w"]},
        "reported": {
            "days": {"type": "numeric", "min": 0, "max": 5},
            "news": {"type": "yes_no", "yes": ["ja"], "no": ["nee"]},
            "where": {"type": "choice", "options": ["Utrecht", "Zwolle", "Remote"]},
        },
        "value_labels": {"where": {"Remote": {"en": "Mostly at home", "nl": "Vooral thuis"}}},
    }
    mapping = parse_mapping(raw)
    assert mapping.value_labels["where"]["Remote"]["nl"] == "Vooral thuis"
    good = pd.DataFrame(
        {
            "w": ["1", "2", "3", "4", "5", "4"],
            "days": ["0", "5", "2,5", "", "3", "1"],
            "news": ["ja", "nee", "JA", "", "nee", "ja"],
            "where": ["utrecht", "Remote", "Remote", "Zwolle", "", "Utrecht"],
        },
        dtype=object,
    )
    own = {r["column"]: r for r in study.own_items(prepare(good, mapping))}
    assert own["days"]["mean"] == pytest.approx(2.3) and own["days"]["counts"] == {}
    assert own["news"]["k"] == 3 and own["news"]["n"] == 5
    assert [(o["value"], o["k"]) for o in own["where"]["options"]] == [
        ("Utrecht", 2),
        ("Zwolle", 1),
        ("Remote", 2),
    ]
    bad = good.copy()
    bad.loc[1, "days"] = "6"
    bad.loc[2, "news"] = "soms"
    bad.loc[3, "where"] = "Amsterdam"
    with pytest.raises(MappingError) as exc:
        prepare(bad, mapping)
    assert exc.value.problems == [
        "row 3, column 'days': 6 is outside 0 to 5",
        "row 4, column 'news': 'soms' is neither yes nor no",
        "row 5, column 'where': 'Amsterdam' is not one of the options",
    ]
    with pytest.raises(MappingError):
        parse_mapping({**raw, "reported": {"x": {"type": "choice"}, "y": {"type": "slider"}}})
