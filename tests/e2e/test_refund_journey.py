"""A filer's money in Chromium: the card is declined and the page says so at once, the fee is
paid, the registry returns the filing, and the filer sees "Refund pending" and then "Refunded"."""

from __future__ import annotations

import importlib
import re
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from filing.models import MessageItem, ReturnReason, Submission
from filing.services import DocumentUpload, filing_return, submission_create
from payments import services
from payments.filing_fees import submission_fee_items
from payments.models import PaymentOrder, Refund
from tests.clock import once_received_in_law
from tests.factories import PASSWORD, MembershipFactory, StaffFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db(transaction=True)

#: A working morning inside the Cap. 638E concession: the summons fee is HK$200 less 20%.
WHEN = datetime(2026, 6, 1, 10, 0, tzinfo=ZoneInfo("Asia/Hong_Kong"))


@pytest.fixture
def filer(live_server, settings, tmp_path, celery_eager):
    """A firm user with a DCCJ case and a funded deposit account; callbacks over real HTTP."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    settings.PAYMENT_CALLBACK_BASE_URL = live_server.url
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    importlib.import_module("payments.migrations.0002_seed_fee_schedule").seed(apps, None)
    group, _ = Group.objects.get_or_create(name="Accounts officer")
    codenames = importlib.import_module("payments.migrations.0003_accounts_officer_permissions").ACCOUNTS_OFFICER
    group.permissions.add(*Permission.objects.filter(content_type__app_label="payments", codename__in=codenames))
    return MembershipFactory(branch_code="CEN")


def test_a_declined_card_then_a_paid_fee_then_a_return_shows_refund_pending_then_refunded(journey, filer):
    from filing.models import Case, CaseType, Party
    from tests.factories import CaseFactory, PartyFactory, assign_case

    user = filer.user
    officer = StaffFactory(group="Accounts officer")
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), status=Case.Status.ACTIVE)
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=filer.organisation)
    assign_case(case, filer)
    account = services.deposit_account_open(organisation=filer.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("1000.00"), reference="CHQ-1", officer=officer)

    with time_machine.travel(WHEN, tick=True):
        submission = submission_create(
            user=user,
            case=case,
            uploads=[DocumentUpload(document_type("DCCJ", "summons"), "Summons for directions", pdf_file())],
        )
        order = services.payment_order_create(
            purpose="submission",
            court_level="DC",
            items=submission_fee_items(submission),
            idempotency_key=f"submission-{submission.reference}",
            payer=user,
            purpose_ref=submission.reference,
        )
        assert order.amount == Decimal("160.00")
        page = journey.page
        journey.visit("/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state("load")
        journey.check_page()

        # The card is declined: the page says so at once, and what to do next.
        journey.visit(f"/payments/order/{order.access_token}/")
        page.get_by_role("button", name="Pay by card").click()
        page.wait_for_url(re.compile(r"/sandbox-gateway/pay/"))
        journey.check_page()
        page.get_by_label("Card number").fill("4000 0000 0000 0002")
        page.get_by_role("button", name=re.compile(r"^Pay HK\$")).click()
        page.wait_for_url(re.compile(r"/return/$"))
        journey.check_page()
        status = page.locator("#payment-status")
        expect(status).to_have_attribute("aria-live", "polite")
        expect(status).to_contain_text("Payment declined")
        expect(status).to_contain_text("Try another card, or pay another way")
        expect(page.get_by_text("Waiting for confirmation")).to_have_count(0)
        assert MessageItem.objects.filter(recipient=user, subject_en=f"Payment {order.reference} declined").exists()

        # Another way: the deposit account.
        page.get_by_role("link", name="Try another card or pay another way").click()
        page.wait_for_load_state("load")
        journey.check_page()
        page.get_by_role("button", name="Pay HK$160.00 from the deposit account").click()
        page.wait_for_url(re.compile(r"/return/$"))
        journey.check_page()
        expect(page.get_by_text("Payment received", exact=True)).to_be_visible()

        # The registry returns the filing: a refund is asked for and the filer is told.
        with once_received_in_law(submission):
            filing_return(
                submission=Submission.objects.get(pk=submission.pk),
                clerk=StaffFactory(),
                reason=ReturnReason.objects.get(code="unsigned"),
            )
        journey.visit(f"/payments/order/{order.access_token}/")
        expect(page.locator(".summary-list")).to_contain_text("Refund pending")
        expect(page.get_by_text("HK$160.00, to your deposit account (CEN)")).to_be_visible()
        journey.visit("/payments/mine/")
        expect(page.locator("table")).to_contain_text("Refund pending")
        assert any(m.subject == f"[iCMS] Refund pending: payment {order.reference}" for m in mail.outbox)

        # An accounts officer approves; the money goes back to the deposit account.
        services.refund_approve(refund=Refund.objects.get(order=order), officer=officer)
        assert PaymentOrder.objects.get(pk=order.pk).status == "refunded"
        journey.visit(f"/payments/order/{order.access_token}/")
        expect(page.get_by_text("Refunded HK$160.00, to your deposit account (CEN)")).to_be_visible()
        journey.visit("/filing/messages/")
        expect(page.get_by_role("link", name=f"Refunded HK$160.00: payment {order.reference}")).to_be_visible()
        expect(page.get_by_role("link", name=f"Refund pending: payment {order.reference}")).to_be_visible()
    assert services.balance_of(account) == Decimal("1000.00")
    assert any(m.subject == f"[iCMS] Refunded HK$160.00: payment {order.reference}" for m in mail.outbox)
