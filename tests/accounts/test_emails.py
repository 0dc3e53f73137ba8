"""Every email is branded, in the recipient's language with the other below it, with a plain-text
and an HTML part, and a subject free of HTML entities: allauth's, accounts', filing's, payments'."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import User
from filing.models import MessageItem
from filing.services import court_document_issue
from icms.core.email import email_render, email_subject
from tests.factories import PASSWORD, StaffFactory, UserFactory
from tests.filing.conftest import pdf_file

pytestmark = pytest.mark.django_db

STRONG = "a-long-passphrase-for-icms-2026"
JUDICIARY_EN = "Hong Kong Judiciary e-Courts portal"
JUDICIARY_ZH = "香港司法機構"


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def _assert_branded(message) -> None:
    """The portal's name and the Judiciary's; a text part and an HTML part; no entity in the subject."""
    assert message.subject.startswith("[iCMS] ") and message.subject.count("[iCMS]") == 1
    assert not re.search(r"&(amp|lt|gt|quot|#\d+);", message.subject), message.subject
    assert "Hello from" not in message.body and "Thank you for using" not in message.body
    assert "iCMS" in message.body and JUDICIARY_EN in message.body and JUDICIARY_ZH in message.body
    html = _html(message)
    assert html.startswith("<!DOCTYPE html>") and "iCMS" in html and JUDICIARY_EN in html


def _english_first(text: str, english: str, chinese: str) -> bool:
    return -1 < text.index(english) < text.index(chinese)


def _chinese_first(text: str, english: str, chinese: str) -> bool:
    return -1 < text.index(chinese) < text.index(english)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_sign_up_confirmation_is_branded_and_in_the_registrants_language(
    client, django_capture_on_commit_callbacks, language
):
    client.cookies["django_language"] = language
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Tai Man",
                "last_name": "Chan",
                "email": "new@example.hk",
                "password1": STRONG,
                "password2": STRONG,
            },
        )
    assert response.status_code == 302
    [message] = [m for m in mail.outbox if m.to == ["new@example.hk"]]
    _assert_branded(message)
    assert "/accounts/confirm-email/" in message.body and "/accounts/confirm-email/" in _html(message)
    english, chinese = "Please Confirm Your Email Address", "確認"
    if language == "zh-hant":
        assert User.objects.get(email="new@example.hk").preferred_language == "zh-hant"
        assert chinese in message.subject and _chinese_first(message.body, JUDICIARY_EN, "香港司法機構")
        assert _chinese_first(message.body, "You're receiving this email", "電郵")
    else:
        assert english in message.subject and _english_first(message.body, JUDICIARY_EN, JUDICIARY_ZH)
        assert _english_first(message.body, "You're receiving this email", JUDICIARY_ZH)


def test_a_password_reset_goes_out_in_the_account_holders_language_whatever_the_page(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="reset@example.hk", preferred_language="zh-hant")
    assert user.check_password(PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reset@example.hk"})  # an English page
    [message] = [m for m in mail.outbox if m.to == ["reset@example.hk"]]
    _assert_branded(message)
    assert "/accounts/password/reset/key/" in message.body
    assert _chinese_first(message.body, JUDICIARY_EN, "香港司法機構")
    assert 'lang="zh-Hant"' in _html(message)[: _html(message).index("<body")]


def test_an_organisation_invitation_has_a_plain_subject_and_chinese_first_for_a_chinese_reader(
    django_capture_on_commit_callbacks,
):
    from tests.accounts.conftest import make_firm

    firm = make_firm(name_en="Chan & Wong <Solicitors>", name_zh="陳 & 黃律師行")
    UserFactory(email="invitee@example.hk", preferred_language="zh-hant")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(organisation=firm.organisation, actor=firm.primary.user, email="invitee@example.hk")
    [message] = [m for m in mail.outbox if m.to == ["invitee@example.hk"]]
    _assert_branded(message)
    assert "陳 & 黃律師行" in message.subject
    assert "Chan & Wong <Solicitors>" in message.body and "&amp;" not in message.body
    assert "Chan &amp; Wong &lt;Solicitors&gt;" in _html(message)  # escaped once, in HTML only
    assert _chinese_first(message.body, "has invited you to join", "邀請")


def test_a_court_document_notice_names_the_kind_once_and_reaches_each_reader_in_their_language(
    firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    firm_filer.preferred_language = "zh-hant"
    firm_filer.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        court_document_issue(
            case=firm_filer.case,
            staff=StaffFactory(group="Registry clerk"),
            kind="notice_of_hearing",
            title="Notice of hearing: case management conference",
            file=pdf_file(),
        )
    item = MessageItem.objects.get(recipient=firm_filer, kind="court_document")
    assert item.subject_en.count("Notice of hearing") == 1
    assert item.subject_en == f"Notice of hearing: case management conference ({firm_filer.case.case_number})"
    [message] = [m for m in mail.outbox if m.to == [firm_filer.email]]
    _assert_branded(message)
    assert firm_filer.case.case_number in message.subject
    assert _chinese_first(message.body, "The court has issued", "法庭已就")


def test_subjects_carry_the_prefix_once_and_no_markup():
    assert email_subject("[iCMS]  [iCMS] Refund\n pending") == "[iCMS] Refund pending"
    subject, text, html = email_render(subject="A & B", body="Fish & chips <b>", language="en", other_body="魚 & 薯條")
    assert subject == "[iCMS] A & B"
    assert "Fish & chips <b>" in text and text.index("Fish") < text.index("魚")
    assert "Fish &amp; chips &lt;b&gt;" in html and "<b>" not in html.replace("<body", "")
