"""Invitations: emailed, one-time, expiring, and only for the address they were sent to."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Invitation, Membership, Organisation, User
from icms.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _invite(firm, email="new.member@example.hk", **kwargs):
    return services.invitation_create(organisation=firm.organisation, actor=firm.primary.user, email=email, **kwargs)


def test_an_invitation_is_emailed_with_a_link_and_only_its_hash_is_stored(firm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(firm, branch_code="cen")
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    assert invitation.branch_code == "CEN"
    assert mail.outbox[0].to == ["new.member@example.hk"]
    assert reverse("accounts:invitation_accept", args=[token]) in mail.outbox[0].body
    assert AuditEvent.objects.filter(event_type="invitation.created", actor=firm.primary.user).count() == 1


def test_accepting_makes_the_invitee_an_organisation_user(firm):
    invitation, token = _invite(firm, sees_all_cases=True)
    invitee = UserFactory(email="new.member@example.hk")
    membership = services.invitation_accept(token=token, user=invitee)
    assert membership.organisation == firm.organisation and membership.role == Membership.Role.MEMBER
    assert membership.sees_all_cases
    invitee.refresh_from_db()
    assert invitee.kind == User.Kind.ORGANISATION
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee
    assert AuditEvent.objects.filter(event_type="invitation.accepted", actor=invitee).count() == 1


def test_a_used_invitation_does_not_work_again(firm):
    _, token = _invite(firm)
    services.invitation_accept(token=token, user=UserFactory(email="new.member@example.hk"))
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(token=token, user=UserFactory(email="NEW.member@example.hk".lower() + ".x"))
    assert services.invitation_for_token(token) is None


def test_an_expired_invitation_does_not_work(firm):
    _, token = _invite(firm)
    invitee = UserFactory(email="new.member@example.hk")
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)), pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=invitee)
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_forged_token_does_not_work(firm):
    _invite(firm)
    with pytest.raises(ValidationError):
        services.invitation_accept(token="forged-" + "x" * 30, user=UserFactory(email="new.member@example.hk"))


def test_the_invitation_works_only_for_the_address_it_was_sent_to(firm):
    _, token = _invite(firm)
    with pytest.raises(ValidationError, match="another email address"):
        services.invitation_accept(token=token, user=UserFactory(email="someone.else@example.hk"))
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=UserFactory(email="new.member@example.hk", verified=False))


def test_a_withdrawn_invitation_does_not_work(firm):
    invitation, token = _invite(firm)
    services.invitation_revoke(invitation=invitation, actor=firm.secondary.user)
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=UserFactory(email="new.member@example.hk"))


def test_only_the_primary_administrator_invites_administrators(firm):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            organisation=firm.organisation,
            actor=firm.secondary.user,
            email="x@example.hk",
            role=Membership.Role.SECONDARY_ADMIN,
        )
    services.invitation_create(
        organisation=firm.organisation, actor=firm.secondary.user, email="x@example.hk", role=Membership.Role.MEMBER
    )
    with pytest.raises(ValidationError):
        _invite(firm, role=Membership.Role.PRIMARY_ADMIN)


def test_members_and_outsiders_cannot_invite(firm, other_firm):
    for actor in (firm.member.user, other_firm.primary.user):
        with pytest.raises(PermissionDenied):
            services.invitation_create(organisation=firm.organisation, actor=actor, email="x@example.hk")


def test_an_organisation_awaiting_approval_cannot_invite(firm):
    Organisation.objects.filter(pk=firm.organisation.pk).update(status=Organisation.Status.APPLIED)
    firm.organisation.refresh_from_db()
    with pytest.raises(ValidationError):
        _invite(firm)


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


class TestTheInvitationLink:
    def test_forged_expired_and_used_links_get_the_same_404_page(self, client, firm):
        _, used = _invite(firm, email="a@example.hk")
        services.invitation_accept(token=used, user=UserFactory(email="a@example.hk"))
        _, expired = _invite(firm, email="b@example.hk")
        Invitation.objects.filter(email="b@example.hk").update(expires_at=timezone.now() - timedelta(seconds=1))
        responses = [client.get(reverse("accounts:invitation_accept", args=[t])) for t in (used, expired, "forged")]
        assert {r.status_code for r in responses} == {404}
        # Identical apart from the per-response CSRF token: nothing tells which case it was.
        assert len({_main(r.text) for r in responses}) == 1

    def test_an_anonymous_visitor_is_asked_to_sign_in_or_register(self, client, firm):
        _, token = _invite(firm)
        response = client.get(reverse("accounts:invitation_accept", args=[token]))
        assert response.status_code == 200
        assert reverse("account_signup") in response.text and reverse("account_login") in response.text

    def test_the_invitee_accepts_by_post(self, client, firm):
        _, token = _invite(firm)
        invitee = UserFactory(email="new.member@example.hk")
        client.force_login(invitee)
        url = reverse("accounts:invitation_accept", args=[token])
        page = client.get(url)
        assert page.status_code == 200 and firm.organisation.name_en in page.text
        assert not Membership.objects.filter(user=invitee).exists()  # GET changes nothing
        response = client.post(url)
        assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
        assert Membership.objects.filter(user=invitee, organisation=firm.organisation).exists()

    def test_the_wrong_account_is_told_and_nothing_changes(self, client, firm):
        _, token = _invite(firm)
        client.force_login(UserFactory(email="someone.else@example.hk"))
        response = client.post(reverse("accounts:invitation_accept", args=[token]))
        assert response.status_code == 400
        assert "another email address" in response.text
