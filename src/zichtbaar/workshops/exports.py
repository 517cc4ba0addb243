"""The effect report as XLSX (one table a sheet) and as a tagged PDF (WeasyPrint, PDF/UA),
in the reader's language; the figures are the page's (`selectors.report`)."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from zichtbaar.orgs import anonymity, exports
from zichtbaar.workshops import charts
from zichtbaar.workshops.models import Workshop
from zichtbaar.workshops.selectors import Report


def filename(workshop: Workshop, ext: str) -> str:
    return f"workshop-{slugify(workshop.title) or workshop.pk}-{workshop.held_on:%Y-%m-%d}.{ext}"


def xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # noqa: S101 - a new workbook has one sheet
    ws.title = _("Summary")[:31]
    w = report.workshop
    exports.xlsx_append(ws, [w.title])
    ws["A1"].font = Font(bold=True, size=14)
    exports.xlsx_append(ws, [_("Date"), w.held_on])
    if report.too_few:
        exports.xlsx_append(
            ws, [_("Too few participants to report on (fewer than the anonymity threshold).")]
        )
    elif report.effect is None:
        exports.xlsx_append(ws, [_("The effect report is ready six weeks after the workshop.")])
    else:
        e = report.effect
        exports.xlsx_append(ws, [_("Conclusion"), e.sentence()])
        exports.xlsx_append(ws, [_("Participants"), e.participants])
        exports.xlsx_append(ws, [_("Comparison group"), e.comparison if e.has_comparison else "–"])
        exports.xlsx_append(ws, [_("Estimate (shares per person per week)"), round(e.estimate, 3)])
        exports.xlsx_append(ws, [_("95% interval, low"), round(e.low, 3)])
        exports.xlsx_append(ws, [_("95% interval, high"), round(e.high, 3)])
    for cell in ws["A"]:
        cell.font = bold
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 60

    if report.weekly:
        sh = wb.create_sheet(_("Shares per week")[:31])
        exports.xlsx_append(
            sh, [_("Week (0 = the workshop's week)"), _("Participants"), _("Comparison group")]
        )
        for cell in sh[1]:
            cell.font = bold
        for week, p, c in report.weekly:
            exports.xlsx_append(sh, [week, round(p, 3), "–" if c is None else round(c, 3)])
    tests = [
        (_("Willingness to share (1-5)"), report.willingness, "Wilcoxon"),
        (_("Sure what may be shared (1-5)"), report.confidence, "Wilcoxon"),
        (_("Names a barrier (share)"), report.barrier_named, "McNemar"),
    ]
    if any(t for _l, t, _n in tests):
        sh = wb.create_sheet(_("Before and after")[:31])
        exports.xlsx_append(
            sh, [_("Question"), _("Before"), _("After"), _("Pairs"), _("Test"), "p"]
        )
        for cell in sh[1]:
            cell.font = bold
        for label, test, name in tests:
            if test is not None:
                exports.xlsx_append(
                    sh,
                    [
                        label,
                        round(test.before, 2),
                        round(test.after, 2),
                        test.pairs,
                        name,
                        round(test.p_value, 4),
                    ],
                )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def report_context(report: Report) -> dict[str, Any]:
    return {
        "r": report,
        "workshop": report.workshop,
        "chart": charts.weekly_chart(report.weekly),
        "threshold": anonymity.threshold(),
    }


def pdf(request: HttpRequest, report: Report) -> bytes:
    from weasyprint import HTML

    html = render_to_string("workshops/report_pdf.html", report_context(report), request=request)
    # A tagged PDF (PDF/UA-1): screen readers can follow its structure.
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        pdf_variant="pdf/ua-1"
    )
