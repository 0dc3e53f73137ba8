"""The staff roles are Django groups with exact permissions, made by a migration."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db


def _perms(name):
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_a_registry_clerk_decides_applications_and_reads_cases_but_not_the_audit_log():
    perms = _perms("Registry clerk")
    assert {"accounts.decide_organisation", "accounts.view_organisation", "filing.view_case"} <= perms
    assert "core.view_auditevent" not in perms
    assert not any(p.endswith(("delete_user", "change_user")) for p in perms)


def test_a_registry_supervisor_also_reads_the_audit_log():
    perms = _perms("Registry supervisor")
    assert _perms("Registry clerk") <= perms
    assert {"core.view_auditevent", "filing.change_case"} <= perms


def test_an_accounts_officer_only_reads_accounts():
    # Its payments permissions are granted by the payments app (tests/payments).
    assert {p for p in _perms("Accounts officer") if p.startswith("accounts.")} == {
        "accounts.view_user",
        "accounts.view_organisation",
        "accounts.view_membership",
    }


def test_a_system_administrator_manages_users_and_devices_but_cannot_decide_applications():
    perms = _perms("System administrator")
    assert {"accounts.change_user", "mfa.delete_authenticator", "core.view_auditevent"} <= perms
    assert "accounts.decide_organisation" not in perms


def test_nobody_may_change_or_delete_audit_events():
    for name in ("Registry clerk", "Registry supervisor", "Accounts officer", "System administrator"):
        perms = _perms(name)
        assert "core.change_auditevent" not in perms and "core.delete_auditevent" not in perms
