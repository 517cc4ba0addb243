"""`zichtbaar reach --org SLUG [--team NAME] [--json]`: the reach model for real people."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from zichtbaar.impact import selectors
from zichtbaar.orgs.models import Organisation, Team


class Command(BaseCommand):
    help = (
        "Print the reach of an organisation (or one team): potential reach, the overlap-"
        "corrected unique reach, estimated views of one post and the comparison with the "
        "company page, with every assumption."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--team", help="Only this team (its name).")
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Organisation.objects.filter(slug=options["org"]).first()
        if org is None:
            raise CommandError(_("There is no organisation “%(slug)s”.") % {"slug": options["org"]})
        team = None
        if options["team"]:
            team = Team.objects.filter(org=org, name=options["team"]).first()
            if team is None:
                names = ", ".join(Team.objects.filter(org=org).values_list("name", flat=True))
                raise CommandError(
                    _("%(org)s has no team “%(team)s”. Teams: %(names)s.")
                    % {"org": org.name, "team": options["team"], "names": names or "-"}
                )
        assumptions = selectors.reach_settings_for(org).assumptions()
        r = selectors.reach_for(org, assumptions, team)
        if options["json"]:
            self.stdout.write(json.dumps(r.as_json(), indent=2, ensure_ascii=False))
            return
        with translation.override(org.default_language):
            a = r.assumptions
            lines = [
                f"{org.name}{' / ' + team.name if team else ''}",
                _("People: %(n)s") % {"n": r.people},
                _("Connections: %(n)s, followers: %(f)s") % {"n": r.connections, "f": r.followers},
                _("Potential reach: %(n)s") % {"n": r.potential_reach},
                _("Estimated unique reach: %(n)s (overlap %(o)s%%)")
                % {"n": r.unique_reach_estimate, "o": round(a.overlap * 100, 2)},
                _("Estimated views of one post (average network): %(low)s–%(high)s")
                % {"low": r.views_per_post_estimate[0], "high": r.views_per_post_estimate[1]},
                _("Company page followers: %(n)s") % {"n": r.company_followers},
            ]
            if r.times_company is not None:
                lines.append(
                    _("Potential reach is %(x).1f times the company page") % {"x": r.times_company}
                )
            lines.append(
                _("Organic reach assumed: %(low)s–%(high)s%%")
                % {
                    "low": round(a.organic_reach_low * 100, 2),
                    "high": round(a.organic_reach_high * 100, 2),
                }
            )
            lines.append(_("Source: %(source)s") % {"source": a.source})
        self.stdout.write("\n".join(lines))
