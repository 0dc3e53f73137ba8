"""What an order pays for, as the payer knows it: never the internal key in ``purpose_ref``."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from filing.services import DocumentUpload, submission_create
from payments import hooks, selectors, services
from payments.filing_fees import submission_fee_items
from payments.models import PaymentOrder, Receipt
from payments.rendering import receipt_context
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


def _for(page: str) -> str:
    start = page.index("<dt>For</dt><dd>") + len("<dt>For</dt><dd>")
    return page[start : page.index("</dd>", start)]


def test_an_order_for_something_its_app_cannot_describe_shows_the_purpose_alone():
    # A search fee paid from the calculator: its purpose_ref is a random key, not a purchase.
    standalone = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="k1", purpose_ref="Q7XK2M9PLA3R8T5W"
    )
    # A digit-only reference that is no purchase at all.
    unknown = services.payment_order_create(
        purpose="inspection", court_level="DC", items=["DC-INSPECT"], idempotency_key="k2", purpose_ref="999999"
    )
    with translation.override("en"):
        assert selectors.order_purpose(standalone) == "Search"
        assert selectors.order_purpose(unknown) == "Document inspection"
    with translation.override("zh-hant"):
        assert selectors.order_purpose(standalone) == "查冊"


def test_a_registered_description_is_shown_after_the_purpose(monkeypatch):
    monkeypatch.setitem(hooks._describe, "search", lambda order: f"“{order.purpose_ref.lower()}”")
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="k3", purpose_ref="ABC"
    )
    with translation.override("zh-hant"):
        assert selectors.order_purpose(order) == "查冊：“abc”"


def test_the_filing_fee_order_shows_the_submissions_reference_and_its_receipt_says_so_in_both_languages(
    client, firm_filer, document_storage, django_capture_on_commit_callbacks, celery_eager
):
    membership = firm_filer.memberships.get()
    account = services.deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    officer = StaffFactory(group="Accounts officer")
    services.deposit_top_up(account=account, amount=Decimal("5000"), reference="TOPUP-1", officer=officer)
    submission = submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "summons"), "Summons for directions", pdf_file())],
    )
    case_number = firm_filer.case.case_number
    assert case_number
    client.force_login(firm_filer)
    response = client.post(reverse("payments:submission_pay", args=[submission.reference]))
    order = PaymentOrder.objects.get(purpose="submission", purpose_ref=submission.reference)
    assert response["Location"] == reverse("payments:order", args=[order.access_token])
    page = client.get(response["Location"]).content.decode()
    assert _for(page) == f"Court filing: {submission.reference} ({case_number})"

    with django_capture_on_commit_callbacks(execute=True):
        services.payment_order_pay_from_deposit(order=order, user=firm_filer)
    context = receipt_context(Receipt.objects.get(order=order))
    assert context["paid_for"] == {
        "en": f"Court filing: {submission.reference} ({case_number})",
        "zh": f"法院存檔：{submission.reference}（{case_number}）",
    }
    assert submission_fee_items(submission)  # a fee was due: the order is not a nil one
