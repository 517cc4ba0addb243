"""Drafts worth posting, measured on the demo organisation over every person and every moment
they can share now: the language is the person's (or, where the moment lacks it, the moment's),
no draft claims an involvement that isn't true, no stock draft fails the check, and colleagues
don't get identical first drafts.

The language is told by a detector (langdetect, seeded), asked to choose between Dutch and
English only; the hashtags and the link are left out, as they are not sentences.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from langdetect import DetectorFactory, detect_langs

from zichtbaar.compose import selectors
from zichtbaar.demo.builder import load_demo
from zichtbaar.guideline import checking
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.models import Membership, Organisation

DetectorFactory.seed = 0

# What only someone who was there says: never in a draft for someone who wasn't.
INSIDER = {
    "nl": (
        "van dichtbij",
        "zat ik",
        "ons team",
        "mijn team",
        "wij hebben",
        "we hebben",
        "we leverden",
    ),
    "en": ("my team", "our team", "we delivered", "i was part of", "i was close", "we built"),
}


def _sentences(text: str) -> str:
    lines = [
        line
        for line in text.split("\n")
        if line.strip() and not line.lstrip().startswith(("#", "http"))
    ]
    return re.sub(r"https?://\S+", "", " ".join(lines))


def _language(text: str) -> str:
    scores = {c.lang: c.prob for c in detect_langs(text)}
    return "nl" if scores.get("nl", 0) >= scores.get("en", 0) else "en"


@pytest.mark.django_db
def test_demo_drafts_are_in_one_language_true_to_who_was_involved_and_pass_the_check(capsys):
    load_demo(scale=0.05)
    org = Organisation.objects.get(slug="demo")
    people = list(
        Membership.objects.filter(org=org, is_active=True).select_related(
            "user__profile", "team", "org"
        )
    )
    total = wrong_language = false_claims = change = 0
    insider_drafts = 0
    first_drafts: dict[int, list[str]] = {}
    for membership in people:
        moments = moment_selectors.moments_for(membership).filter(
            pk__in=Moment.objects.shareable_now().values("pk")
        )
        for moment in moments:
            context = selectors.draft_context(moment, membership, moment.link)
            expected = moment.text(membership.user.profile.language).language
            drafts = selectors.drafts_for(moment, membership, moment.link, count=4)
            offered = tuple(d.text for d in drafts)
            first_drafts.setdefault(moment.pk, []).append(drafts[0].text)
            for draft in drafts:
                total += 1
                if _language(_sentences(draft.text)) != expected:
                    wrong_language += 1
                said = draft.text.casefold()
                claims = any(phrase in said for phrase in INSIDER[context.language])
                if claims and not context.involved:
                    false_claims += 1
                insider_drafts += claims and context.involved
                result = checking.check_post(
                    draft.text,
                    moment=moment,
                    membership=membership,
                    offered=offered,
                    language=context.language,
                )
                change += result.verdict == "change"
    identical = sum(
        sum(n - 1 for n in Counter(texts).values() if n > 1) for texts in first_drafts.values()
    )
    firsts = sum(len(texts) for texts in first_drafts.values())
    with capsys.disabled():
        print(
            f"\ndemo drafts: {total} drafts for {len(people)} people; "
            f"other language {wrong_language} ({wrong_language / total:.1%}), "
            f"false involvement {false_claims} ({false_claims / total:.1%}), "
            f"verdict 'change' {change} ({change / total:.1%}), "
            f"identical first drafts {identical} of {firsts}"
        )
    assert total > 1000
    assert wrong_language == 0
    assert false_claims == 0
    assert insider_drafts > 0  # the involved do get to say "we"
    assert change == 0
    assert identical == 0
