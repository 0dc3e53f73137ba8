"""The payment screens: calculator, pay page access, receipts by token only, statements."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from causebook.models import SearchPurchase
from icms.core.models import AuditEvent
from icms.demo import accounts as accounts_demo
from icms.demo import payments as payments_demo
from payments import services
from payments.models import DepositAccount, PaymentOrder
from tests.causebook.conftest import make_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_calculator_shows_standard_e_fee_and_saving_without_verification_marks(client):
    page = client.get(
        reverse("payments:calculator"), {"court": "DC", "qty_DC-SEARCH": 1, "qty_DC-WRIT": 1, "calculate": 1}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "HK$648.00" in text and "HK$518.00" in text and "HK$130.00" in text
    assert "not verified" not in text  # the admin keeps the flag; check --deploy refuses it (icms.E040)
    assert "deemed received" not in text  # a filing fee is not paid from here
    assert page.context["pay_form"] is None


def test_the_calculator_in_chinese(client):
    client.cookies["django_language"] = "zh-hant"
    page = client.get(reverse("payments:calculator"), {"court": "MC", "qty_MC-SEARCH": 2, "calculate": 1})
    text = page.content.decode()
    assert "費用計算器" in text and "電子費用" in text and "HK$28.00" in text
    assert "立即繳付港幣 28.00" in text


def test_a_registered_payers_order_is_404_to_anyone_else(client):
    owner = UserFactory()
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="x", payer=owner
    )
    url = reverse("payments:order", args=[order.access_token])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(owner)
    page = client.get(url)
    assert page.status_code == 200 and order.reference in page.text
    assert client.get(reverse("payments:order", args=["not-a-token"])).status_code == 404


def test_a_public_order_opens_with_its_link_and_state_changes_are_post_only(client):
    order = services.payment_order_create(purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="p")
    page = client.get(reverse("payments:order", args=[order.access_token]))
    assert page.status_code == 200 and order.reference in page.text
    assert client.get(reverse("payments:start", args=[order.access_token])).status_code == 405
    assert client.get(reverse("payments:callback", args=["sandbox-card"])).status_code == 405
    csrf = Client(enforce_csrf_checks=True)
    assert csrf.post(reverse("payments:cancel", args=[order.access_token])).status_code == 403
    assert client.post(reverse("payments:cancel", args=[order.access_token])).status_code == 302
    assert PaymentOrder.objects.get(pk=order.pk).status == "cancelled"
    assert client.get(reverse("payments:receipt", args=[order.access_token])).status_code == 404


def test_a_cancelled_search_fee_can_be_paid_after_all_through_the_same_order(client):
    make_case("DCCJ", 1, 2026, ("CHAN Tai Man", "陳大文"), ("HING FAT LIMITED", "興發有限公司"))
    first = client.post(reverse("causebook:purchase_create"), {"q": "Chan Tai Man"})
    order = PaymentOrder.objects.get(purpose="search")
    assert client.post(reverse("payments:cancel", args=[order.access_token])).status_code == 302
    assert PaymentOrder.objects.get(pk=order.pk).status == "cancelled"

    # "Pay the search fee" again for the same purchase (the same idempotency key).
    purchase = SearchPurchase.objects.get()
    again = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key=f"search-{purchase.pk}"
    )
    assert again.pk == order.pk and again.status == "created"
    assert PaymentOrder.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "Pay by card" in page
    assert AuditEvent.objects.filter(event_type="payments.order_reopened").count() == 1


def test_statements_are_for_the_organisations_administrators_only(firm, officer, client):
    account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("50.00"), reference="=cmd()", officer=officer)
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="s", payer=firm.central.user
    )
    services.payment_order_pay_from_deposit(order=order, user=firm.central.user)
    client.force_login(firm.central.user)
    assert client.get(reverse("payments:deposit_statement", args=[account.pk])).status_code == 404
    client.force_login(firm.admin.user)
    page = client.get(reverse("payments:deposit_accounts"))
    assert b"HK$36.00" in page.content
    assert b"HK$36.00" in client.get(reverse("payments:deposit_statement", args=[account.pk])).content
    csv = client.get(reverse("payments:deposit_statement_csv", args=[account.pk]))
    body = csv.content.decode("utf-8-sig")
    assert "top_up,50.00,50.00" in body and "fee,-14.00,36.00" in body and "'=cmd()" in body
    pdf = client.get(reverse("payments:deposit_statement_pdf", args=[account.pk]))
    assert pdf.content.startswith(b"%PDF") and pdf["Content-Disposition"].startswith("attachment")


def test_the_demo_data_loads_twice_without_change():
    people = accounts_demo.load()
    assert payments_demo.load(people) == 3
    balances = {a.branch_code: services.balance_of(a) for a in DepositAccount.objects.all()}
    assert payments_demo.load(people) == 3
    assert {a.branch_code: services.balance_of(a) for a in DepositAccount.objects.all()} == balances
    assert balances == {None: Decimal("5000.00"), "CEN": Decimal("1468.00"), "KLN": Decimal("1486.00")}
    assert PaymentOrder.objects.filter(status="paid").count() == 3
