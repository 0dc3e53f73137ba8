"""Each webhook event is recorded by the real service that makes the change, in its transaction,
for the organisations that should hear of it (delivery itself: test_webhook_delivery.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Membership, Organisation, WebhookDelivery, WebhookEndpoint, WebhookEvent
from accounts.webhooks.endpoints import secret_generate
from filing.models import ReturnReason
from filing.services import court_document_issue, filing_accept, filing_return
from icms.calendar.models import Closure
from icms.calendar.services import calendar_record_save
from icms.calendar.stamping import deemed_receipts_restamp
from icms.core.models import OutboxItem
from tests.causebook.hearing_world import MONDAY_HEARING, clock, hw  # noqa: F401 (fixtures)
from tests.clock import once_received_in_law
from tests.factories import MembershipFactory, OrganisationFactory, PartyFactory, StaffFactory
from tests.filing.conftest import pdf_file, received_at
from tests.filing.test_review_admin import file_defence, new_dcpi_case

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")


def listen(organisation: Organisation) -> WebhookEndpoint:
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.SECONDARY_ADMIN)
    return WebhookEndpoint.objects.create(
        organisation=organisation, url="http://127.0.0.1:9/hook", secret=secret_generate(), created_by=admin.user
    )


def events(organisation: Organisation, event_type: str | None = None) -> list[WebhookEvent]:
    rows = WebhookEvent.objects.filter(organisation=organisation).order_by("occurred_at", "pk")
    return list(rows.filter(event_type=event_type) if event_type else rows)


def organisation_of(user) -> Organisation:
    return Membership.objects.get(user=user).organisation


@pytest.fixture
def firm(firm_filer, document_storage, outbox_held):
    """The filer's firm, with an endpoint listening to everything; deliveries are owed, not sent."""
    organisation = organisation_of(firm_filer)
    listen(organisation)
    return organisation


def test_a_filing_received_and_its_deemed_time(firm_filer, firm, outbox_held):
    submission = file_defence(firm_filer)
    received, deemed = events(firm)
    assert (received.event_type, deemed.event_type) == ("filing.received", "filing.deemed_time_set")
    data = received.payload["data"]
    assert data["reference"] == submission.reference and data["status"] == "received"
    assert data["case_number"] == firm_filer.case.case_number
    assert data["deemed_rule"] == submission.deemed_rule and data["deemed_received_at"].endswith("+08:00")
    assert data["documents"][0]["sha256"] == submission.documents.get().sha256
    assert deemed.payload["data"]["cause"] == "received"
    # Owed to the endpoint, through the outbox, in the filing's transaction.
    delivery = WebhookDelivery.objects.get(event=received)
    assert OutboxItem.objects.filter(kind="accounts.webhook_deliver", target_id=str(delivery.pk)).exists()
    assert delivery.pk in outbox_held.targets("accounts.webhook_deliver")


def test_nothing_is_recorded_for_an_organisation_without_endpoints(firm_filer, document_storage, outbox_held):
    file_defence(firm_filer)
    assert not WebhookEvent.objects.exists()


def test_an_accepted_filing_carries_its_case_number_and_drns(firm_filer, firm):
    submission = new_dcpi_case(firm_filer)
    with once_received_in_law(submission):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    (accepted,) = events(firm, "filing.accepted")
    data = accepted.payload["data"]
    assert data["status"] == "accepted" and data["case_number"].startswith("DCPI ")
    assert all(document["drn"] for document in data["documents"])
    assert data["decided_at"]


def test_a_returned_filing_carries_its_reasons(firm_filer, firm):
    submission = file_defence(firm_filer)
    reason = ReturnReason.objects.get(code="unsigned")
    with once_received_in_law(submission):
        filing_return(submission=submission, clerk=StaffFactory(), reason=reason, note="Sign page 3.")
    (returned,) = events(firm, "filing.returned")
    data = returned.payload["data"]
    assert data["status"] == "returned" and data["note"] == "Sign page 3."
    assert data["reasons"] == [{"code": "unsigned", "name_en": reason.name_en, "name_zh": reason.name_zh}]


