"""Writes for privacy: erasing a person, while the organisation's totals stay true."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zichtbaar.guideline.models import Acknowledgement
from zichtbaar.moments.models import Moment
from zichtbaar.nudges.models import Channel, Message, Preference
from zichtbaar.orgs.models import Invitation, Membership, Profile, User
from zichtbaar.privacy.selectors import addresses_of, to_any_of
from zichtbaar.sharing.models import Click, ClickDaily, Share, TrackedLink
from zichtbaar.sharing.selectors import forget_code

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    shares: int  # kept as anonymous counts
    links: int  # keep redirecting, without an owner
    clicks: int  # kept in the totals
    sessions: int


def erase_person(user: User) -> Erased:
    """Delete the person and everything that points to them, in one transaction.

    What they did for their organisation stays as numbers without a name: shares and their
    tracked links lose their owner (user -> NULL), so clicks stay in the dashboards and the links
    in their public posts keep redirecting. The text and address of their posts go: those are
    theirs. Moments they wrote belong to the organisation and stay, without an author.
    """
    with transaction.atomic():
        # Two erasures at once (two tabs) must not both run: the second finds no row.
        locked = User.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            return Erased(0, 0, 0, 0)
        addresses = addresses_of(locked)
        codes = list(TrackedLink.objects.filter(user=locked).values_list("code", flat=True))
        clicks = Click.objects.filter(link__user=locked, is_bot=False).count()
        shares = Share.objects.filter(user=locked).update(user=None, text="", post_url="")
        links = TrackedLink.objects.filter(user=locked).update(user=None)
        ClickDaily.objects.filter(user=locked).update(user=None)
        Moment.objects.filter(created_by=locked).update(created_by=None)
        Moment.objects.filter(submitted_by=locked).update(submitted_by=None)
        Acknowledgement.objects.filter(user=locked).delete()
        # Mail to their addresses (sign-in codes, invitations) and invitations naming them.
        Message.objects.filter(membership__user=locked).delete()
        Message.objects.filter(
            to_any_of("to", addresses),
            membership__isnull=True,
            webhook__isnull=True,
            channel=Channel.EMAIL,
        ).delete()
        Invitation.objects.filter(to_any_of("email", addresses)).delete()
        Preference.objects.filter(membership__user=locked).delete()
        Membership.objects.filter(user=locked).delete()
        Profile.objects.filter(user=locked).delete()
        EmailAddress.objects.filter(user=locked).delete()
        sessions = _delete_sessions(locked.pk)
        locked.delete()
        # A cached destination still says "count clicks" for a few minutes: forget it.
        transaction.on_commit(lambda: _forget(codes))
    logger.info("erased a person: %s shares and %s links kept anonymously", shares, links)
    return Erased(shares=shares, links=links, clicks=clicks, sessions=sessions)


def _forget(codes: list[str]) -> None:
    for code in codes:
        forget_code(code)


def _delete_sessions(user_id: int) -> int:
    """Sign the person out everywhere: delete every stored session that belongs to them.

    Sessions are not indexed by person, so the live ones are read and decoded. Engines that
    keep no table (signed cookies, the cache alone) cannot be listed; those sessions still
    end, because the account they point to is gone.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    get_model = getattr(store_class, "get_model_class", None)
    if get_model is None:
        return 0
    model = get_model()
    wanted = str(user_id)
    store = store_class()
    keys = [
        key
        for key, data in model.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator(chunk_size=2000)
        if str(store.decode(data).get("_auth_user_id", "")) == wanted
    ]
    for key in keys:
        store_class(session_key=key).delete()  # also drops a cached copy (cached_db)
    return len(keys)
