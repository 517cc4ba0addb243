"""The demo's workshops: one whose effect report is ready, one for today's projector."""

from __future__ import annotations

import pytest
from django.utils import translation

from zichtbaar.demo.builder import load_demo
from zichtbaar.orgs.models import Organisation
from zichtbaar.workshops import selectors

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_workshop_with_a_ready_report_and_one_for_today():
    load_demo(scale=0.1)
    org = Organisation.objects.get(slug="demo")
    earlier, today = sorted(org.workshops.all(), key=lambda w: w.held_on)
    report = selectors.report(earlier)
    assert report.ready and report.effect is not None
    assert report.effect.has_comparison
    assert report.effect.participants >= 5
    with translation.override("en"):
        assert report.effect.sentence()
    assert today.is_open and not today.participants.exists()
    load_demo(scale=0.1)  # again: rebuilt, not added
    assert org.workshops.count() == 2
