"""The OpenID client secret at rest: Fernet with keys derived from SECRET_KEY.

No extra key to configure: HKDF turns SECRET_KEY (which encrypts) and SECRET_KEY_FALLBACKS
(which still decrypt) into Fernet keys, so rotating SECRET_KEY the Django way (old key into
the fallbacks) keeps secrets readable; `zichtbaar sso_rotate_secrets` re-encrypts them with the
new key before the old one is dropped (docs/integrations.md).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"zichtbaar.sso client secrets"


def _key(secret: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode()
    )
    return base64.urlsafe_b64encode(derived)


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(k)) for k in keys if k])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(stored: str) -> str:
    """The secret, or "" when no key opens it any more (the admin is asked to enter it again)."""
    if not stored:
        return ""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return ""


def rotate(stored: str) -> str:
    try:
        return _fernet().rotate(stored.encode()).decode() if stored else ""
    except InvalidToken:
        return stored
