"""Writes and checks around composing a post."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership
from zichtbaar.sharing.services import MAX_POST_LENGTH


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "tip" or "change"
    message: str


@dataclass(frozen=True)
class Verdict:
    verdict: str  # "go", "tips" or "change"
    findings: list[Finding] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        """Findings that make sharing impossible, not merely unwise."""
        return any(f.code in BLOCKING_CODES for f in self.findings)


BLOCKING_CODES = {"form.too_long", "form.empty", "embargo"}


def check_post(text: str, *, moment: Moment, membership: Membership) -> Verdict:
    """The call site of the "May I share this?" check.

    Today it knows LinkedIn's hard length limit and the embargo; the guideline's rules plug in
    here, so the editor, the share action and the API all ask the same function.
    """
    findings = []
    if len(text) > MAX_POST_LENGTH:
        findings.append(
            Finding(
                "form.too_long",
                "change",
                _("LinkedIn allows %(max)d characters; this text has %(n)d. Please shorten it.")
                % {"max": MAX_POST_LENGTH, "n": len(text)},
            )
        )
    if moment.is_embargoed:
        findings.append(
            Finding(
                "embargo",
                "change",
                _("This moment can be shared from %(date)s. Until then, keep it to yourself.")
                % {
                    "date": moment.shareable_from.strftime("%d-%m-%Y %H:%M")
                    if moment.shareable_from
                    else ""
                },
            )
        )
    if not text.strip():
        findings.append(Finding("form.empty", "change", _("Write something to share first.")))
    if any(f.severity == "change" for f in findings):
        return Verdict("change", findings)
    return Verdict("tips" if findings else "go", findings)
