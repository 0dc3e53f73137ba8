"""A rejected refund is told to the payer: on their payments page, with the reason, and in their
message box, as the other decisions on a refund are; the accounts officer gives the reason."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from filing.models import MessageItem
from icms.core.models import AuditEvent
from payments import services
from payments.models import Refund
from tests.filing.test_review_admin import staff_client

from .test_refunds import _deposit_paid

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:payments_refund_changelist")


@pytest.fixture
def refund(firm, officer) -> Refund:
    order = _deposit_paid(firm, officer, items=("DC-SEARCH",))  # HK$14.00
    return services.refund_request_for_order(order=order, reason="Search bought twice")


def _reject_in_the_admin(officer, refund: Refund, client=None, **answers: str):
    client = client or staff_client(officer)
    asked = client.post(CHANGELIST, {"action": "reject", "_selected_action": [refund.pk]})
    assert asked.status_code == 200 and "Reason, as the payer will read it" in asked.content.decode()
    assert Refund.objects.get(pk=refund.pk).status == "requested"  # nothing happens before the reason
    return client.post(CHANGELIST, {"action": "reject", "_selected_action": [refund.pk], "apply": "1", **answers})


def test_the_officer_gives_a_reason_and_the_payer_is_told_in_the_message_box(
    firm, officer, refund, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _reject_in_the_admin(officer, refund, reason="duplicate", note="Refund RF-1 already covers it.")
    assert response.status_code == 302
    rejected = Refund.objects.get(pk=refund.pk)
    assert (rejected.status, rejected.rejection_reason, rejected.decided_note) == (
        "rejected",
        "duplicate",
        "Refund RF-1 already covers it.",
    )
    payer = firm.central.user
    message = MessageItem.objects.filter(recipient=payer, kind="notice").latest("pk")
    assert message.subject_en == f"Refund not made: payment {refund.order.reference}"
    assert "was rejected, so no money will be paid back" in message.body_en
    assert "Reason: Another refund of the same payment is already being dealt with." in message.body_en
    assert "Note from the accounts office: Refund RF-1 already covers it." in message.body_en
    assert message.subject_zh and message.body_zh  # rendered in Chinese too, for a reader in Chinese
    assert any("Refund not made" in email.subject for email in mail.outbox)
    event = AuditEvent.objects.get(event_type="payments.refund_rejected")
    assert event.actor_id == officer.pk
    assert event.after == {"status": "rejected", "reason": "duplicate", "note": "Refund RF-1 already covers it."}


def test_the_payers_payments_page_shows_the_refund_rejected_with_the_reason(client, firm, officer, refund):
    services.refund_reject(refund=refund, officer=officer, reason="service_given")
    client.force_login(firm.central.user)
    page = client.get(reverse("payments:mine")).content.decode()
    assert "Refund rejected" in page
    assert "HK$14.00, not paid back." in page
    assert "Reason: The service the fee paid for has been given." in page
    assert "Refund pending" not in page


def test_the_payers_payments_page_in_chinese_shows_the_rejection_and_the_reason(client, firm, officer, refund):
    services.refund_reject(refund=refund, officer=officer, reason="other", note="The search was used.")
    client.force_login(firm.central.user)
    page = client.get(reverse("payments:mine"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert "退款申請已被拒絕" in page
    assert "原因：請參閱會計部的備註。" in page
    assert "The search was used." in page  # the officer's note, as written


def test_a_rejection_needs_a_reason_and_other_needs_a_note(officer, refund):
    client = staff_client(officer)
    response = _reject_in_the_admin(officer, refund, client, reason="", note="")
    assert response.status_code == 200 and Refund.objects.get(pk=refund.pk).status == "requested"
    response = _reject_in_the_admin(officer, refund, client, reason="other", note="  ")
    assert "Write the reason in the note: the payer reads it." in response.content.decode()
    assert Refund.objects.get(pk=refund.pk).status == "requested"
    with pytest.raises(services.PaymentRefused):
        services.refund_reject(refund=refund, officer=officer, reason="because")
    assert not MessageItem.objects.filter(subject_en__startswith="Refund not made").exists()


def test_the_receipt_no_longer_lists_a_rejected_refund(firm, officer, refund):
    from payments.rendering import _refund_rows

    assert len(_refund_rows(refund.order)) == 1
    services.refund_reject(refund=refund, officer=officer, reason="not_refundable")
    order = Refund.objects.get(pk=refund.pk).order
    assert _refund_rows(order) == []
    assert [r.status for r in order.refunds_shown()] == ["rejected"]  # the payer's pages still show it
