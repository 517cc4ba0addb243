"""Simple line icons for moment types, drawn for this project (24x24, stroke = currentColor)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ICONS = {
    "flag": '<path d="M5 21V4h11l-2 4 2 4H5"/>',
    "people": '<circle cx="8" cy="8" r="3"/><circle cx="16" cy="8" r="3"/>'
    '<path d="M2.5 20c0-3 2.5-5 5.5-5s5.5 2 5.5 5M10.5 20c0-3 2.5-5 5.5-5s5.5 2 5.5 5"/>',
    "megaphone": '<path d="M3 10v4h4l8 5V5l-8 5H3z"/><path d="M18 9a4 4 0 0 1 0 6"/>',
    "link": '<circle cx="9" cy="12" r="5"/><circle cx="15" cy="12" r="5"/>',
    "calendar": '<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4M16 3v4"/>',
    "target": '<circle cx="12" cy="12" r="9"/><circle cx="12" cy="12" r="5"/><circle cx="12" cy="12" r="1"/>',
    "medal": '<circle cx="12" cy="9" r="6"/><path d="M9 14l-2 7 5-3 5 3-2-7"/>',
    "person-plus": '<circle cx="10" cy="8" r="4"/><path d="M3 21c0-4 3-7 7-7s7 3 7 7M19 7v6M16 10h6"/>',
    "document": '<path d="M6 3h9l4 4v14H6z"/><path d="M9 12h7M9 16h7M9 8h3"/>',
    "cap": '<path d="M2 9l10-5 10 5-10 5z"/><path d="M6 11v5c3 2 9 2 12 0v-5"/>',
    "dot": '<circle cx="12" cy="12" r="8"/>',
}
# Icons comms can give a moment type (the rest are status icons).
TYPE_ICONS = list(ICONS)
ICONS |= {
    # Status icons: the check's colours always come with a word and one of these.
    "clock": '<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>',
    "check": '<circle cx="12" cy="12" r="9"/><path d="M8 12l3 3 5-6"/>',
    "bulb": '<path d="M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z"/>',
    "hand": '<circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.5"/>',
}


@register.simple_tag
def moment_icon(name: str, size: int = 20) -> SafeString:
    """An inline SVG; decorative, so hidden from screen readers (the type's name is text beside it)."""
    body = ICONS.get(name, ICONS["dot"])
    return mark_safe(  # noqa: S308 (only our own constant markup and an int)
        f'<svg class="icon" width="{int(size)}" height="{int(size)}" viewBox="0 0 24 24" fill="none" '
        f'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" '
        f'aria-hidden="true" focusable="false">{body}</svg>'
    )
