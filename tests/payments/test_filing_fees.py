"""The filing fee: quoted before filing, paid after receipt, refunded when the filing is returned."""

from decimal import Decimal

import pytest
from django.urls import reverse

from filing.models import MessageItem, ReturnReason
from filing.services import DocumentUpload, NewCase, NewParty, filing_return, submission_create
from payments.filing_fees import submission_fee_items, submission_order
from payments.models import PaymentOrder, Refund
from payments.services import deposit_account_open, deposit_top_up, payment_order_pay_from_deposit
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


def _start_dcpi(user):
    writ = document_type("DCPI", "writ")
    return submission_create(
        user=user,
        new_case=NewCase(
            case_type=writ.case_type,
            applicants=[NewParty("CHAN Tai Man", "陳大文")],
            respondents=[NewParty("WONG Siu Ming", "黃小明")],
            nature_en="Personal injuries",
        ),
        uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
    )


def test_the_form_shows_the_fee_with_the_concession(client, party_in_person):
    client.force_login(party_in_person)
    page = client.get(reverse("filing:start_case", args=["DCPI"])).content.decode()
    assert "Filing fees" in page
    assert "Standard fee" in page
    assert "e-fee" in page


def test_the_acknowledgement_offers_to_pay_and_paying_makes_one_order(client, party_in_person, document_storage):
    submission = _start_dcpi(party_in_person)
    assert submission_fee_items(submission) == ["DC-WRIT"]
    client.force_login(party_in_person)
    page = client.get(reverse("filing:submission", args=[submission.reference])).content.decode()
    assert "Pay the fee" in page
    first = client.post(reverse("payments:submission_pay", args=[submission.reference]))
    second = client.post(reverse("payments:submission_pay", args=[submission.reference]))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    order = PaymentOrder.objects.get(purpose="submission", purpose_ref=submission.reference)
    assert order.amount < order.standard_total  # the e-fee, during the concession


def test_only_the_filer_pays(client, party_in_person, outsider, document_storage):
    submission = _start_dcpi(party_in_person)
    client.force_login(outsider)
    assert client.post(reverse("payments:submission_pay", args=[submission.reference])).status_code == 404


def test_a_returned_filing_that_was_paid_gets_a_refund_request(
    firm_filer, document_storage, django_capture_on_commit_callbacks, celery_eager
):
    membership = firm_filer.memberships.get()
    account = deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    officer = StaffFactory(group="Accounts officer")
    deposit_top_up(account=account, amount=Decimal("5000"), reference="TOPUP-1", officer=officer)
    submission = submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "summons"), "Summons for directions", pdf_file())],
    )
    from payments.services import payment_order_create

    with django_capture_on_commit_callbacks(execute=True):
        order = payment_order_create(
            purpose="submission",
            court_level="DC",
            items=submission_fee_items(submission),
            idempotency_key=f"submission-{submission.reference}",
            payer=firm_filer,
            purpose_ref=submission.reference,
        )
        payment_order_pay_from_deposit(order=order, user=firm_filer)
    submission.refresh_from_db()
    assert submission.payment_reference == order.reference
    assert submission_order(submission).status == PaymentOrder.Status.PAID
    assert MessageItem.objects.filter(recipient=firm_filer, kind="payment_receipt").exists()

    with once_received_in_law(submission):
        filing_return(submission=submission, clerk=StaffFactory(), reason=ReturnReason.objects.get(code="unsigned"))
    refund = Refund.objects.get(order=order)
    assert refund.amount == order.amount
