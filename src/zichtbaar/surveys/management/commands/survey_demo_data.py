"""`zichtbaar survey_demo_data`: write demo survey responses (CSV) and their mapping (YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandParser

from zichtbaar.surveys import generator


class Command(BaseCommand):
    help = (
        "Write demo survey data with the seed's shape (281 respondents, about 76% willing, the "
        "three barriers on top, engagement the strongest predictor) as a CSV plus the mapping "
        "YAML for `survey_report`. The effect sizes are documented in docs/research.md."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="the folder to write to")
        parser.add_argument("-n", "--respondents", type=int, default=generator.SEED_N)
        parser.add_argument("--seed", type=int, default=281)
        parser.add_argument("--lang", default="en", choices=["en", "nl"])

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        demo = generator.generate(options["respondents"], options["seed"], options["lang"])
        csv_path = out / "survey-demo.csv"
        generator.to_csv_frame(demo.frame).to_csv(csv_path, index=False)
        map_path = out / "survey-demo-mapping.yaml"
        header = (
            "# Column mapping for survey-demo.csv (see docs/research.md, 'The mapping').\n"
            f"# zichtbaar survey_report --input {csv_path} --mapping {map_path} "
            f"--format pdf --out {out}\n"
        )
        map_path.write_text(
            header + yaml.safe_dump(demo.mapping, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        self.stdout.write(f"{len(demo.frame)} responses: {csv_path}")
        self.stdout.write(f"mapping: {map_path}")
