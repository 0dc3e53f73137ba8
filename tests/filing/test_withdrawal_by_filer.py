"""The filer withdraws a submission before the registry decides it (issue 14)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from filing.models import Case, Submission
from filing.selectors import review_queue
from filing.services import DocumentUpload, NewCase, NewParty, filing_accept, submission_create
from filing.services.submission_withdrawal import WithdrawalRefused, submission_withdraw
from icms.core.models import AuditEvent
from payments.filing_fees import submission_fee_items, submission_order
from payments.models import PaymentOrder, Refund
from payments.services import deposit_account_open, deposit_top_up, payment_order_pay_from_deposit
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


def _summons(firm_filer) -> Submission:
    return submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "summons"), "Summons for directions", pdf_file())],
    )


def _paid(firm_filer, submission, capture) -> PaymentOrder:
    from payments.services import payment_order_create

    membership = firm_filer.memberships.get()
    account = deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    deposit_top_up(
        account=account, amount=Decimal("5000"), reference="TOPUP-1", officer=StaffFactory(group="Accounts officer")
    )
    with capture(execute=True):
        order = payment_order_create(
            purpose="submission",
            court_level="DC",
            items=submission_fee_items(submission),
            idempotency_key=f"submission-{submission.reference}",
            payer=firm_filer,
            purpose_ref=submission.reference,
        )
        payment_order_pay_from_deposit(order=order, user=firm_filer)
    assert submission_order(submission).status == PaymentOrder.Status.PAID
    return order


def test_withdrawing_before_a_decision_withdraws_refunds_and_audits(
    client, firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    submission = _summons(firm_filer)
    order = _paid(firm_filer, submission, django_capture_on_commit_callbacks)
    client.force_login(firm_filer)
    page = client.get(reverse("filing:submission", args=[submission.reference])).content.decode()
    assert reverse("filing:submission_withdraw", args=[submission.reference]) in page
    confirm = client.get(reverse("filing:submission_withdraw", args=[submission.reference])).content.decode()
    assert "refund of the fee will be requested" in confirm

    response = client.post(reverse("filing:submission_withdraw", args=[submission.reference]))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.WITHDRAWN and submission.withdrawn_at is not None
    refund = Refund.objects.get(order=order)
    assert refund.amount == order.amount and "withdrawn" in refund.reason
    event = AuditEvent.objects.get(event_type="filing.submission_withdrawn")
    assert event.actor_id == firm_filer.pk and event.after["status"] == "withdrawn"
    assert submission not in review_queue()
    shown = client.get(reverse("filing:submission", args=[submission.reference])).content.decode()
    assert "You withdrew this submission" in shown


def test_withdrawing_after_acceptance_is_refused(client, firm_filer, document_storage, celery_eager):
    submission = _summons(firm_filer)
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    with pytest.raises(WithdrawalRefused, match="already decided"):
        submission_withdraw(submission=submission, user=firm_filer)
    client.force_login(firm_filer)
    response = client.post(reverse("filing:submission_withdraw", args=[submission.reference]), follow=True)
    assert "can no longer be withdrawn" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    assert not AuditEvent.objects.filter(event_type="filing.submission_withdrawn").exists()


def test_a_decision_that_wins_the_race_refuses_the_withdrawal(firm_filer, document_storage):
    submission = _summons(firm_filer)
    stale = Submission.objects.get(pk=submission.pk)  # loaded while still open
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.RETURNED)
    with pytest.raises(WithdrawalRefused, match="already decided"):
        submission_withdraw(submission=stale, user=firm_filer)


def test_a_withdrawn_opening_filing_leaves_its_case_a_draft(party_in_person, document_storage):
    writ = document_type("DCPI", "writ")
    submission = submission_create(
        user=party_in_person,
        new_case=NewCase(
            case_type=writ.case_type,
            applicants=[NewParty("CHAN Tai Man", address_for_service="1 Queen's Road Central")],
            respondents=[NewParty("WONG Siu Ming")],
            nature_en="Personal injuries",
        ),
        uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
    )
    submission_withdraw(submission=submission, user=party_in_person)
    case = Case.objects.get(pk=submission.case_id)
    assert case.status == Case.Status.DRAFT and case.number is None


def test_only_the_filing_side_may_withdraw(client, firm_filer, outsider, document_storage):
    submission = _summons(firm_filer)
    client.force_login(outsider)
    assert client.get(reverse("filing:submission_withdraw", args=[submission.reference])).status_code == 404
    assert client.post(reverse("filing:submission_withdraw", args=[submission.reference])).status_code == 404
    with pytest.raises(WithdrawalRefused):
        submission_withdraw(submission=submission, user=outsider)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RECEIVED
