"""The administrators' screens: scoped to the administrator's own organisation."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from filing.models import CaseAssignment
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_organisation_page_lists_the_members(firm, django_assert_max_num_queries):
    client = _client(firm.primary.user)
    # The session is not written again within a minute of the last write (session_idle_restart).
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:organisation"))
    assert response.status_code == 200
    for membership in (firm.primary, firm.secondary, firm.member, firm.other_member):
        assert membership.user.email in response.text


def test_members_and_individuals_get_404_on_administrator_screens(firm, individual):
    for user in (firm.member.user, individual):
        client = _client(user)
        assert client.get(reverse("accounts:organisation")).status_code == 404
        assert client.get(reverse("accounts:member_detail", args=[firm.member.pk])).status_code == 404


def test_an_administrator_of_another_organisation_gets_404_for_our_members(firm, other_firm):
    client = _client(other_firm.primary.user)
    for name in ("member_detail", "member_deactivate", "member_role", "member_access"):
        method = client.get if name == "member_detail" else client.post
        assert method(reverse(f"accounts:{name}", args=[firm.member.pk])).status_code == 404
    firm.member.refresh_from_db()
    assert firm.member.is_active


def test_a_secondary_administrator_trying_to_remove_the_primary_gets_403(firm):
    response = _client(firm.secondary.user).post(reverse("accounts:member_deactivate", args=[firm.primary.pk]))
    assert response.status_code == 403
    firm.primary.refresh_from_db()
    assert firm.primary.is_active


def test_state_changes_are_post_only(firm):
    client = _client(firm.primary.user)
    assert client.get(reverse("accounts:member_deactivate", args=[firm.member.pk])).status_code == 405
    assert client.get(reverse("accounts:organisation_mfa_rule")).status_code == 405


def test_state_changes_need_the_csrf_token(firm):
    client = Client(enforce_csrf_checks=True)
    client.force_login(firm.primary.user)
    assert client.post(reverse("accounts:member_deactivate", args=[firm.member.pk])).status_code == 403
    firm.member.refresh_from_db()
    assert firm.member.is_active


def test_deactivation_ends_the_members_open_session(firm):
    member_client = _client(firm.member.user)
    assert member_client.get(reverse("accounts:dashboard")).status_code == 200
    response = _client(firm.primary.user).post(reverse("accounts:member_deactivate", args=[firm.member.pk]))
    assert response.status_code == 302
    response = member_client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_an_administrator_invites_through_the_form(firm, mailoutbox, django_capture_on_commit_callbacks):
    client = _client(firm.secondary.user)
    assert client.get(reverse("accounts:invitation_create")).status_code == 200
    response = client.post(
        reverse("accounts:invitation_create"),
        {"email": "trainee@example.hk", "role": Membership.Role.SECONDARY_ADMIN, "branch_code": ""},
    )
    assert response.status_code == 200 and "Only the primary administrator" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invitation_create"), {"email": "trainee@example.hk", "role": Membership.Role.MEMBER}
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["trainee@example.hk"]]


def test_an_administrator_assigns_a_case_to_a_member_through_the_page(firm):
    case = CaseFactory()
    PartyFactory(case=case, representative=firm.organisation)
    foreign_case = CaseFactory()
    client = _client(firm.primary.user)
    page = client.get(reverse("accounts:member_detail", args=[firm.member.pk]))
    assert case.case_number in page.text and foreign_case.case_number not in page.text
    url = reverse("filing:member_case_assign", args=[firm.member.pk])
    client.post(url, {"case": foreign_case.pk})
    assert not CaseAssignment.objects.exists()
    client.post(url, {"case": case.pk})
    assignment = CaseAssignment.objects.get()
    assert (assignment.case, assignment.membership) == (case, firm.member)
    member_dashboard = _client(firm.member.user).get(reverse("accounts:dashboard"))
    assert case.case_number in member_dashboard.text
    client.post(reverse("filing:member_case_unassign", args=[firm.member.pk, assignment.pk]))
    assert not CaseAssignment.objects.exists()


def test_the_primary_administrator_transfers_the_role_through_the_page(firm):
    assert _client(firm.secondary.user).get(reverse("accounts:primary_transfer")).status_code == 403
    client = _client(firm.primary.user)
    response = client.post(reverse("accounts:primary_transfer"), {"to_membership": firm.secondary.pk, "confirm": "on"})
    assert response.status_code == 302
    firm.secondary.refresh_from_db()
    assert firm.secondary.role == Membership.Role.PRIMARY_ADMIN


def test_the_primary_administrator_requires_mfa_and_members_must_set_it_up(firm):
    _client(firm.primary.user).post(reverse("accounts:organisation_mfa_rule"), {"require_mfa": "on"})
    firm.organisation.refresh_from_db()
    assert firm.organisation.require_mfa
    response = _client(firm.member.user).get(reverse("accounts:dashboard"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
