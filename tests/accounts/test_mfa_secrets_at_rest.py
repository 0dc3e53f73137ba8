"""Two-factor secrets are encrypted at rest: mfa_authenticator holds tokens, never the secret."""

import importlib
import json
from io import StringIO

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse

from accounts.models import User
from icms.core import crypto
from tests.factories import PASSWORD, UserFactory, totp_code, totp_for

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0010_encrypt_mfa_secrets")
LEGACY_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, as allauth generates
LEGACY_SEED = "5eed" * 20  # hex, as allauth generates


def _row(authenticator: Authenticator) -> str:
    """The stored row as text, the way a database dump shows it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM mfa_authenticator t WHERE id = %s", [authenticator.pk])
        return cursor.fetchone()[0]


def _data(authenticator: Authenticator) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        return json.loads(cursor.fetchone()[0])


def _store_in_clear(authenticator: Authenticator, data: dict) -> None:
    """Write ``data`` as a release without the adapter did: straight into the column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mfa_authenticator SET data = %s::jsonb WHERE id = %s", [json.dumps(data), authenticator.pk]
        )


def _sign_in(user: User, code: str) -> bool:
    """Whether the password followed by ``code`` on allauth's pages signs ``user`` in."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": code})
    return client.session.get("_auth_user_id") == str(user.pk)


def _set_up_through_the_pages(user: User) -> tuple[str, list[str]]:
    """Activate an authenticator app the way a user does; returns its secret and the recovery codes shown."""
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    # Just signed in: no second password prompt (accounts.adapter, ACCOUNT_REAUTHENTICATION_TIMEOUT).
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")
    codes = client.get(response.url).context["unused_codes"]
    return secret, codes


@pytest.fixture
def user(db) -> User:
    return UserFactory()


def test_a_secret_set_up_through_the_pages_is_not_in_the_database_and_still_signs_in(user):
    secret, _ = _set_up_through_the_pages(user)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    row = _row(totp)
    assert secret not in row and secret.lower() not in row
    assert crypto.is_encrypted(_data(totp)["secret"])
    assert _sign_in(user, totp_code(secret))
    assert not _sign_in(user, "000000")


def test_recovery_codes_still_sign_in_once_and_their_seed_is_not_in_the_database(user):
    _, codes = _set_up_through_the_pages(user)
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    stored = _data(recovery)["seed"]
    assert crypto.is_encrypted(stored)
    row = _row(recovery)
    assert crypto.decrypt(stored) not in row
    assert not any(code in row for code in codes)
    assert _sign_in(user, codes[0])
    assert not _sign_in(user, codes[0])
    assert _sign_in(user, codes[1])


def test_a_secret_in_clear_is_refused_loudly_not_used():
    with pytest.raises(ImproperlyConfigured, match="reencrypt_secrets"):
        get_adapter().decrypt(LEGACY_SECRET)


def _legacy_rows(user: User) -> tuple[Authenticator, Authenticator]:
    """A TOTP and a recovery-codes authenticator as a release before the adapter stored them."""
    totp = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    _store_in_clear(totp, {"secret": LEGACY_SECRET})
    recovery = Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={})
    _store_in_clear(recovery, {"seed": LEGACY_SEED, "used_mask": 1, "migrated_codes": ["12345678"]})
    return totp, recovery


def _historical_apps():
    """The app registry as migration 0010 sees it (its historical models)."""
    return MigrationLoader(connection).project_state(("accounts", "0010_encrypt_mfa_secrets")).apps


def test_the_migration_encrypts_legacy_rows_once_and_its_reverse_decrypts_them(user):
    totp, recovery = _legacy_rows(user)
    other = UserFactory()
    totp_for(other)
    encrypted_row = Authenticator.objects.get(user=other, type=Authenticator.Type.TOTP)
    encrypted_before = _row(encrypted_row)

    migration.encrypt_secrets(_historical_apps(), connection.schema_editor())
    after_once = (_row(totp), _row(recovery))
    assert LEGACY_SECRET not in after_once[0] and LEGACY_SEED not in after_once[1]
    assert "12345678" not in after_once[1]
    assert _data(recovery)["used_mask"] == 1  # what is not secret stays as it was
    assert _row(encrypted_row) == encrypted_before  # already encrypted: left alone

    migration.encrypt_secrets(_historical_apps(), connection.schema_editor())
    assert (_row(totp), _row(recovery)) == after_once  # idempotent

    # The legacy secret still signs in, through the adapter.
    assert _sign_in(user, totp_code(LEGACY_SECRET))
    assert RecoveryCodes(Authenticator.objects.get(pk=recovery.pk)).get_unused_codes() == ["12345678"]

    migration.decrypt_secrets(_historical_apps(), connection.schema_editor())
    assert _data(totp) == {"secret": LEGACY_SECRET}
    assert _data(recovery) == {"seed": LEGACY_SEED, "used_mask": 1, "migrated_codes": ["12345678"]}


def test_a_new_first_key_reads_old_rows_and_the_command_moves_them_to_it(user, settings):
    old = crypto.encryption_keys()[0]
    secret = totp_for(user)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    user.hkid = "A1234563"
    user.save()
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    before = _data(totp)["secret"]

    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    assert _sign_in(user, totp_code(secret))  # the old key still opens the old rows

    output = StringIO()
    call_command("reencrypt_secrets", stdout=output)
    assert "1 HKID numbers and 2 two-factor authenticators" in output.getvalue()
    after = _data(totp)["secret"]
    assert after != before and crypto.is_encrypted(after)

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key retired
    assert crypto.decrypt(after) == secret
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(recovery).get_unused_codes() == codes
    assert User.objects.get(pk=user.pk).hkid == "A1234563"
    # TOTP refuses a code twice, so the next sign-in uses a recovery code.
    assert _sign_in(user, codes[0])


def test_the_command_encrypts_a_secret_left_in_clear(user):
    totp, recovery = _legacy_rows(user)
    call_command("reencrypt_secrets", stdout=StringIO())
    assert LEGACY_SECRET not in _row(totp) and LEGACY_SEED not in _row(recovery)
    assert _sign_in(user, totp_code(LEGACY_SECRET))
