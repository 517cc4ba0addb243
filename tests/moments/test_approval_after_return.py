"""A moment returned to its submitter can't be approved from a stale copy."""

from __future__ import annotations

import pytest

from zichtbaar.moments import services as moment_services
from zichtbaar.moments.models import MomentStatus


def test_approve_after_a_return_changes_nothing(make_moment, bob):
    moment = make_moment(status=MomentStatus.SUBMITTED, submitted_by=bob)
    stale = type(moment).objects.get(pk=moment.pk)
    moment_services.return_to_submitter(moment, "Please add a date.")
    with pytest.raises(moment_services.TransitionError):
        moment_services.approve(stale)
    moment.refresh_from_db()
    assert moment.status == MomentStatus.DRAFT and moment.review_comment == "Please add a date."
