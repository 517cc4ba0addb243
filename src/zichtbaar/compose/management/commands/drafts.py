"""zichtbaar drafts --org SLUG --person EMAIL [--moment ID] [--json]

The drafts a person is offered, each with its angle, language and the check's verdict and
findings: for comms and trainers to review drafts without signing in as someone. Read-only: it
creates no tracked links (a person without one gets the moment's plain link, as without consent).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from zichtbaar.compose import selectors
from zichtbaar.guideline import checking
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.commands import organisation
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing.models import TrackedLink

# The compose page offers this many drafts.
OFFERED = 4


class Command(BaseCommand):
    help = "Show the drafts a person is offered, with the check's verdict on each."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--person", required=True, help="the person's e-mail address")
        parser.add_argument("--moment", type=int, help="one moment id (default: all shareable now)")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        org = organisation(options["org"])
        membership = (
            Membership.objects.filter(
                org=org, user__email__iexact=options["person"].strip(), is_active=True
            )
            .select_related("user__profile", "team", "org")
            .first()
        )
        if membership is None:
            raise CommandError(
                translation.gettext("Organisation “%(slug)s” has no member %(email)s.")
                % {"slug": org.slug, "email": options["person"]}
            )
        moments = moment_selectors.moments_for(membership).filter(
            pk__in=Moment.objects.shareable_now().values("pk")
        )
        if options["moment"] is not None:
            moments = moments.filter(pk=options["moment"])
            if not moments.exists():
                raise CommandError(
                    translation.gettext("%(email)s can't share moment %(id)s now.")
                    % {"email": options["person"], "id": options["moment"]}
                )
        report = [self._moment(moment, membership) for moment in moments]
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        for item in report:
            self.stdout.write(f"# {item['moment_id']} {item['title']} [{item['language']}]")
            for draft in item["drafts"]:
                self.stdout.write(
                    f"\n## {draft['angle']} ({draft['language']}): {draft['verdict']}"
                )
                for finding in draft["findings"]:
                    self.stdout.write(f"- {finding['code']}: {finding['message']}")
                self.stdout.write("")
                self.stdout.write(draft["text"])
            self.stdout.write("")

    def _moment(self, moment: Moment, membership: Membership) -> dict[str, Any]:
        code = (
            TrackedLink.objects.filter(moment=moment, user_id=membership.user_id)
            .values_list("code", flat=True)
            .first()
            if membership.user.profile.consent_tracking
            else None
        )
        link_url = selectors.share_url(moment, code, settings.SITE_URL)
        context = selectors.draft_context(moment, membership, link_url)
        drafts = selectors.drafts_for(moment, membership, link_url, count=OFFERED)
        offered = tuple(d.text for d in drafts)
        out = []
        with translation.override(context.language):
            for draft in drafts:
                result = checking.check_post(
                    draft.text,
                    moment=moment,
                    membership=membership,
                    offered=offered,
                    language=context.language,
                )
                out.append(
                    {
                        "angle": draft.angle,
                        "label": draft.label,
                        "language": context.language,
                        "verdict": result.verdict,
                        "findings": [
                            {"code": f.code, "severity": f.severity, "message": f.message}
                            for f in result.findings
                        ],
                        "text": draft.text,
                    }
                )
        return {
            "moment_id": moment.pk,
            "title": context.title,
            "language": context.language,
            "involved": context.involved,
            "drafts": out,
        }
