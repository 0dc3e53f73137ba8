"""Encryption at rest for the few values a database dump must never reveal (HKID numbers,
two-factor secrets: accounts/mfa_adapter.py).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under the keys in
``settings.FIELD_ENCRYPTION_KEYS``: the first encrypts, every one decrypts, so a key is
rotated by putting the new one first and re-encrypting (``MultiFernet.rotate``, ``manage.py
reencrypt_secrets``). Without that setting the key is derived from ``SECRET_KEY``, and
``check --deploy`` warns (icms.W020): rotating ``SECRET_KEY`` would then make the stored
values unreadable.

Encryption is randomised, so an encrypted field can be read and written but never
searched, compared or made unique in SQL.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def derived_key(secret: str) -> str:
    """A Fernet key derived from ``secret`` (the fallback when no key is configured)."""
    digest = hashlib.sha256(b"icms-field-encryption:" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def encryption_keys() -> list[str]:
    """The configured keys, first one encrypting; or the key derived from ``SECRET_KEY``."""
    return list(settings.FIELD_ENCRYPTION_KEYS) or [derived_key(settings.SECRET_KEY)]


def _fernet() -> MultiFernet:
    keys = encryption_keys()
    try:
        return MultiFernet([Fernet(key.strip()) for key in keys])
    except (ValueError, TypeError) as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes), "
            "e.g. from: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from error


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def _open(token: str, *, rotating: bool) -> str:
    fernet = _fernet()
    try:
        opened = fernet.rotate(token.encode()) if rotating else fernet.decrypt(token.encode())
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with FIELD_ENCRYPTION_KEYS: was a key removed or SECRET_KEY changed?"
        ) from error
    return opened.decode()


def decrypt(token: str) -> str:
    """The plain text of ``token``; ``ImproperlyConfigured`` when no configured key opens it."""
    return _open(token, rotating=False)


def rotate(token: str) -> str:
    """``token`` encrypted again under the first key (``MultiFernet.rotate``), for key rotation.

    ``ImproperlyConfigured`` when no configured key opens it, as for :func:`decrypt`.
    """
    return _open(token, rotating=True)


def is_encrypted(value: str) -> bool:
    """Whether ``value`` looks like a Fernet token (version byte 0x80, so it starts "gAAAAA")."""
    return value.startswith("gAAAAA")
