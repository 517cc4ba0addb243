"""`zichtbaar survey_report`: analyse a survey export and write the report; no database needed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zichtbaar.surveys import reports, study
from zichtbaar.surveys.mapping import MappingError, load_mapping, prepare, read_responses


class Command(BaseCommand):
    help = (
        "Analyse survey responses (CSV or XLSX) through a column mapping (YAML) and write the "
        "report as JSON, HTML, PDF, XLSX or SPSS .sav. Needs no server and no database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="responses: a .csv or .xlsx file")
        parser.add_argument("--mapping", required=True, help="the column mapping (YAML)")
        parser.add_argument(
            "--format",
            required=True,
            action="append",
            help="json, html, pdf, xlsx or sav; repeat or separate with commas for several",
        )
        parser.add_argument("--out", required=True, help="the folder to write the report to")
        parser.add_argument("--lang", default="en", choices=["en", "nl"])
        parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
        parser.add_argument(
            "--bootstrap",
            type=int,
            default=None,
            help="bootstrap resamples (default 2,000; 1,000 above 20,000 responses; at least 1,000)",
        )
        parser.add_argument(
            "--platform-shares",
            default=None,
            metavar="SHARERS/PEOPLE",
            help="aggregate platform data for the intention-behaviour gap, e.g. 95/281",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        formats = [f.strip().lower() for spec in options["format"] for f in spec.split(",")]
        unknown = [f for f in formats if f not in reports.FORMATS]
        if unknown:
            raise CommandError(
                f"unknown format(s): {', '.join(unknown)}; use {', '.join(reports.FORMATS)}"
            )
        if options["bootstrap"] is not None and options["bootstrap"] < 1000:
            raise CommandError("--bootstrap: at least 1,000 resamples")
        source = Path(options["input"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        platform = None
        if options["platform_shares"]:
            try:
                platform = study.parse_platform(options["platform_shares"])
            except ValueError as exc:
                raise CommandError(f"--platform-shares: {exc}") from exc
        try:
            mapping = load_mapping(options["mapping"])
            prepared = prepare(read_responses(source), mapping)
            report = study.analyse(
                prepared,
                seed=options["seed"],
                n_boot=options["bootstrap"],
                platform=platform,
                lang=options["lang"],
            )
        except MappingError as exc:
            raise CommandError(
                f"the data does not fit the mapping; nothing was written:\n{exc}"
            ) from exc
        except study.TooFewResponses as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        for fmt in dict.fromkeys(formats):
            path = reports.write(
                fmt, report, prepared, options["lang"], out, source.stem + "-report"
            )
            self.stdout.write(f"{fmt:>4}: {path}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{report['n']} responses analysed in {time.monotonic() - started:.1f} s; "
                f"willing {study.fmt_pct_ci(report['willing']['share'], report['willing']['ci'])}; "
                f"biggest predictor: {report['biggest_predictor'] or '-'}"
            )
        )
