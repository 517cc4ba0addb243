"""The command line: `survey_demo_data` then `survey_report` in every format, without a database.

No test here asks for the `db` fixture, so pytest-django would fail any query: the commands
work without a database.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pypdfium2
import pyreadstat
import pytest
import yaml
from django.core.management import CommandError, call_command

from zichtbaar.surveys import generator

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "survey"
CONTRACT = {
    "n",
    "willing",
    "barriers",
    "scales",
    "regression",
    "logistic",
    "relative_importance",
    "biggest_predictor",
    "conclusions",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    call_command("survey_demo_data", "--out", str(out), stdout=io.StringIO())
    return out


@pytest.fixture(scope="module")
def reports(demo, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report")
    stdout = io.StringIO()
    call_command(
        "survey_report",
        "--input",
        str(demo / "survey-demo.csv"),
        "--mapping",
        str(demo / "survey-demo-mapping.yaml"),
        "--format",
        "json,html,pdf,xlsx,sav",
        "--out",
        str(out),
        "--seed",
        "7",
        "--platform-shares",
        "95/281",
        stdout=stdout,
    )
    assert "76% [71-81]" in stdout.getvalue()
    return out


def test_json_holds_the_contract(reports):
    report = json.loads((reports / "survey-demo-report.json").read_text())
    assert set(report) >= CONTRACT
    assert report["n"] == 281
    assert set(report["willing"]) >= {"share", "ci"}
    assert [b["key"] for b in report["barriers"][:3]] == ["relevance", "permission", "value"]
    assert all({"share", "ci"} <= set(b) for b in report["barriers"])
    assert set(report["scales"]["engagement"]) >= {"mean", "alpha", "alpha_ci", "omega"}
    assert report["scales"]["linkedin_use"]["alpha"] is None
    assert set(report["regression"]) >= {"r2", "std_betas"}
    assert set(report["logistic"]) >= {"coef", "const", "odds_ratio", "pseudo_r2"}
    for p in report["relative_importance"]["predictors"].values():
        assert set(p) >= {"lmg", "share_of_r2", "ci"}
    assert report["relative_importance"]["n_boot"] >= 1000
    assert report["biggest_predictor"] == "engagement"
    assert report["gap"]["sharers"] == 95
    assert report["conclusions"] and report["conclusions"][0].startswith("76%")


def test_html_is_standalone(reports):
    html = (reports / "survey-demo-report.html").read_text()
    assert "<style>" in html and "data:image/svg+xml;base64," in html
    assert 'src="http' not in html and 'href="http' not in html and "<link" not in html
    assert "Legal" in html  # shown as a row, without numbers
    assert "76% [71-81]" in html


def test_pdf_has_a_title_page_and_at_least_four_pages(reports):
    pdf = pypdfium2.PdfDocument(str(reports / "survey-demo-report.pdf"))
    assert len(pdf) >= 4
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = pdf[0].render(scale=1.5).to_pil()
    image.save(ARTIFACTS / "survey-report-page-1.png")
    pdf[3].render(scale=1.5).to_pil().save(ARTIFACTS / "survey-report-page-4.png")
    text = pdf[0].get_textpage().get_text_range()
    assert "Sharing about our work" in text and "76% [71-81]" in text


def test_pdf_is_tagged_with_language_and_title(reports):
    """PDF/UA-1: a structure tree (MarkInfo /Marked true), the language and the title."""
    import pypdfium2.raw as pdfium_c

    path = reports / "survey-demo-report.pdf"
    pdf = pypdfium2.PdfDocument(str(path))
    assert pdfium_c.FPDFCatalog_IsTagged(pdf.raw)  # /MarkInfo << /Marked true >> + StructTreeRoot
    assert pdf.get_metadata_dict()["Title"].startswith("Sharing about our work")
    # the catalog's /Lang, as UTF-16LE: ask for the size, then the text
    size = pdfium_c.FPDFCatalog_GetLanguage(pdf.raw, None, 0)
    buffer = (pdfium_c.FPDF_WCHAR * (size // 2))()
    pdfium_c.FPDFCatalog_GetLanguage(pdf.raw, buffer, size)
    assert bytes(buffer).decode("utf-16-le").rstrip("\x00") == "en"
    title_page = pdf[0]  # kept in a name: pdfium must not close it while the tree is read
    structure = pdfium_c.FPDF_StructTree_GetForPage(title_page.raw)
    assert pdfium_c.FPDF_StructTree_CountChildren(structure) > 0  # the title page is tagged
    pdfium_c.FPDF_StructTree_Close(structure)


def test_only_the_pdf_carries_print_css(reports):
    """Paged-media CSS (string-set, @page margin boxes) is for WeasyPrint, not for browsers."""
    html = (reports / "survey-demo-report.html").read_text()
    assert "string-set" not in html and "@page" not in html
    assert "<main>" in html


def test_xlsx_opens_with_the_tables(reports):
    wb = openpyxl.load_workbook(reports / "survey-demo-report.xlsx")
    assert {"Summary", "Barriers", "Scales", "Relative importance", "Segments", "Items"} <= set(
        wb.sheetnames
    )
    rows = list(wb["Segments"].iter_rows(min_row=2, values_only=True))
    assert rows
    for row in rows:
        n = row[2]
        assert not isinstance(n, int | float) or n >= 5  # no group under 5
    barriers = list(wb["Barriers"].iter_rows(min_row=2, values_only=True))
    assert barriers[0][1] == pytest.approx(0.53, abs=0.05)


def test_sav_has_variable_and_value_labels_and_k_anonymous_segments(reports):
    frame, meta = pyreadstat.read_sav(str(reports / "survey-demo-report.sav"))
    assert len(frame) == 281
    labels = meta.column_names_to_labels
    assert labels["willing_likert"] == "I am willing to share posts about my employer on LinkedIn."
    assert labels["eng_ded1"] == "The work I do matters to me."
    values = meta.variable_value_labels
    assert values["willing_yes"] == {0.0: "No", 1.0: "Yes"}
    assert values["willing_likert"][5.0] == "Strongly agree"
    assert values["barrier_relevance"] == {0.0: "Not chosen", 1.0: "Chosen"}
    assert "comment" not in frame.columns  # free text never leaves in row-level data
    assert "respondent" not in frame.columns  # unmapped columns neither
    assert "Legal" not in values["team"].values()
    segs = [c for c in ("team", "tenure") if c in frame.columns]
    assert segs
    assert int(frame[segs].value_counts(dropna=False).min()) >= 5
    assert frame["score_engagement"].notna().all()


def test_sav_measurement_levels(reports):
    """SPSS reads agreement items as ordered, scores as numbers, choices as categories."""
    _frame, meta = pyreadstat.read_sav(str(reports / "survey-demo-report.sav"), metadataonly=True)
    measure = meta.variable_measure
    assert measure["willing_likert"] == "ordinal"
    assert measure["eng_ded1"] == "ordinal"
    assert measure["score_engagement"] == "scale"
    assert measure["willing_yes"] == "nominal"
    assert measure["barrier_relevance"] == "nominal"
    assert measure["team"] == "nominal"
    assert "unknown" not in set(measure.values())


def test_dutch_and_english_conclusions(demo, tmp_path):
    texts = {}
    for lang in ("nl", "en"):
        call_command(
            "survey_report",
            "--input",
            str(demo / "survey-demo.csv"),
            "--mapping",
            str(demo / "survey-demo-mapping.yaml"),
            "--format",
            "json",
            "--out",
            str(tmp_path / lang),
            "--lang",
            lang,
            stdout=io.StringIO(),
        )
        texts[lang] = json.loads((tmp_path / lang / "survey-demo-report.json").read_text())[
            "conclusions"
        ]
    nl, en = " ".join(texts["nl"]), " ".join(texts["en"])
    assert "van de respondenten" in nl and "Betrokkenheid is de grootste voorspeller" in nl
    assert "95%-interval 71 tot 81%" in nl and "R² = 0," in nl
    assert "of the respondents" in en and "Engagement is the biggest predictor" in en
    for text in (nl, en):
        assert "cross" in text.lower() or "één moment" in text or "one moment" in text
    assert any("oorzaken" in s for s in texts["nl"]) and any("causes" in s for s in texts["en"])


def test_xlsx_input_and_a_single_item_scale(tmp_path):
    demo = generator.generate(n=120, seed=5)
    demo.frame.to_excel(tmp_path / "answers.xlsx", index=False)
    mapping = {
        "willingness": {"yes_no": {"column": "willing_yes", "yes": [1]}},
        "scales": {
            "engagement": ["eng_ded1"],
            "brand_attitude": ["brand_good", "brand_attractive"],
        },
        "barriers": {"relevance": "barrier_relevance"},
    }
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(mapping))
    call_command(
        "survey_report",
        "--input",
        str(tmp_path / "answers.xlsx"),
        "--mapping",
        str(tmp_path / "map.yaml"),
        "--format",
        "json",
        "--format",
        "sav",
        "--out",
        str(tmp_path),
        stdout=io.StringIO(),
    )
    report = json.loads((tmp_path / "answers-report.json").read_text())
    assert report["scales"]["engagement"]["alpha"] is None
    assert report["scales"]["engagement"]["omega"] is None
    assert report["scales"]["brand_attitude"]["alpha"] is not None
    assert report["outcome"]["name"] == "willing_yes"  # the linear model on the yes/no item
    assert report["logistic"] is not None
    assert (tmp_path / "answers-report.sav").exists()


def test_bad_data_is_refused_all_or_nothing_with_row_numbers(demo, tmp_path):
    frame = pd.read_csv(demo / "survey-demo.csv", dtype=str, keep_default_na=False)
    frame.loc[3, "eng_vig1"] = "veel"
    frame.loc[10, "willing_likert"] = "9"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(CommandError) as err:
        call_command(
            "survey_report",
            "--input",
            str(tmp_path / "bad.csv"),
            "--mapping",
            str(demo / "survey-demo-mapping.yaml"),
            "--format",
            "json",
            "--out",
            str(tmp_path / "out"),
            stdout=io.StringIO(),
        )
    message = str(err.value)
    assert "row 5, column 'eng_vig1'" in message and "'veel' is not a number" in message
    assert "row 12, column 'willing_likert'" in message and "outside 1 to 5" in message
    assert not (tmp_path / "out").exists()


def test_mapping_errors_name_the_problem(demo, tmp_path):
    (tmp_path / "map.yaml").write_text("scales: {engagement: [nope]}\n")
    with pytest.raises(CommandError) as err:
        call_command(
            "survey_report",
            "--input",
            str(demo / "survey-demo.csv"),
            "--mapping",
            str(tmp_path / "map.yaml"),
            "--format",
            "json",
            "--out",
            str(tmp_path),
            stdout=io.StringIO(),
        )
    assert "at least one of likert and yes_no" in str(err.value)
    with pytest.raises(CommandError):
        call_command(
            "survey_report",
            "--input",
            str(demo / "survey-demo.csv"),
            "--mapping",
            str(demo / "survey-demo-mapping.yaml"),
            "--format",
            "docx",
            "--out",
            str(tmp_path),
            stdout=io.StringIO(),
        )
