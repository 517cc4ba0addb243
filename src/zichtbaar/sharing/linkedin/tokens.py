"""LinkedIn access tokens at rest: encrypted with Fernet, several keys for rotation.

ZICHTBAAR_LINKEDIN_TOKEN_KEYS is a comma-separated list of Fernet keys (or a file with them,
ZICHTBAAR_LINKEDIN_TOKEN_KEYS_FILE). The first key encrypts; every key decrypts
(MultiFernet). To rotate: put a new key first, keep the old ones after it, restart, run
`zichtbaar linkedin_rotate_keys` (re-encrypts every stored token with the first key), then
drop the old keys (docs/linkedin.md, "Rotating the token key").
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys() -> list[str]:
    value = settings.ZICHTBAAR_LINKEDIN_TOKEN_KEYS
    keys = value if isinstance(value, list | tuple) else str(value).split(",")
    return [k.strip() for k in keys if k and k.strip()]


def _fernet() -> MultiFernet:
    keys = _keys()
    if not keys:
        raise ImproperlyConfigured(
            "Set ZICHTBAAR_LINKEDIN_TOKEN_KEYS (a Fernet key) to store LinkedIn tokens."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "ZICHTBAAR_LINKEDIN_TOKEN_KEYS holds a value that is not a Fernet key "
            "(32 url-safe base64-encoded bytes)."
        ) from exc


class Unreadable(Exception):
    """No configured key opens this token (its key was dropped before rotating)."""


def encrypt(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise Unreadable("no configured key opens this LinkedIn token") from exc


def rotate(stored: str) -> str:
    """The same token encrypted with the first key (MultiFernet.rotate)."""
    try:
        return _fernet().rotate(stored.encode()).decode()
    except InvalidToken as exc:
        raise Unreadable("no configured key opens this LinkedIn token") from exc


def new_key() -> str:
    return Fernet.generate_key().decode()
