"""Two-factor secrets encrypted at rest, through django-allauth's MFA adapter hooks.

allauth (65.x) passes exactly these values of ``mfa_authenticator.data`` through
``encrypt``/``decrypt``, and they are what a database dump must not reveal:

- a TOTP authenticator's ``secret``, the key the user's authenticator app holds;
- a recovery-codes authenticator's ``seed``, from which every code is derived, and each
  of its ``migrated_codes`` (codes imported from another system; the portal has none).

The rest of ``data`` (``used_mask``, ``viewed_at``) lets nobody sign in. WebAuthn is not
offered (``MFA_SUPPORTED_TYPES``), and its data would be a public key anyway.

The values are Fernet tokens under ``FIELD_ENCRYPTION_KEYS`` (:mod:`icms.core.crypto`),
the same keys and rotation as HKID numbers: ``manage.py reencrypt_secrets`` re-encrypts
them under the first key (:mod:`accounts.encryption`).
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter
from django.core.exceptions import ImproperlyConfigured

from icms.core import crypto


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no types
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        # No tolerance for a value in clear, on purpose. Migration
        # accounts.0010_encrypt_mfa_secrets encrypts every stored value when `migrate` runs,
        # which is before the new code serves a request (docker-compose runs it ahead of
        # gunicorn), so no legacy value needs reading. Anything in clear afterwards was
        # written around this adapter (an old process during a rolling deploy, a restored
        # dump): accepting it silently would keep a secret readable forever and would let
        # whoever can write the table, without the keys, plant a secret of their choosing.
        # `manage.py reencrypt_secrets` encrypts such leftovers.
        if not crypto.is_encrypted(encrypted_text):
            raise ImproperlyConfigured(
                "A two-factor secret is stored in clear: run `manage.py reencrypt_secrets` to encrypt it."
            )
        return crypto.decrypt(encrypted_text)
