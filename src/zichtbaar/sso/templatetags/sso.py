"""`{% linkedin_sign_in as flag %}`: whether the sign-in page offers Sign in with LinkedIn."""

from __future__ import annotations

from django import template

from zichtbaar.sso import providers

register = template.Library()


@register.simple_tag
def linkedin_sign_in() -> bool:
    return providers.linkedin_sign_in()
