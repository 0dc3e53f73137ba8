"""Only Individual Users and Organisation Users file; administrators cannot (icms-reference §5)."""

import pytest

from accounts.models import Organisation
from accounts.selectors import filing_eligibility
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_verified_individual_may_file(individual):
    assert filing_eligibility(individual).may_file


def test_an_unverified_individual_may_not_file(db):
    eligibility = filing_eligibility(UserFactory(verified=False))
    assert not eligibility.may_file and "Verify" in str(eligibility.reason)


def test_an_administrator_cannot_file_but_its_organisation_user_account_can(firm):
    for admin in (firm.primary, firm.secondary):
        eligibility = filing_eligibility(admin.user)
        assert not eligibility.may_file
        assert "Administrators manage members and cannot file" in str(eligibility.reason)
    assert filing_eligibility(firm.member.user).may_file


def test_users_of_an_organisation_awaiting_approval_cannot_file(firm):
    for status in (Organisation.Status.APPLIED, Organisation.Status.REJECTED, Organisation.Status.SUSPENDED):
        Organisation.objects.filter(pk=firm.organisation.pk).update(status=status)
        assert not filing_eligibility(firm.member.user).may_file


def test_a_deactivated_member_cannot_file(firm):
    from accounts import services

    services.membership_deactivate(membership=firm.member, actor=firm.primary.user)
    firm.member.user.refresh_from_db()
    assert not filing_eligibility(firm.member.user).may_file


def test_staff_do_not_file(db):
    assert not filing_eligibility(StaffFactory()).may_file
