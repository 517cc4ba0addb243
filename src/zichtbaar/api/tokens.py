"""Making and recognising token secrets. Pure: no models.

A secret is `zb_` and 43 URL-safe characters (32 random bytes): far too many to guess, so a
plain SHA-256 of it is enough to store (no salt or slow hash needed, unlike a password).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "zb_"
PREFIX_LENGTH = len(PREFIX) + 8  # what is stored and shown: "zb_" and 8 characters
MAX_LENGTH = 200  # a longer header value is not one of ours, and is not hashed


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def prefix_of(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def looks_like_token(value: str) -> bool:
    return value.startswith(PREFIX) and PREFIX_LENGTH < len(value) <= MAX_LENGTH


def matches(secret: str, stored_digest: str) -> bool:
    """Constant-time comparison of a presented secret with a stored digest."""
    return hmac.compare_digest(digest(secret), stored_digest)
