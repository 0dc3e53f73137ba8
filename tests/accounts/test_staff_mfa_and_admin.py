"""Staff reach the admin only through allauth, with an authenticator app; MFA for everyone else."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from icms.core.models import AuditEvent
from tests.factories import PASSWORD, StaffFactory, totp_code, totp_for

pytestmark = pytest.mark.django_db


def test_the_admin_login_redirects_to_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=/admin/"
    assert client.get("/admin/").url.startswith("/admin/login/")


def test_a_signed_in_non_staff_user_is_refused_the_admin_without_a_loop(client, individual):
    client.force_login(individual)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_staff_without_an_authenticator_are_sent_to_set_one_up(clerk):
    client = Client()
    client.force_login(clerk)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # The set-up page is reachable (allauth first asks for the password again).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


def _login_with_totp(user, secret) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone does not sign in
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    return client


def test_staff_sign_in_with_password_and_totp_then_reach_the_admin(clerk):
    secret = totp_for(clerk)
    client = _login_with_totp(clerk, secret)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert AuditEvent.objects.filter(event_type="mfa.authenticator_used", actor=clerk).exists()


def test_a_wrong_totp_code_does_not_sign_in_and_is_audited(clerk):
    totp_for(clerk)
    client = Client()
    client.post(reverse("account_login"), {"login": clerk.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event_type="mfa.authentication_failed").exists()


def test_a_recovery_code_signs_in_once(individual):
    secret = totp_for(individual)
    del secret
    codes = RecoveryCodes.activate(individual).get_unused_codes()
    for expected in (True, False):
        client = Client()
        client.post(reverse("account_login"), {"login": individual.email, "password": PASSWORD})
        client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert ("_auth_user_id" in client.session) is expected


def test_an_organisation_requiring_mfa_sends_members_to_set_it_up(firm):
    Organisation.objects.filter(pk=firm.organisation.pk).update(require_mfa=True)
    client = Client()
    client.force_login(firm.member.user)
    assert client.get(reverse("accounts:dashboard")).url == reverse("mfa_activate_totp")
    totp_for(firm.member.user)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


class TestTheAuditLogInTheAdmin:
    def _staff_client(self, user) -> Client:
        totp_for(user)
        client = Client()
        client.force_login(user)
        return client

    def test_a_registry_supervisor_browses_and_filters_it(self, supervisor, individual):
        Client().post(reverse("account_login"), {"login": individual.email, "password": "wrong-password-123"})
        client = self._staff_client(supervisor)
        response = client.get(reverse("admin:core_auditevent_changelist") + "?event_type=account.login_failed")
        assert response.status_code == 200
        assert "account.login_failed" in response.text

    def test_nobody_can_add_change_or_delete_an_event(self, supervisor, individual):
        Client().post(reverse("account_login"), {"login": individual.email, "password": "wrong-password-123"})
        event = AuditEvent.objects.get(event_type="account.login_failed")
        client = self._staff_client(supervisor)
        assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
        assert (
            client.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
        )
        assert AuditEvent.objects.filter(pk=event.pk).exists()
        response = client.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"event_type": "x"})
        assert response.status_code == 403
        event.refresh_from_db()
        assert event.event_type == "account.login_failed"

    def test_a_registry_clerk_cannot_see_it(self, clerk):
        client = self._staff_client(clerk)
        assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 403


class TestDecidingApplicationsInTheAdmin:
    def test_a_clerk_approves_an_application(self, clerk, individual, django_capture_on_commit_callbacks, mailoutbox):
        from accounts import services

        organisation = services.organisation_apply(applicant=individual, type="law_firm", name_en="Ho & Co")
        totp_for(clerk)
        client = Client()
        client.force_login(clerk)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:accounts_organisation_changelist"),
                {"action": "approve", "_selected_action": [organisation.pk]},
            )
        assert response.status_code == 302
        organisation.refresh_from_db()
        assert organisation.status == "approved" and organisation.decided_by == clerk
        assert [m.to for m in mailoutbox] == [[individual.email]]

    def test_a_clerk_rejects_with_reasons(self, clerk, individual):
        from accounts import services

        organisation = services.organisation_apply(applicant=individual, type="law_firm", name_en="Ho & Co")
        totp_for(clerk)
        client = Client()
        client.force_login(clerk)
        url = reverse("admin:accounts_organisation_changelist")
        page = client.post(url, {"action": "reject", "_selected_action": [organisation.pk]})
        assert page.status_code == 200 and "Reasons for the rejection" in page.text
        client.post(url, {"action": "reject", "_selected_action": [organisation.pk], "reason": "No certificate."})
        organisation.refresh_from_db()
        assert organisation.status == "rejected" and organisation.status_reason == "No certificate."

    def test_an_accounts_officer_cannot_decide(self, individual):
        from accounts import services

        officer = StaffFactory(group="Accounts officer")
        organisation = services.organisation_apply(applicant=individual, type="law_firm", name_en="Ho & Co")
        totp_for(officer)
        client = Client()
        client.force_login(officer)
        client.post(
            reverse("admin:accounts_organisation_changelist"),
            {"action": "approve", "_selected_action": [organisation.pk]},
        )
        organisation.refresh_from_db()
        assert organisation.status == "applied"


def test_authenticators_exist_only_for_users_who_set_them_up(clerk):
    assert not Authenticator.objects.filter(user=clerk).exists()
    assert Group.objects.filter(name="Registry clerk", user=clerk).exists()


def test_a_system_administrator_cannot_make_themselves_superuser_and_changes_are_audited(individual):
    sysadmin = StaffFactory(group="System administrator")
    totp_for(sysadmin)
    client = Client()
    client.force_login(sysadmin)
    url = reverse("admin:accounts_user_change", args=[sysadmin.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None}
    data.update(
        {
            "email": sysadmin.email,
            "first_name": "Renamed",
            "is_superuser": "on",
            "user_permissions": list(Permission.objects.values_list("pk", flat=True)[:3]),
            "groups": [g.pk for g in sysadmin.groups.all()],
            "is_staff": "on",
            "is_active": "on",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    sysadmin.refresh_from_db()
    assert sysadmin.first_name == "Renamed"
    assert not sysadmin.is_superuser and not sysadmin.user_permissions.exists()
    event = AuditEvent.objects.get(event_type="account.changed_in_admin", target_id=str(sysadmin.pk))
    assert "first_name" in event.after["changed"] and "is_superuser" not in event.after["changed"]


def test_the_two_factor_rule_of_an_organisation_is_not_edited_in_the_admin(supervisor):
    totp_for(supervisor)
    client = Client()
    client.force_login(supervisor)
    organisation = Organisation.objects.create(name_en="Lam & Co", type="law_firm")
    page = client.get(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    assert page.status_code == 200
    assert "require_mfa" not in page.context["adminform"].form.fields
