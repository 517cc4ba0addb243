"""Reports of an analysed survey in each format: JSON, HTML (standalone, inline CSS and SVG), PDF
(WeasyPrint, from the HTML), XLSX (`report_xlsx`) and SPSS .sav of the anonymised responses
(`report_spss`); `write` puts one of them in a file.

The numbers come from `study.analyse`; these modules only present them (`report_context` formats
them for the templates). User-facing labels are English source strings in gettext, rendered
under `translation.override(lang)`; the conclusions come translated from conclusions.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from .mapping import Mapping, Prepared
from .report_context import context
from .report_spss import write_sav
from .report_xlsx import render_xlsx

FORMATS = ("json", "html", "pdf", "xlsx", "sav")


def render_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2, allow_nan=False)


def render_html(
    report: dict[str, Any], mapping: Mapping, lang: str, *, for_print: bool = False
) -> str:
    """The report as one HTML page; `for_print` adds the paged-media CSS only WeasyPrint reads
    (surveys/report_print.css), so the HTML people open carries none."""
    with translation.override(lang):
        return render_to_string(
            "surveys/report.html", {**context(report, mapping, lang), "for_print": for_print}
        )


def render_pdf(report: dict[str, Any], mapping: Mapping, lang: str) -> bytes:
    """A tagged PDF (PDF/UA-1): structure tree for screen readers, the document's language
    (from <html lang>) and its title (from <title>, shown instead of the file name)."""
    from weasyprint import HTML

    html = render_html(report, mapping, lang, for_print=True)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def write(
    fmt: str, report: dict[str, Any], prepared: Prepared, lang: str, out_dir: Path, stem: str
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{stem}.{fmt}"
    if fmt == "json":
        path.write_text(render_json(report), encoding="utf-8")
    elif fmt == "html":
        path.write_text(render_html(report, prepared.mapping, lang), encoding="utf-8")
    elif fmt == "pdf":
        path.write_bytes(render_pdf(report, prepared.mapping, lang))
    elif fmt == "xlsx":
        path.write_bytes(render_xlsx(report, prepared.mapping, lang))
    elif fmt == "sav":
        write_sav(prepared, lang, path)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    return path
