"""HKID numbers are encrypted at rest: the column holds a token, the model the number."""

import importlib

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.models import User
from icms.core import crypto
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _column(user: User) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hkid FROM accounts_user WHERE id = %s", [user.pk])
        return cursor.fetchone()[0]


def test_the_number_is_never_in_the_database_in_clear():
    user = UserFactory(hkid="A1234563")
    stored = _column(user)
    assert "A1234563" not in stored and "1234563" not in stored
    assert crypto.is_encrypted(stored)
    assert User.objects.get(pk=user.pk).hkid == "A1234563"
    assert User.objects.get(pk=user.pk).hkid_masked == "A123***(*)"


def test_no_number_stays_empty_not_an_encrypted_empty_string():
    user = UserFactory(hkid="")
    assert _column(user) == ""
    assert User.objects.get(pk=user.pk).hkid == ""


def test_a_rotated_key_still_reads_what_the_old_one_wrote(settings):
    old = crypto.encryption_keys()[0]
    user = UserFactory(hkid="A1234563")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert User.objects.get(pk=user.pk).hkid == "A1234563"
    user.save()
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]  # the old key retired
    assert User.objects.get(pk=user.pk).hkid == "A1234563"


def test_a_value_no_key_opens_is_a_configuration_error_not_a_silent_blank(settings):
    user = UserFactory(hkid="A1234563")
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        User.objects.get(pk=user.pk)


def test_the_migration_encrypts_numbers_stored_in_clear_and_leaves_encrypted_ones():
    migration = importlib.import_module("accounts.migrations.0006_encrypt_hkid")
    clear, done = UserFactory(), UserFactory(hkid="B9876540")
    before = _column(done)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET hkid = 'A1234563' WHERE id = %s", [clear.pk])
    migration.encrypt_numbers(None, connection.schema_editor())
    assert crypto.is_encrypted(_column(clear))
    assert User.objects.get(pk=clear.pk).hkid == "A1234563"
    assert _column(done) == before
    migration.decrypt_numbers(None, connection.schema_editor())
    assert _column(clear) == "A1234563" and _column(done) == "B9876540"
