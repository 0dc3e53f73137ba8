"""Sign-up, sign-in, reset and email change through allauth, in our base template."""

import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from icms.core.models import AuditEvent, OutboxItem
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-passphrase-for-icms-2026"
NAMES = {"first_name": "Tai Man", "last_name": "Chan"}


def _main(html: str) -> str:
    """The page's main region, without the per-response CSRF tokens."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def test_the_allauth_pages_use_our_base_template_and_components(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert 'class="skip-link"' in response.text and '<main id="main"' in response.text
        assert 'class="field' in response.text


def test_the_sign_up_page_is_complete_in_chinese(client):
    client.cookies["django_language"] = "zh-hant"
    response = client.get(reverse("account_signup"))
    assert "登記" in response.text
    assert "收集個人資料聲明" in response.text
    for english in ("Register for an iCMS account", "Personal Information Collection Statement", "Password"):
        assert english not in _main(response.text)


def test_sign_up_sends_a_verification_email_and_audits(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            reverse("account_signup"), {**NAMES, "email": "new@example.hk", "password1": STRONG, "password2": STRONG}
        )
    assert response.status_code == 302
    # Owed in the outbox, not sent from the web process: a worker sends it after the commit.
    assert mail.outbox == []
    assert OutboxItem.objects.filter(kind="core.email", payload__to="new@example.hk").count() == 1
    for callback in callbacks:
        callback()
    assert mail.outbox and mail.outbox[0].to == ["new@example.hk"]
    user = User.objects.get(email="new@example.hk")
    assert not EmailAddress.objects.get(user=user).verified
    assert AuditEvent.objects.filter(event_type="account.signed_up", actor=user).exists()


def test_short_and_common_passwords_are_refused(client):
    for password in ("short-pass1", "111222tianya"):
        response = client.post(
            reverse("account_signup"),
            {**NAMES, "email": "new@example.hk", "password1": password, "password2": password},
        )
        assert response.status_code == 200
    assert not User.objects.filter(email="new@example.hk").exists()


def test_sign_up_with_a_registered_email_looks_the_same_as_a_new_one():
    UserFactory(email="taken@example.hk")
    responses = []
    for email in ("taken@example.hk", "fresh@example.hk"):
        client = Client()
        responses.append(
            client.post(reverse("account_signup"), {**NAMES, "email": email, "password1": STRONG, "password2": STRONG})
        )
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url


def test_password_reset_for_unknown_and_known_addresses_looks_the_same():
    UserFactory(email="known@example.hk")
    pages = []
    for email in ("known@example.hk", "unknown@example.hk"):
        client = Client()
        response = client.post(reverse("account_reset_password"), {"email": email}, follow=True)
        pages.append((response.status_code, _main(response.text)))
    assert pages[0] == pages[1]


def test_a_failed_login_looks_the_same_for_unknown_and_known_addresses_and_is_audited():
    UserFactory(email="known@example.hk")
    pages = []
    for email in ("known@example.hk", "unknown@example.hk"):
        response = Client().post(reverse("account_login"), {"login": email, "password": "wrong-password-123"})
        pages.append((response.status_code, _main(response.text).replace(email, "EMAIL")))
    assert pages[0] == pages[1]
    assert AuditEvent.objects.filter(event_type="account.login_failed").count() == 2


def test_a_verified_user_logs_in_and_lands_on_the_dashboard(individual, client):
    response = client.post(reverse("account_login"), {"login": individual.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    assert AuditEvent.objects.filter(event_type="account.logged_in", actor=individual).exists()


def test_an_unverified_user_cannot_log_in_until_verified(client):
    user = UserFactory(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response.url
    assert "_auth_user_id" not in client.session


def test_changing_the_email_address_notifies_the_old_address(individual, client, django_capture_on_commit_callbacks):
    old_email = individual.email
    client.force_login(individual)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_email"), {"action_add": "", "email": "moved@example.hk"})
    assert response.status_code == 302
    confirmation = next(m for m in mail.outbox if m.to == ["moved@example.hk"])
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", confirmation.body).group(1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_confirm_email", args=[key]))
    individual.refresh_from_db()
    assert individual.email == "moved@example.hk"
    assert [m.to for m in mail.outbox] == [[old_email]]
    assert "moved@example.hk" in mail.outbox[0].body
    assert AuditEvent.objects.filter(event_type="account.email_changed", actor=individual).exists()


def test_sessions_expire_after_30_idle_minutes_for_filers_and_15_for_staff(individual, clerk):
    from tests.factories import totp_for

    totp_for(clerk)
    for user, seconds in ((individual, 30 * 60), (clerk, 15 * 60)):
        client = Client()
        client.force_login(user)
        # The end is stored as a moment (icms.core.session_timeout): read it at the same instant.
        with time_machine.travel(timezone.now(), tick=False):
            client.get(reverse("home"))
            assert client.session.get_expiry_age() == seconds
