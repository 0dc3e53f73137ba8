"""Message texts come from plain-text templates, in both languages, never HTML-escaped."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils.functional import lazy
from django.utils.translation import get_language

from filing.models import CourtDocument
from icms.core.messages import Bilingual, render_bilingual, render_message, render_text


def test_a_party_name_with_an_ampersand_and_quotes_survives_unescaped():
    subject = render_bilingual(
        "filing/messages/court_document_subject.txt",
        {
            "kind": CourtDocument.Kind.JUDGMENT.label,
            "title": 'Chan & Co v Lee\'s "Trading" <Ltd>',
            "case_number": "DCCJ 12/2026",
        },
    )
    assert subject.en == 'Judgment: Chan & Co v Lee\'s "Trading" <Ltd> (DCCJ 12/2026)'
    assert 'Chan & Co v Lee\'s "Trading" <Ltd>' in subject.zh
    assert "&amp;" not in subject.zh and "&#x27;" not in subject.zh and "&quot;" not in subject.zh


def test_a_bilingual_value_gives_each_language_its_own_text_and_lines_are_kept():
    text = render_message(
        "filing/messages/submission_returned",
        {
            "reference": "S-7KX3M9QD2A",
            "reason": Bilingual("Not signed & dated", "未有簽署"),
            "note": "Sign page 3 & resubmit.",
        },
    )
    assert text.subject.en == "Submission S-7KX3M9QD2A returned"
    assert text.body.en == "Reason: Not signed & dated\nNote: Sign page 3 & resubmit."
    assert "未有簽署" in text.body.zh and "Not signed" not in text.body.zh
    assert text.body.zh.endswith("Sign page 3 & resubmit.")


def test_without_a_note_the_body_is_the_reason_alone_with_no_trailing_whitespace():
    text = render_message(
        "filing/messages/submission_returned",
        {"reference": "S-1", "reason": Bilingual("Not signed", "未有簽署"), "note": ""},
    )
    assert text.body.en == "Reason: Not signed"


def test_a_lazy_value_is_evaluated_in_the_language_being_rendered():
    language_now = lazy(lambda: get_language(), str)()
    rendered = render_bilingual(
        "payments/messages/payment_receipt_subject.txt", {"receipt": language_now, "reference": "P"}
    )
    assert "en" in rendered.en and "zh-hant" in rendered.zh


def test_render_text_renders_one_language():
    assert render_text("payments/messages/payment_receipt_body.txt", {"amount": "1,045.00"}, language="en") == (
        "HK$1,045.00 received."
    )


def test_an_email_subject_naming_an_organisation_with_an_ampersand_is_not_escaped():
    organisation = SimpleNamespace(name="Chan & Co's")
    invitation = render_to_string("accounts/email/invitation_subject.txt", {"organisation": organisation})
    decision = render_to_string(
        "accounts/email/organisation_decision_subject.txt", {"organisation": organisation, "approved": True}
    )
    assert invitation.strip() == "Invitation to join Chan & Co's on iCMS"
    assert decision.strip() == "Chan & Co's is approved"
