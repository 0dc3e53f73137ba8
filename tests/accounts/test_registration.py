"""Registration asks for names, keeps an invitation through email verification, and is not asked twice.

Also: no second password prompt right after signing in, and office telephone numbers are checked.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Membership, User
from accounts.telephone import telephone_is_valid
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-passphrase-for-icms-2026"
NAMES = {"first_name": "Tai Man", "last_name": "Chan", "name_zh": "陳大文"}


def _sign_up(client: Client, email: str, **extra: str):
    return client.post(
        reverse("account_signup"), {**NAMES, "email": email, "password1": STRONG, "password2": STRONG, **extra}
    )


def _verify(client: Client, email: str, django_capture_on_commit_callbacks) -> None:
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", message.body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_email", args=[key]))


def test_registration_asks_for_the_name_in_english_and_keeps_the_chinese_one(
    client, django_capture_on_commit_callbacks
):
    page = client.get(reverse("account_signup")).text
    assert page.index('name="first_name"') < page.index('name="email"')
    response = client.post(
        reverse("account_signup"), {"email": "x@example.hk", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 200 and not User.objects.filter(email="x@example.hk").exists()
    assert 'href="#id_first_name"' in response.text and 'href="#id_last_name"' in response.text

    client.cookies["django_language"] = "zh-hant"
    with django_capture_on_commit_callbacks(execute=True):
        assert _sign_up(client, "named@example.hk").status_code == 302
    user = User.objects.get(email="named@example.hk")
    assert (user.first_name, user.last_name, user.name_zh) == ("Tai Man", "Chan", "陳大文")
    # The language they registered in is their language for email: not asked again (WCAG 3.3.7).
    assert user.preferred_language == "zh-hant"


def test_registering_from_an_invitation_locks_the_email_and_joins_on_verification(
    firm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            organisation=firm.organisation,
            actor=firm.primary.user,
            email="invited@example.hk",
            role=Membership.Role.SECONDARY_ADMIN,
            branch_code="cen",
        )
    browser = Client()
    page = browser.get(reverse("accounts:invitation_accept", args=[token]))
    assert page.status_code == 200
    signup = browser.get(reverse("account_signup")).text
    assert re.search(r'<input[^>]*name="email"[^>]*value="invited@example.hk"', signup)
    assert re.search(r'<input[^>]*name="email"[^>]*readonly', signup)
    assert firm.organisation.name_en in signup

    # A different address posted is replaced by the invited one: the field is locked on the server too.
    with django_capture_on_commit_callbacks(execute=True):
        assert _sign_up(browser, "someone.else@example.hk").status_code == 302
    assert not User.objects.filter(email="someone.else@example.hk").exists()
    user = User.objects.get(email="invited@example.hk")
    assert user.kind == User.Kind.INDIVIDUAL and not Membership.objects.filter(user=user).exists()

    # The verification link, opened in another browser (a phone), completes the invitation.
    _verify(Client(), "invited@example.hk", django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=user, deactivated_at__isnull=True)
    assert membership.organisation == firm.organisation
    assert membership.role == Membership.Role.SECONDARY_ADMIN and membership.branch_code == "CEN"
    user.refresh_from_db()
    assert user.kind == User.Kind.ORGANISATION
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_a_sign_up_without_an_invitation_joins_nothing(firm, django_capture_on_commit_callbacks):
    services.invitation_create(organisation=firm.organisation, actor=firm.primary.user, email="walkin@example.hk")
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(browser, "walkin@example.hk")
    _verify(browser, "walkin@example.hk", django_capture_on_commit_callbacks)
    user = User.objects.get(email="walkin@example.hk")
    assert not Membership.objects.filter(user=user).exists() and user.kind == User.Kind.INDIVIDUAL


def test_an_invitation_withdrawn_before_verification_is_not_joined(firm, django_capture_on_commit_callbacks):
    invitation, token = services.invitation_create(
        organisation=firm.organisation, actor=firm.primary.user, email="late@example.hk"
    )
    browser = Client()
    browser.get(reverse("accounts:invitation_accept", args=[token]))
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(browser, "late@example.hk")
    services.invitation_revoke(invitation=invitation, actor=firm.primary.user)
    _verify(browser, "late@example.hk", django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user__email="late@example.hk").exists()


def _signed_in_by_password(user) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_no_second_password_prompt_within_five_minutes_of_signing_in():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = _signed_in_by_password(UserFactory())
    with time_machine.travel(start + timedelta(minutes=4, seconds=59), tick=False):
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=5, seconds=1), tick=False):
        response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_reauthenticate"))


@pytest.mark.parametrize(
    "number", ["2869 0869", "+852 2869 0869", "(852) 2869-0869", "9123-4567", "+44 20 7946 0958", "+1 212 555 0100"]
)
def test_telephone_numbers_people_write_are_accepted(number):
    assert telephone_is_valid(number)


@pytest.mark.parametrize("number", ["abc", "1", "12345678", "2869 086", "+852 1234 5678", "+44 12", "2869 0869 ext 2"])
def test_telephone_numbers_that_are_not_are_refused(number):
    assert not telephone_is_valid(number)


def test_the_organisation_form_refuses_a_telephone_of_abc_with_a_clear_error(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("accounts:organisation_apply"),
        {
            "type": "law_firm",
            "name_en": "Lam & Co",
            "address": "1 Queen's Road",
            "telephone": "abc",
            "declaration": "on",
        },
    )
    assert response.status_code == 200
    assert "Enter a telephone number, like 2869 0869" in response.text
    assert 'href="#id_telephone"' in response.text
