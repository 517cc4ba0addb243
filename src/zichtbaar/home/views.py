"""The employee's home: moments for them, a draft or two to share, and what their barrier needs
(the guideline's "yes, you may" or their reach)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render

from zichtbaar.compose import selectors as compose_selectors
from zichtbaar.compose.suggestions import Suggestion
from zichtbaar.guideline.selectors import published_version
from zichtbaar.home import selectors
from zichtbaar.moments import selectors as moment_selectors
from zichtbaar.moments.models import Moment
from zichtbaar.orgs.decorators import member_required
from zichtbaar.orgs.http import TenantRequest
from zichtbaar.orgs.models import Barrier, Membership
from zichtbaar.sharing import services as sharing_services

FEATURED = 2


def _featured(
    membership: Membership, moments: list[Moment]
) -> list[tuple[Moment, Suggestion | None]]:
    """The first moments this person can share and hasn't yet, each with one ready draft."""
    consent = membership.user.profile.consent_tracking
    featured = []
    for moment in [m for m in moments if not m.is_embargoed and not getattr(m, "i_shared", False)][
        :FEATURED
    ]:
        link = sharing_services.get_or_create_link(moment, membership.user) if consent else None
        url = compose_selectors.share_url(moment, link.code if link else None, settings.SITE_URL)
        drafts = compose_selectors.drafts_for(moment, membership, url, count=1, use_model=False)
        featured.append((moment, drafts[0] if drafts else None))
    return featured


@member_required
def home(request: TenantRequest) -> HttpResponse:
    membership = request.membership
    profile = membership.user.profile
    if profile.onboarded_at is None:
        return redirect("orgs:onboarding", step=1)
    moments = list(moment_selectors.moments_for(membership)[:60])
    featured = []
    if profile.barrier in ("", Barrier.RELEVANCE, Barrier.NONE):
        featured = _featured(membership, moments)
    guideline = None
    if profile.barrier == Barrier.PERMISSION:
        guideline = published_version(membership.org_id)
    reach = selectors.your_reach(profile, membership.org)
    return render(
        request,
        "home/home.html",
        {
            "profile": profile,
            "guideline": guideline,
            # Shareable now first (the selector's order within each); under embargo apart, soonest first.
            "moments": [m for m in moments if not m.is_embargoed],
            "coming": sorted(
                (m for m in moments if m.is_embargoed), key=lambda m: m.shareable_from
            ),
            "featured": featured,
            "network_size": reach.network_size,
            "reach_low": reach.low,
            "reach_high": reach.high,
            "reach_rates": reach.rates,
            "your_reach": reach,
        },
    )
