"""Encrypt HKID numbers at rest (icms.core.crypto).

The values already stored are encrypted here with raw SQL: the model's field would try
to decrypt them on reading. Reversing decrypts them back into the 12-character column.
"""

from django.db import migrations

import accounts.hkid
import icms.core.fields
from icms.core.crypto import decrypt, encrypt, is_encrypted


def _rewrite(schema_editor, change, needs_change) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, hkid FROM accounts_user WHERE hkid <> ''")
        for pk, value in cursor.fetchall():
            if needs_change(value):
                cursor.execute("UPDATE accounts_user SET hkid = %s WHERE id = %s", [change(value), pk])


def encrypt_numbers(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _rewrite(schema_editor, encrypt, lambda value: not is_encrypted(value))


def decrypt_numbers(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    _rewrite(schema_editor, decrypt, is_encrypted)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_api_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="hkid",
            field=icms.core.fields.EncryptedTextField(
                blank=True, validators=[accounts.hkid.validate_hkid], verbose_name="HKID number"
            ),
        ),
        migrations.RunPython(encrypt_numbers, decrypt_numbers),
    ]
