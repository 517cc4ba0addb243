"""Signals moments sends, so that higher apps can react without moments importing them."""

from __future__ import annotations

from django.dispatch import Signal

# A moment's link changed; sent after the change is committed, with `moment`. Sharing points
# the tracked links already in people's posts at the corrected address.
moment_link_changed = Signal()

# A colleague's suggestion moved in review; sent after the commit, with `moment` and `outcome`:
# "submitted" (new or sent again), "approved" or "returned". Nudges tell the people concerned.
moment_reviewed = Signal()

# A moment became published (published, approved or published again); sent after the commit,
# with `moment`. Integrations send the `moment.published` webhook.
moment_published = Signal()
