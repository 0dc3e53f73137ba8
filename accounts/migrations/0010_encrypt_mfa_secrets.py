"""Encrypt the two-factor secrets already stored (TOTP secrets, recovery-code seeds).

From this release allauth writes them through accounts.mfa_adapter.MFAAdapter, which
encrypts under FIELD_ENCRYPTION_KEYS and refuses to read a value in clear; this brings
the rows written before it into line. Values already encrypted are left as they are, so
running it again changes nothing. Reversing decrypts them, for going back to a release
without the adapter (remove MFA_ADAPTER from the settings in the same step).
"""

from django.db import migrations

from accounts.encryption import decrypt_if_encrypted, encrypt_if_clear, mfa_secrets_rewrite


def encrypt_secrets(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    mfa_secrets_rewrite(authenticator_model=apps.get_model("mfa", "Authenticator"), change=encrypt_if_clear)


def decrypt_secrets(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    mfa_secrets_rewrite(authenticator_model=apps.get_model("mfa", "Authenticator"), change=decrypt_if_encrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_outbox_permissions"),
        # The table (mfa_authenticator) is allauth's, created by its 0001; its latest
        # migration gives the historical model its current fields.
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]
