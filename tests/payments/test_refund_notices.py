"""A refund shows as "Refund pending" once asked for and "Refunded HK$…, to …" once paid back:
on the payments pages, in the message box, by email and on the receipt."""

from __future__ import annotations

import io
from decimal import Decimal

import pypdf
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from filing.models import MessageItem, ReturnReason
from filing.services import DocumentUpload, filing_return, submission_create
from payments import services
from payments.filing_fees import submission_fee_items
from payments.models import PaymentOrder, Receipt
from payments.rendering import render_receipt_pdf
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file

from .helpers import DURING_CONCESSION


def _notices(user) -> list[str]:
    return list(
        MessageItem.objects.filter(recipient=user, kind="notice").order_by("id").values_list("subject_en", flat=True)
    )


def _pdf_text(receipt: Receipt) -> str:
    receipt.refresh_from_db()
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(render_receipt_pdf(receipt))).pages)


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_a_returned_filing_paid_from_the_deposit_account_shows_refund_pending_then_refunded(
    firm_filer, document_storage, django_capture_on_commit_callbacks, celery_eager
):
    membership = firm_filer.memberships.get()
    account = services.deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    officer = StaffFactory(group="Accounts officer")
    services.deposit_top_up(account=account, amount=Decimal("5000"), reference="TOPUP-1", officer=officer)
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(
            user=firm_filer,
            case=firm_filer.case,
            uploads=[DocumentUpload(document_type("DCCJ", "summons"), "Summons for directions", pdf_file())],
        )
        order = services.payment_order_create(
            purpose="submission",
            court_level="DC",
            items=submission_fee_items(submission),
            idempotency_key=f"submission-{submission.reference}",
            payer=firm_filer,
            purpose_ref=submission.reference,
        )
        order = services.payment_order_pay_from_deposit(order=order, user=firm_filer)
    assert order.amount == Decimal("160.00")  # HK$200 less the 20% concession (Cap. 638E)
    mail.outbox.clear()
    client = Client()
    client.force_login(firm_filer)
    order_page = reverse("payments:order", args=[order.access_token])

    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        filing_return(submission=submission, clerk=StaffFactory(), reason=ReturnReason.objects.get(code="unsigned"))
    refund = order.refunds.get()
    assert f"Refund pending: payment {order.reference}" in _notices(firm_filer)
    [message] = MessageItem.objects.filter(recipient=firm_filer, subject_en__startswith="Refund pending")
    assert "HK$160.00" in message.body_en and "your deposit account (CEN)" in message.body_en
    refund_emails = [m for m in mail.outbox if "Refund pending" in m.subject]
    assert len(refund_emails) == 1 and refund_emails[0].to == [firm_filer.email]
    page = client.get(order_page).content.decode()
    assert "<strong>Refund pending</strong>" in page and "HK$160.00, to your deposit account (CEN)" in page
    assert "Refund pending" in client.get(reverse("payments:mine")).content.decode()
    panel = client.get(reverse("filing:submission", args=[submission.reference])).content.decode()
    assert "Refund pending (payment" in panel and f"Paid (payment {order.reference})" not in panel
    receipt = Receipt.objects.get(order=order)
    assert "Refund pending" in _pdf_text(receipt)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_approve(refund=refund, officer=officer)
    order.refresh_from_db()
    assert order.status == PaymentOrder.Status.REFUNDED
    assert f"Refunded HK$160.00: payment {order.reference}" in _notices(firm_filer)
    [email] = mail.outbox
    assert email.subject == f"[iCMS] Refunded HK$160.00: payment {order.reference}"
    assert "refunded to your deposit account (CEN)" in email.body
    page = client.get(order_page).content.decode()
    assert "Refunded HK$160.00, to your deposit account (CEN)" in page and "Refund pending" not in page
    mine = client.get(reverse("payments:mine")).content.decode()
    assert "Refunded HK$160.00, to your deposit account (CEN)" in mine
    text = _pdf_text(receipt)
    assert "Refunded to deposit account CEN" in text and refund.reference in text
    # The receipt the payer downloads is the one rendered again with the refund.
    assert Receipt.objects.get(pk=receipt.pk).storage_key != ""


@pytest.mark.django_db(transaction=True)
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_a_card_refund_says_it_went_back_to_the_card(gateway, officer, party_in_person):
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="c", payer=party_in_person
    )
    client = Client()
    client.force_login(party_in_person)
    start = client.post(reverse("payments:start", args=[order.access_token]), {"method": "card"})
    client.post(start.url, {"scenario": "success", "card_number": "4242 4242 4242 4242"})
    order.refresh_from_db()
    assert order.status == "paid"
    refund = services.refund_request_for_order(order=order, reason="Paid by mistake")
    assert "Refund pending" in client.get(reverse("payments:mine")).content.decode()
    services.refund_approve(refund=refund, officer=officer)  # the gateway refund runs in a task
    refund.refresh_from_db()
    assert refund.status == "completed"
    assert _notices(party_in_person) == [
        f"Refund pending: payment {order.reference}",
        f"Refunded HK$14.00: payment {order.reference}",
    ]
    assert [m.subject for m in mail.outbox if "Refund" in m.subject] == [
        f"[iCMS] Refund pending: payment {order.reference}",
        f"[iCMS] Refunded HK$14.00: payment {order.reference}",
    ]
    page = client.get(reverse("payments:return", args=[order.access_token])).content.decode()
    assert "Refunded HK$14.00, to the card you paid with" in page
    assert "Refunded to the card paid with" in _pdf_text(Receipt.objects.get(order=order))


@pytest.mark.django_db
def test_the_payments_list_reads_refunds_in_one_query(client, firm, officer, django_assert_num_queries):
    account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("500"), reference="T", officer=officer)
    user = firm.central.user
    for key in ("a", "b", "c"):
        order = services.payment_order_create(
            purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key=key, payer=user
        )
        services.payment_order_pay_from_deposit(order=order, user=user)
        services.refund_request_for_order(order=order, reason="r")
    client.force_login(user)
    client.get(reverse("payments:mine"))  # warm the session and permission caches
    # user, memberships (nav), unread count, orders, refunds; the session is not written again
    # within a minute of the last write (icms.core.session_timeout.session_idle_restart)
    with django_assert_num_queries(5):
        page = client.get(reverse("payments:mine")).content.decode()
    assert page.count("<strong>Refund pending</strong>") == 3
