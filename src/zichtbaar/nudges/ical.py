"""A person's calendar feed (RFC 5545): the moments for them, as all-day events."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from zichtbaar.moments.selectors import moments_for
from zichtbaar.nudges.models import Preference
from zichtbaar.nudges.selectors import compose_url

FEED_MOMENTS = 100


def feed(pref: Preference) -> bytes:
    membership = pref.membership
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    now = timezone.now()
    cal = Calendar()
    cal.add("prodid", "-//Zichtbaar//Moments//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    with translation.override(pref.lang):
        cal.add("x-wr-calname", _("Moments to share: %(org)s") % {"org": membership.org.name})
        for moment in moments_for(membership)[:FEED_MOMENTS]:
            url = compose_url(moment)
            event = Event()
            event.add("uid", f"moment-{moment.pk}@{host}")
            event.add("dtstamp", now)
            event.add("last-modified", moment.updated_at)
            event.add("dtstart", moment.happened_on)
            event.add("dtend", moment.happened_on + timedelta(days=1))
            texts = moment.text(pref.lang)
            event.add("summary", texts.title)
            lines = [texts.what_happened]
            with translation.override(texts.language):  # one language per entry
                if moment.shareable_until:
                    until = timezone.localtime(moment.shareable_until)
                    lines.append(
                        _("Shareable until %(date)s.") % {"date": f"{until:%Y-%m-%d %H:%M}"}
                    )
                lines.append(_("A draft is ready: %(url)s") % {"url": url})
            event.add("description", "\n\n".join(lines))
            event.add("url", url)
            event.add("transp", "TRANSPARENT")  # doesn't make anyone look busy
            cal.add_component(event)
    return cal.to_ical()
