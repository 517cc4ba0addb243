"""zichtbaar check_post --org SLUG [--moment ID] [--lang nl|en] [--json] FILE|-"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zichtbaar.guideline import selectors
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.commands import organisation


class Command(BaseCommand):
    help = "Check a post against an organisation's guideline rules, as the editor does."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument(
            "--moment", type=int, help="a moment id (embargo, client, colleagues' posts)"
        )
        parser.add_argument("--lang", choices=["nl", "en"], help="language of the messages")
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("file", help="a text file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        from zichtbaar.guideline.checker import check

        org = organisation(options["org"])
        moment = None
        if options["moment"] is not None:
            moment = Moment.objects.filter(org=org, pk=options["moment"]).first()
            if moment is None:
                raise CommandError(
                    translation.gettext("Organisation “%(slug)s” has no moment %(id)s.")
                    % {"slug": org.slug, "id": options["moment"]}
                )
        try:
            if options["file"] == "-":
                text = sys.stdin.read()
            else:
                text = Path(options["file"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        language = options["lang"] or org.default_language
        colleague_texts: tuple[str, ...] = ()
        if moment is not None:
            colleague_texts = tuple(
                moment.shares.order_by("-shared_at").values_list("text", flat=True)[:300]
            )
        with translation.override(language):
            ctx = selectors.check_context(
                org, language=language, moment=moment, colleague_texts=colleague_texts
            )
            verdict = check(text, ctx)
        if options["json"]:
            self.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(verdict.verdict)
        for f in verdict.findings:
            self.stdout.write(
                f"- [{f.severity}] {f.code} {f.start}-{f.end}: {f.message} {f.suggestion}".rstrip()
            )