def test_a_calendar_closure_re_stamping_the_deemed_time_is_told(firm_filer, firm):
    submission = received_at(file_defence(firm_filer), datetime(2026, 11, 25, 9, 30, tzinfo=HKT))
    before = submission.deemed_received_at
    calendar_record_save(
        actor=StaffFactory(),
        record=Closure(reason="typhoon", starts_at=datetime(2026, 11, 25, 9, 0, tzinfo=HKT), notice_en="T8"),
    )
    deemed_receipts_restamp(window_start=datetime(2026, 11, 25, 9, 0, tzinfo=HKT), window_end=None, cause="typhoon")
    changed = events(firm, "filing.deemed_time_set")[-1]
    data = changed.payload["data"]
    assert data["cause"] == "typhoon"
    assert data["deemed_rule"] == "closure_pending" and data["deemed_received_at"] is None
    assert data["previous_deemed_received_at"] == before.astimezone(HKT).isoformat()


def test_a_court_document_is_told_to_every_organisation_on_record(firm_filer, firm):
    case = firm_filer.case
    other_side = OrganisationFactory()
    listen(other_side)
    PartyFactory(case=case, side="respondent", ordinal=2, representative=other_side)
    stranger = OrganisationFactory()
    listen(stranger)
    document = court_document_issue(
        case=case, staff=StaffFactory(), kind="order", title="Order for directions", file=pdf_file()
    )
    for organisation in (firm, other_side):
        (issued,) = events(organisation, "court_document.issued")
        assert issued.payload["data"] == {
            "case_number": case.case_number,
            "drn": document.drn,
            "kind": "order",
            "title": "Order for directions",
            "issued_at": document.issued_at.astimezone(HKT).isoformat(),
            "sha256": document.sealed_sha256,
            "pages": 1,
        }
    assert events(stranger) == []
    assert events(firm)[0].id != events(other_side)[0].id  # each organisation its own event id


def test_a_hearing_fixed_then_adjourned(hw, outbox_held):  # noqa: F811
    plaintiff_firm = organisation_of(hw.plaintiff_firm_user)
    listen(plaintiff_firm)
    hearing = hw.fix()
    (fixed,) = events(plaintiff_firm, "hearing.fixed")
    assert fixed.payload["data"]["case_number"] == hw.case.case_number
    assert fixed.payload["data"]["hearing"]["starts_at"] == MONDAY_HEARING.isoformat()
    assert fixed.payload["data"]["notice_drn"]
    from causebook.hearings import hearing_adjourn

    hearing_adjourn(
        hearing=hearing, new_starts_at=MONDAY_HEARING + timedelta(days=7), reason="Counsel unwell", actor=hw.clerk
    )
    (changed,) = events(plaintiff_firm, "hearing.changed")
    data = changed.payload["data"]
    assert (data["change"], data["reason"], data["hearing"]["status"]) == ("adjourned", "Counsel unwell", "adjourned")
    assert data["adjourned_to"]["starts_at"] == (MONDAY_HEARING + timedelta(days=7)).isoformat()
    # The notices of hearing are court documents too.
    assert len(events(plaintiff_firm, "court_document.issued")) == 2


def test_a_payment_settled_from_deposit_then_refunded(firm_filer, firm):
    from payments import services

    officer = StaffFactory(group="Accounts officer")
    account = services.deposit_account_open(organisation=firm, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("500.00"), reference="CHQ-1", officer=officer)
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="k1", payer=firm_filer
    )
    order = services.payment_order_pay_from_deposit(order=order, user=firm_filer)
    (settled,) = events(firm, "payment.settled")
    data = settled.payload["data"]
    assert data["reference"] == order.reference and data["method"] == "deposit"
    assert data["amount"] == str(order.amount) and data["currency"] == "HKD"
    assert data["receipt_number"] == order.receipt.number
    assert isinstance(data["fee_lines"][0]["e_fee"], str)
    refund = services.refund_request_for_order(order=order, reason="Paid twice")
    services.refund_approve(refund=refund, officer=officer)
    (paid,) = events(firm, "refund.paid")
    assert paid.payload["data"]["amount"] == str(order.amount)
    assert paid.payload["data"]["payment"]["reference"] == order.reference


def test_no_payload_holds_an_identity_number(firm_filer, firm):
    firm_filer.hkid = "A1234563"
    firm_filer.save()
    file_defence(firm_filer)
    for event in events(firm):
        assert "A1234563" not in json.dumps(event.payload) and "A123456" not in json.dumps(event.payload)
