"""Organisation applications: apply, then registry staff approve or reject with reasons."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import Membership, Organisation, User
from icms.core.models import AuditEvent
from tests.factories import PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _apply(user):
    return services.organisation_apply(
        applicant=user,
        type=Organisation.Type.LAW_FIRM,
        name_en="Chan & Co",
        name_zh="陳律師行",
        address="Central",
        telephone="21234567",
    )


def test_an_applicant_becomes_primary_administrator_of_an_applied_organisation(individual):
    organisation = _apply(individual)
    assert organisation.status == Organisation.Status.APPLIED
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user == individual and membership.role == Membership.Role.PRIMARY_ADMIN
    individual.refresh_from_db()
    assert individual.kind == User.Kind.ORGANISATION
    assert AuditEvent.objects.filter(event_type="organisation.applied", actor=individual).count() == 1


def test_an_unverified_account_cannot_apply(db):
    with pytest.raises(ValidationError):
        _apply(UserFactory(verified=False))
    assert not Organisation.objects.exists()


def test_a_party_in_person_cannot_turn_their_account_into_an_administrator(individual):
    PartyFactory(user=individual)
    with pytest.raises(ValidationError, match="party in person"):
        _apply(individual)


def test_a_member_of_an_organisation_cannot_apply_for_another(firm):
    with pytest.raises(ValidationError):
        _apply(firm.member.user)


def test_staff_approve_and_the_applicant_is_emailed(individual, clerk, django_capture_on_commit_callbacks):
    organisation = _apply(individual)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(organisation=organisation, actor=clerk)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    assert organisation.decided_by == clerk and organisation.decided_at is not None
    assert [m.to for m in mail.outbox] == [[individual.email]]
    assert "approved" in mail.outbox[0].subject
    event = AuditEvent.objects.get(event_type="organisation.approved")
    assert event.actor == clerk and event.before == {"status": "applied"}


def test_staff_reject_with_reasons_which_reach_the_applicant(individual, clerk, django_capture_on_commit_callbacks):
    organisation = _apply(individual)
    with pytest.raises(ValidationError):
        services.organisation_reject(organisation=organisation, actor=clerk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_reject(organisation=organisation, actor=clerk, reason="No practising certificate.")
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert "No practising certificate." in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        event_type="organisation.rejected", after__reason="No practising certificate."
    ).exists()


def test_the_decision_email_is_in_the_applicants_language(individual, clerk, django_capture_on_commit_callbacks):
    individual.preferred_language = "zh-hant"
    individual.save()
    organisation = _apply(individual)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_approve(organisation=organisation, actor=clerk)
    assert "批准" in mail.outbox[0].subject


def test_a_decided_application_cannot_be_decided_again(individual, clerk):
    organisation = _apply(individual)
    services.organisation_reject(organisation=organisation, actor=clerk, reason="Incomplete.")
    with pytest.raises(ValidationError):
        services.organisation_approve(organisation=organisation, actor=clerk)
    assert AuditEvent.objects.filter(event_type="organisation.approved").count() == 0


def test_only_staff_with_the_permission_decide(individual, firm):
    organisation = _apply(individual)
    accounts_officer = UserFactory(kind=User.Kind.STAFF, is_staff=True)
    for actor in (firm.primary.user, accounts_officer):
        with pytest.raises(PermissionDenied):
            services.organisation_approve(organisation=organisation, actor=actor)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPLIED


def test_only_the_primary_administrator_sets_the_mfa_rule(firm):
    with pytest.raises(PermissionDenied):
        services.organisation_set_require_mfa(
            organisation=firm.organisation, actor=firm.secondary.user, require_mfa=True
        )
    services.organisation_set_require_mfa(organisation=firm.organisation, actor=firm.primary.user, require_mfa=True)
    firm.organisation.refresh_from_db()
    assert firm.organisation.require_mfa
    assert AuditEvent.objects.filter(event_type="organisation.mfa_rule_changed").count() == 1
