"""The check comms see before a moment is published: on its texts and on the drafts it will give.

A moment reaches every colleague in its audience as draft posts, so a client who may not be
named, personal data, a confidential term or an internal link in it would be offered to all of
them, and the product's own stock draft would then fail its own check. Saving shows these
findings; publishing (or approving a suggestion) is refused while any is left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zichtbaar.compose.suggestions import DraftContext, TemplateWriter, all_angles
from zichtbaar.guideline import selectors as guideline_selectors
from zichtbaar.guideline.checker import check
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Organisation

# What stops publishing: things that must never reach every colleague's drafts. Timing rules
# (embargo, quiet period) are the moment's own settings, style tips are for posts.
PUBLISH_BLOCKING_PREFIXES = ("personal_data.", "confidential.", "client.", "link.internal")


@dataclass(frozen=True)
class ReviewFinding:
    where: str  # "the texts (Dutch)", "the drafts (English)"
    code: str
    message: str
    suggestion: str
    excerpt: str


@dataclass(frozen=True)
class MomentReview:
    findings: tuple[ReviewFinding, ...]

    @property
    def blocking(self) -> bool:
        return bool(self.findings)


def _blocks(code: str) -> bool:
    return code.startswith(PUBLISH_BLOCKING_PREFIXES)


def _language_name(code: str) -> str:
    return _("Dutch") if code == "nl" else _("English")


def _draft_contexts(
    moment: Moment, language: str, involved_team_names: tuple[str, ...]
) -> Iterable[DraftContext]:
    """Drafts as an insider and as a colleague would get them, with every angle."""
    texts = moment.text(language)
    for involved in (True, False):
        yield DraftContext(
            moment_id=moment.pk or 0,
            moment_type=moment.type.key if moment.type_id else "default",
            title=texts.title,
            what_happened=texts.what_happened,
            facts_who=texts.facts_who,
            facts_what=texts.facts_what,
            facts_where=texts.facts_where,
            client_name=moment.client_name,
            client_may_be_named=moment.client_may_be_named,
            link=moment.link,
            person_id=0,
            person_first_name="",
            job_title="",
            language=texts.language,
            formal=moment.org.formal_tone,
            org_name=moment.org.name,
            angles=tuple(moment.type.angles or ()) if moment.type_id else (),
            involved=involved,
            involved_teams=involved_team_names,
            tags=tuple(moment.hashtags()),
        )


def review_moment(
    moment: Moment, org: Organisation, involved_team_names: tuple[str, ...] = ()
) -> MomentReview:
    """The findings that stop this (possibly unsaved) moment from being published."""
    found: dict[tuple[str, str, str], ReviewFinding] = {}
    writer = TemplateWriter()
    for language in moment.languages:
        texts = moment.text(language)
        ctx = guideline_selectors.check_context(org, language=language, moment=moment)
        body = "\n\n".join(
            part
            for part in (
                texts.title,
                texts.what_happened,
                texts.facts_who,
                texts.facts_what,
                texts.facts_where,
            )
            if part
        )
        where_texts = _("the texts (%(language)s)") % {"language": _language_name(language)}
        where_drafts = _("the drafts (%(language)s)") % {"language": _language_name(language)}
        sources = [(where_texts, body)]
        for draft_ctx in _draft_contexts(moment, language, involved_team_names):
            count = len(all_angles(language))
            sources += [(where_drafts, s.text) for s in writer.suggest(draft_ctx, count=count)]
        for where, text in sources:
            for finding in check(text, ctx).findings:
                if not _blocks(finding.code):
                    continue
                excerpt = text[finding.start : finding.end]
                key = (where, finding.code, excerpt.casefold())
                found.setdefault(
                    key,
                    ReviewFinding(
                        where, finding.code, finding.message, finding.suggestion, excerpt
                    ),
                )
    return MomentReview(tuple(found.values()))
