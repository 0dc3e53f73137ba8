"""Re-encrypting what is stored encrypted at rest: HKID numbers and two-factor secrets.

Both are Fernet tokens under ``FIELD_ENCRYPTION_KEYS`` (:mod:`icms.core.crypto`); the
first key encrypts and every key decrypts. To rotate a key (docs/configuration.md):

1. put the new key first and keep the old ones after it, then restart every process,
   so that nothing writes under the old key any more;
2. run ``manage.py reencrypt_secrets`` (:func:`secrets_reencrypt`);
3. remove the old key.

Two-factor secrets live inside allauth's JSON column, which no model field of ours
decrypts, so they are rewritten here value by value (and by migration
``0010_encrypt_mfa_secrets``, with the historical model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.db import transaction

from icms.core import crypto

from .models import User

# The values of ``Authenticator.data`` that allauth passes through the adapter's
# ``encrypt()`` (accounts/mfa_adapter.py), by authenticator type: one string each...
SECRET_VALUES: dict[str, str] = {Authenticator.Type.TOTP: "secret", Authenticator.Type.RECOVERY_CODES: "seed"}
# ...and a list of strings (recovery codes imported from another system).
SECRET_LISTS: dict[str, str] = {Authenticator.Type.RECOVERY_CODES: "migrated_codes"}


def encrypt_if_clear(value: str) -> str:
    return value if crypto.is_encrypted(value) else crypto.encrypt(value)


def decrypt_if_encrypted(value: str) -> str:
    return crypto.decrypt(value) if crypto.is_encrypted(value) else value


def reencrypt(value: str) -> str:
    """``value`` under the first key; a value left in clear is encrypted."""
    return crypto.rotate(value) if crypto.is_encrypted(value) else crypto.encrypt(value)


def mfa_data_rewrite(*, authenticator_type: str, data: dict[str, Any], change: Callable[[str], str]) -> bool:
    """Replace each secret in an authenticator's ``data`` by ``change(secret)``, in place.

    Returns whether anything changed, so that a row already in the wanted form is not written.
    """
    before = repr(data)
    key = SECRET_VALUES.get(authenticator_type)
    if key is not None and isinstance(data.get(key), str):
        data[key] = change(data[key])
    list_key = SECRET_LISTS.get(authenticator_type)
    if list_key is not None and isinstance(data.get(list_key), list):
        data[list_key] = [change(value) for value in data[list_key]]
    return repr(data) != before


def mfa_secrets_rewrite(*, authenticator_model: type[Authenticator], change: Callable[[str], str]) -> int:
    """Apply ``change`` to the secrets of every authenticator; returns how many rows changed.

    ``authenticator_model`` is allauth's model, or its historical version in a migration.
    Each row is rewritten under its own row lock: allauth rewrites ``data`` under the same
    lock when a recovery code is used, and writing back a stale copy would make that code
    valid again. Short transactions keep sign-ins waiting a moment at most.
    """
    manager = authenticator_model._default_manager
    pks = list(manager.filter(type__in=SECRET_VALUES).order_by("pk").values_list("pk", flat=True))
    rewritten = 0
    for pk in pks:
        with transaction.atomic():
            authenticator = manager.select_for_update().filter(pk=pk).first()
            if authenticator is None:  # removed by its user meanwhile
                continue
            if mfa_data_rewrite(authenticator_type=authenticator.type, data=authenticator.data, change=change):
                manager.filter(pk=pk).update(data=authenticator.data)
                rewritten += 1
    return rewritten


def hkid_numbers_reencrypt() -> int:
    """Write every stored HKID number again, so that it is encrypted under the first key."""
    pks = list(User.objects.exclude(hkid="").order_by("pk").values_list("pk", flat=True))
    for pk in pks:
        with transaction.atomic():
            # Reading decrypts with any key and writing encrypts with the first (EncryptedTextField).
            user = User.objects.select_for_update().only("pk", "hkid").filter(pk=pk).first()
            if user is not None:
                User.objects.filter(pk=pk).update(hkid=user.hkid)
    return len(pks)


@dataclass(frozen=True)
class Reencrypted:
    hkid_numbers: int
    authenticators: int


def secrets_reencrypt() -> Reencrypted:
    """Encrypt every value stored encrypted at rest again under the first configured key.

    Safe to run twice, and while the portal serves. A value no configured key opens stops
    the run with ``ImproperlyConfigured``: a key was removed too early.
    """
    return Reencrypted(
        hkid_numbers=hkid_numbers_reencrypt(),
        authenticators=mfa_secrets_rewrite(authenticator_model=Authenticator, change=reencrypt),
    )
