"""The Django side of the "May I share this?" check: gathers what the pure checker needs for a
person and a moment, runs it, and adds what the organisation decided about blocking.

Composing a post and the comms "try a text" page both check through here, so the employee and
comms always see the same verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from zichtbaar.guideline import selectors
from zichtbaar.guideline.checker import CHANGE, UNCHECKED
from zichtbaar.sharing.models import Share

if TYPE_CHECKING:
    from zichtbaar.guideline.checker import Finding
    from zichtbaar.moments.models import Moment
    from zichtbaar.orgs.models import Membership

# How many colleagues' posts the authenticity check compares against (the newest).
MAX_COLLEAGUE_TEXTS = 300


@dataclass(frozen=True)
class CheckResult:
    """The checker's verdict plus what the organisation decided about blocking."""

    verdict: str  # "go", "tips", "change" or "unchecked" (the check failed: never "go")
    findings: tuple[Finding, ...]
    blocking_codes: frozenset[str]

    @property
    def blocking(self) -> bool:
        """A finding comms made blocking (or LinkedIn's hard limit): sharing is not possible."""
        return any(f.code in self.blocking_codes for f in self.findings)

    @property
    def unchecked(self) -> bool:
        return self.verdict == UNCHECKED

    @property
    def needs_confirmation(self) -> bool:
        # By the findings, not the verdict: a partly failed check still asks about what it found.
        return any(f.severity == CHANGE for f in self.findings) and not self.blocking

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "verdict": self.verdict,
            "findings": [f.as_dict() for f in self.findings],
        }
        if self.unchecked:
            data["message"] = unchecked_message()
        return data


def unchecked_message() -> str:
    return _("We couldn't check this text just now. Please read the guideline before you share.")


def check_post(
    text: str,
    *,
    moment: Moment | None,
    membership: Membership,
    offered: tuple[str, ...] = (),
    language: str | None = None,
) -> CheckResult:
    """Check a post for this person and moment against the organisation's guideline rules."""
    from zichtbaar.guideline.checker import check

    colleague_texts: tuple[str, ...] = ()
    if moment is not None:
        colleague_texts = tuple(
            Share.objects.filter(moment=moment)
            .exclude(user_id=membership.user_id)
            .order_by("-shared_at")
            .values_list("text", flat=True)[:MAX_COLLEAGUE_TEXTS]
        )
    ctx = selectors.check_context(
        membership.org,
        language=language or membership.user.profile.language,
        moment=moment,
        offered_texts=offered,
        colleague_texts=colleague_texts,
    )
    verdict = check(text, ctx)
    blocking = frozenset(code for code, rule in ctx.rules.items() if rule.blocking)
    return CheckResult(verdict.verdict, tuple(verdict.findings), blocking)


def highlight(text: str, findings: tuple[Finding, ...]) -> list[tuple[str, int | None]]:
    """The text in pieces, each with the number (1-based) of the finding that marks it, if any."""
    spans = sorted(
        ((f.start, f.end, i) for i, f in enumerate(findings, start=1) if f.end > f.start),
    )
    pieces: list[tuple[str, int | None]] = []
    pos = 0
    for start, end, number in spans:
        if start < pos:  # overlaps an earlier mark: the earlier one stands
            continue
        if start > pos:
            pieces.append((text[pos:start], None))
        pieces.append((text[start:end], number))
        pos = end
    if pos < len(text):
        pieces.append((text[pos:], None))
    return pieces
