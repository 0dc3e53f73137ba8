"""Managing members: deactivation, roles, access, and the transfer of the primary role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Membership
from icms.core.models import AuditEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_deactivates_a_member_whose_account_is_switched_off(firm):
    services.membership_deactivate(membership=firm.member, actor=firm.secondary.user)
    firm.member.refresh_from_db()
    firm.member.user.refresh_from_db()
    assert firm.member.deactivated_at is not None
    assert firm.member.user.is_active is False
    event = AuditEvent.objects.get(event_type="membership.deactivated")
    assert event.actor == firm.secondary.user and event.after["active"] is False


def test_a_secondary_administrator_cannot_remove_the_primary_administrator(firm):
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(membership=firm.primary, actor=firm.secondary.user)
    firm.primary.refresh_from_db()
    assert firm.primary.is_active
    assert not AuditEvent.objects.filter(event_type="membership.deactivated").exists()


def test_nobody_removes_the_primary_administrator_not_even_themselves(firm):
    with pytest.raises(ValidationError):
        services.membership_deactivate(membership=firm.primary, actor=firm.primary.user)


def test_a_secondary_administrator_cannot_remove_another_administrator(firm):
    other_secondary = MembershipFactory(organisation=firm.organisation, role=Membership.Role.SECONDARY_ADMIN)
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(membership=other_secondary, actor=firm.secondary.user)
    services.membership_deactivate(membership=other_secondary, actor=firm.primary.user)


def test_an_administrator_of_another_organisation_cannot_deactivate(firm, other_firm):
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(membership=firm.member, actor=other_firm.primary.user)


def test_members_cannot_manage_members(firm):
    with pytest.raises(PermissionDenied):
        services.membership_deactivate(membership=firm.other_member, actor=firm.member.user)


def test_the_primary_administrator_changes_roles_and_it_is_audited(firm):
    services.membership_change_role(
        membership=firm.member, actor=firm.primary.user, role=Membership.Role.SECONDARY_ADMIN
    )
    firm.member.refresh_from_db()
    assert firm.member.role == Membership.Role.SECONDARY_ADMIN
    event = AuditEvent.objects.get(event_type="membership.role_changed")
    assert event.before == {"role": "member"} and event.after == {"role": "secondary_admin"}


def test_a_secondary_administrator_cannot_change_roles(firm):
    with pytest.raises(PermissionDenied):
        services.membership_change_role(
            membership=firm.member, actor=firm.secondary.user, role=Membership.Role.SECONDARY_ADMIN
        )


def test_roles_cannot_make_a_second_primary_administrator(firm):
    with pytest.raises(ValidationError):
        services.membership_change_role(
            membership=firm.member, actor=firm.primary.user, role=Membership.Role.PRIMARY_ADMIN
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=firm.member.pk).update(role=Membership.Role.PRIMARY_ADMIN)


def test_the_primary_administrator_transfers_the_role_to_a_secondary(firm):
    services.primary_admin_transfer(
        organisation=firm.organisation, actor=firm.primary.user, to_membership=firm.secondary
    )
    firm.primary.refresh_from_db()
    firm.secondary.refresh_from_db()
    assert firm.primary.role == Membership.Role.SECONDARY_ADMIN
    assert firm.secondary.role == Membership.Role.PRIMARY_ADMIN
    assert AuditEvent.objects.filter(event_type="organisation.primary_admin_transferred").count() == 1


def test_the_transfer_needs_the_current_primary_administrator(firm):
    other_secondary = MembershipFactory(organisation=firm.organisation, role=Membership.Role.SECONDARY_ADMIN)
    with pytest.raises(PermissionDenied):
        services.primary_admin_transfer(
            organisation=firm.organisation, actor=firm.secondary.user, to_membership=other_secondary
        )
    firm.primary.refresh_from_db()
    assert firm.primary.role == Membership.Role.PRIMARY_ADMIN


def test_the_transfer_goes_only_to_a_secondary_administrator_of_the_same_organisation(firm, other_firm):
    for target in (firm.member, other_firm.secondary):
        with pytest.raises(ValidationError):
            services.primary_admin_transfer(
                organisation=firm.organisation, actor=firm.primary.user, to_membership=target
            )


def test_administrators_set_branch_and_case_access(firm):
    services.membership_update_access(
        membership=firm.member, actor=firm.secondary.user, branch_code="kln", sees_all_cases=True
    )
    firm.member.refresh_from_db()
    assert (firm.member.branch_code, firm.member.sees_all_cases) == ("KLN", True)


def test_profile_corrections_are_audited_with_the_hkid_masked(individual):
    services.profile_update(
        user=individual,
        first_name="Tai Man",
        last_name="CHAN",
        name_zh="陳大文",
        preferred_language="zh-hant",
        hkid="A123456(3)",
    )
    individual.refresh_from_db()
    assert individual.hkid == "A1234563"
    event = AuditEvent.objects.get(event_type="account.profile_updated")
    assert event.after["hkid"] == "A123***(*)"
    assert "A1234563" not in str(event.after) + str(event.before)
    with pytest.raises(ValidationError):
        services.profile_update(
            user=individual, first_name="", last_name="", name_zh="", preferred_language="en", hkid="A123456(4)"
        )
