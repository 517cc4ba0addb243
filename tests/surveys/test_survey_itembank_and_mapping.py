"""The CC0 item bank (Dutch and English) and reading exports through a mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from zichtbaar.surveys import itembank
from zichtbaar.surveys.mapping import MappingError, parse_mapping, prepare, read_responses


def test_every_item_is_in_dutch_and_english_with_a_known_answer_scale():
    bank = itembank.load()
    assert bank["license"] == "CC0-1.0"
    for item in bank["items"]:
        assert item["text"]["en"].strip() and item["text"]["nl"].strip(), item["id"]
        assert item["scale"] in bank["response_scales"], item["id"]
    for name, spec in bank["response_scales"].items():
        labels = spec.get("labels", {})
        assert len(labels.get("en", [])) == len(labels.get("nl", [])), name
        assert all(isinstance(t, str) for t in labels.get("en", []) + labels.get("nl", [])), name


def test_the_bank_covers_what_the_study_needs():
    items = itembank.items()
    constructs = {i["construct"] for i in items.values()}
    assert {
        "willingness",
        "barrier",
        "engagement",
        "brand_attitude",
        "linkedin",
        "background",
    } <= constructs
    assert (
        items["willing_likert"]["scale"] == "agree5" and items["willing_yes"]["scale"] == "yes_no"
    )
    barriers = {i.get("barrier") for i in items.values()}
    assert {
        "relevance",
        "permission",
        "value",
        "time",
        "self_promotion",
        "linkedin_skills",
        "reactions",
    } <= barriers
    facets = {i.get("facet") for i in items.values() if i["construct"] == "engagement"}
    assert facets == {"vigour", "dedication", "absorption"}
    assert all(
        i["scale"] == "semantic7" for i in items.values() if i["construct"] == "brand_attitude"
    )
    assert {"network_band", "linkedin_use", "team", "tenure"} <= set(items)


def test_the_folder_carries_its_cc0_licence():
    text = (Path(itembank.__file__).parent / "LICENSE.md").read_text()
    assert "CC0 1.0" in text and "UWES" in text


MAPPING = {
    "willingness": {"likert": "w", "yes_no": {"column": "yn", "yes": ["ja"], "no": ["nee"]}},
    "scales": {"eng": ["e1", "e2"]},
    "barriers": {"relevance": "b1"},
    "segments": ["team"],
    "recode": {"Helemaal mee eens": 5, "Mee eens": 4, "Neutraal": 3},
}


def test_semicolon_csv_with_text_answers_and_decimal_commas(tmp_path):
    (tmp_path / "forms.csv").write_text(
        "\ufeffName;w;yn;e1;e2;b1;team\n"
        "Ann;Helemaal mee eens;ja;4,5;3;x;Sales\n"
        "Bob;Mee eens;Nee;2;;;Sales\n"
        "Cas;3;;1;2;1;\n",
        encoding="utf-8",
    )
    frame = read_responses(tmp_path / "forms.csv")
    prepared = prepare(frame, parse_mapping(MAPPING))
    assert prepared.likert.tolist() == [5.0, 4.0, 3.0]
    assert prepared.yes_no.tolist()[:2] == [1.0, 0.0] and pd.isna(prepared.yes_no.iloc[2])
    assert prepared.scales["eng"]["e1"].tolist() == [4.5, 2.0, 1.0]
    assert prepared.barriers["relevance"].tolist() == [1.0, 0.0, 1.0]
    team = prepared.segments["team"]
    assert team.tolist()[:2] == ["Sales", "Sales"] and pd.isna(team.iloc[2])


def test_problems_are_all_reported_at_once():
    frame = pd.DataFrame(
        {
            "w": ["6", "2"],
            "yn": ["misschien", "ja"],
            "e1": ["a", "1"],
            "e2": ["1", "1"],
            "b1": ["", ""],
            "team": ["", ""],
        }
    )
    with pytest.raises(MappingError) as err:
        prepare(frame, parse_mapping(MAPPING))
    assert len(err.value.problems) == 3
    assert any("row 2, column 'w'" in p for p in err.value.problems)
    assert any("neither yes nor no" in p for p in err.value.problems)


def test_missing_columns_are_named():
    with pytest.raises(MappingError) as err:
        prepare(pd.DataFrame({"w": ["1"]}), parse_mapping(MAPPING))
    assert "column 'yn' is in the mapping but not in the data" in str(err.value)
