"""filing.access: who may act for a case, the policy every case-data selector uses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Membership, Organisation
from filing.access import (
    case_assignment_create,
    case_assignment_delete,
    cases_visible_to,
    user_may_act_for_case,
    user_may_file_for_case,
)
from filing.models import CaseAssignment, Party
from icms.core.models import AuditEvent
from tests.factories import CaseFactory, PartyFactory, StaffFactory, UserFactory, assign_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(firm, individual):
    case = CaseFactory()
    PartyFactory(case=case, side=Party.Side.APPLICANT, user=individual)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, representative=firm.organisation, name_en="ACME LIMITED")
    return case


def test_an_individual_party_may_act_and_file(case, individual):
    assert user_may_act_for_case(individual, case)
    assert user_may_file_for_case(individual, case)


def test_another_individual_may_not(case):
    stranger = UserFactory()
    assert not user_may_act_for_case(stranger, case)
    assert list(cases_visible_to(stranger)) == []


def test_an_organisation_user_sees_only_assigned_cases(case, firm):
    other_case = CaseFactory()
    PartyFactory(case=other_case, representative=firm.organisation)
    assert not user_may_act_for_case(firm.member.user, case)
    assign_case(case, firm.member)
    assert user_may_act_for_case(firm.member.user, case)
    assert user_may_file_for_case(firm.member.user, case)
    assert list(cases_visible_to(firm.member.user)) == [case]
    assert not user_may_act_for_case(firm.other_member.user, case)


def test_a_member_who_sees_all_cases_sees_every_case_on_record(case, firm):
    other_case = CaseFactory()
    PartyFactory(case=other_case, representative=firm.organisation)
    Membership.objects.filter(pk=firm.other_member.pk).update(sees_all_cases=True)
    assert set(cases_visible_to(firm.other_member.user)) == {case, other_case}


def test_administrators_of_the_organisation_on_record_may_act_but_not_file(case, firm):
    for admin in (firm.primary, firm.secondary):
        assert user_may_act_for_case(admin.user, case)
        assert not user_may_file_for_case(admin.user, case)


def test_another_organisation_may_not(case, other_firm):
    for membership in (other_firm.primary, other_firm.member):
        assert not user_may_act_for_case(membership.user, case)


def test_staff_may_act_for_every_case(case):
    assert user_may_act_for_case(StaffFactory(), case)


def test_anonymous_users_may_not(case):
    from django.contrib.auth.models import AnonymousUser

    assert not user_may_act_for_case(AnonymousUser(), case)


def test_access_ends_at_once_on_deactivation_suspension_or_leaving_the_record(case, firm):
    assign_case(case, firm.member)
    Organisation.objects.filter(pk=firm.organisation.pk).update(status=Organisation.Status.SUSPENDED)
    assert not user_may_act_for_case(firm.member.user, case)
    assert not user_may_act_for_case(firm.primary.user, case)
    Organisation.objects.filter(pk=firm.organisation.pk).update(status=Organisation.Status.APPROVED)
    Party.objects.filter(case=case, representative=firm.organisation).update(representative=None)
    assert not user_may_act_for_case(firm.member.user, case)


def test_a_deactivated_member_loses_access(case, firm):
    from accounts import services

    assign_case(case, firm.member)
    services.membership_deactivate(membership=firm.member, actor=firm.primary.user)
    firm.member.user.refresh_from_db()
    assert not user_may_act_for_case(firm.member.user, case)


def test_the_visible_cases_query_has_no_duplicates(case, firm):
    PartyFactory(case=case, side=Party.Side.APPLICANT, ordinal=2, representative=firm.organisation)
    assign_case(case, firm.member)
    Membership.objects.filter(pk=firm.member.pk).update(sees_all_cases=True)
    assert cases_visible_to(firm.member.user).count() == 1
    assert cases_visible_to(firm.primary.user).count() == 1


class TestAccountLinking:
    def test_an_administrator_assigns_and_unassigns_with_audit(self, case, firm):
        assignment = case_assignment_create(case=case, membership=firm.member, actor=firm.secondary.user)
        assert AuditEvent.objects.filter(event_type="case.assigned", actor=firm.secondary.user).count() == 1
        case_assignment_delete(assignment=assignment, actor=firm.secondary.user)
        assert not CaseAssignment.objects.exists()
        assert AuditEvent.objects.filter(event_type="case.unassigned").count() == 1

    def test_only_cases_with_the_organisation_on_record_can_be_assigned(self, firm):
        with pytest.raises(ValidationError):
            case_assignment_create(case=CaseFactory(), membership=firm.member, actor=firm.primary.user)

    def test_cases_go_only_to_organisation_users(self, case, firm):
        with pytest.raises(ValidationError):
            case_assignment_create(case=case, membership=firm.secondary, actor=firm.primary.user)

    def test_members_and_outsiders_cannot_assign(self, case, firm, other_firm):
        for actor in (firm.member.user, other_firm.primary.user):
            with pytest.raises(PermissionDenied):
                case_assignment_create(case=case, membership=firm.other_member, actor=actor)
