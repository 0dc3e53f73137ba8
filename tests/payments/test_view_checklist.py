"""The view checklist (docs/development.md) for the payment screens: the calculator, paying a
filing's fee, an order's pages (by its unguessable link), receipts, the payer's list, the
gateways' callback, deposit statements and the sandbox's hosted page; and list query counts.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cached_property

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from filing.services import DocumentUpload, NewCase, NewParty, submission_create
from payments import services
from payments.deposits import DEPOSIT_TERMS_VERSION
from payments.models import DepositAccount, FeeItem, PaymentOrder
from payments.sandbox.models import SandboxCharge
from payments.services.receipts import receipt_render_and_store
from tests.checklist import (
    View,
    ViewChecklist,
    assert_queries_do_not_grow,
    signed_in,
)
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


class World:
    """A payer, a stranger, a firm with a deposit account (tests/payments/conftest.py) and another firm."""

    def __init__(self, firm, officer):
        self.firm = firm
        self.officer = officer
        self.payer = UserFactory()
        self.stranger = UserFactory()
        self.admin = firm.admin.user
        self.central = firm.central.user

    @cached_property
    def other_admin(self):
        return MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.PRIMARY_ADMIN).user

    def _order(self, payer, key: str, court: str = "DC", item: str = "DC-SEARCH") -> PaymentOrder:
        return services.payment_order_create(
            purpose="search", court_level=court, items=[item], idempotency_key=key, payer=payer
        )

    @cached_property
    def order(self) -> PaymentOrder:
        """The payer's search fee, not paid yet."""
        return self._order(self.payer, "search")

    @cached_property
    def nil_order(self) -> PaymentOrder:
        """An order whose e-fee is nil (Cap. 638F, item 3(a))."""
        return self._order(self.payer, "nil", court="MC", item="MC-P1-3A")

    @cached_property
    def member_order(self) -> PaymentOrder:
        """The central branch's member's search fee, to pay from the deposit account."""
        self.account  # noqa: B018 - the account to pay from
        return self._order(self.central, "member")

    @cached_property
    def account(self):
        account = services.deposit_account_open(organisation=self.firm.organisation, branch_code="CEN")
        services.deposit_top_up(account=account, amount=Decimal("100.00"), reference="CHQ-0001", officer=self.officer)
        return account

    @cached_property
    def main_account(self):
        """The firm's main account, opened by the Accounts Office: its terms not yet accepted online."""
        return services.deposit_account_open(organisation=self.firm.organisation)

    @cached_property
    def paid_order(self) -> PaymentOrder:
        """The member's order paid from the deposit account, with its receipt rendered (as the task would)."""
        order = services.payment_order_pay_from_deposit(order=self.member_order, user=self.central)
        receipt_render_and_store(receipt_id=order.receipt.pk)
        return order

    @cached_property
    def submission(self):
        """A writ the payer filed to start a DCPI case: the filing fee is theirs to pay."""
        writ = document_type("DCPI", "writ")
        return submission_create(
            user=self.payer,
            new_case=NewCase(
                case_type=writ.case_type,
                applicants=[NewParty("CHAN Tai Man", "陳大文")],
                respondents=[NewParty("WONG Siu Ming", "黃小明")],
                nature_en="Personal injuries",
            ),
            uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
        )

    @cached_property
    def hosted_page(self) -> str:
        """The sandbox gateway's page for the payer's order (its address carries a signed session)."""
        return services.payment_order_start(
            order=self.order,
            method="card",
            return_url=reverse("payments:return", args=[self.order.access_token]),
            actor=self.payer,
        ).url


@pytest.fixture
def world(firm, officer, document_storage) -> World:
    return World(firm, officer)


def _balance_of(account) -> str:
    return f"HK${services.balance_of(account)}"


def _status(order: PaymentOrder) -> str:
    return PaymentOrder.objects.get(pk=order.pk).status


VIEWS = [
    View("payments:calculator", lambda w: reverse("payments:calculator"), shows=lambda w: "Fee calculator"),
    View(
        "payments:submission_pay",
        lambda w: reverse("payments:submission_pay", args=[w.submission.reference]),
        methods=("POST",),
        user="payer",
        other="stranger",
        state=lambda w: PaymentOrder.objects.filter(purpose="submission").count(),
    ),
    View(
        "payments:pay_standalone",
        lambda w: reverse("payments:pay_standalone"),
        methods=("POST",),
        data=lambda w: {"court": "DC", "items": "DC-SEARCH", "idempotency_key": "a" * 32},
        state=lambda w: PaymentOrder.objects.count(),
        anonymous=302,  # the public may pay a search fee: to the order's page (below)
    ),
    View(
        "payments:order",
        lambda w: reverse("payments:order", args=[w.order.access_token]),
        user="payer",
        other="stranger",
        shows=lambda w: w.order.reference,
        anonymous=404,  # a registered payer's order opens for them alone, even with the link
    ),
    View(
        "payments:start",
        lambda w: reverse("payments:start", args=[w.order.access_token]),
        methods=("POST",),
        user="payer",
        other="stranger",
        data=lambda w: {"method": "card"},
        state=lambda w: _status(w.order),
        anonymous=404,
    ),
    View(
        "payments:pay_deposit",
        lambda w: reverse("payments:pay_deposit", args=[w.member_order.access_token]),
        methods=("POST",),
        user="central",
        other="stranger",
        state=lambda w: _status(w.member_order),
        goes_to=lambda w: reverse("payments:return", args=[w.member_order.access_token]),
        changed_to=lambda w: PaymentOrder.Status.PAID,
    ),
    View(
        "payments:settle_nil",
        lambda w: reverse("payments:settle_nil", args=[w.nil_order.access_token]),
        methods=("POST",),
        user="payer",
        other="stranger",
        state=lambda w: _status(w.nil_order),
        goes_to=lambda w: reverse("payments:return", args=[w.nil_order.access_token]),
        changed_to=lambda w: PaymentOrder.Status.PAID,
        anonymous=404,
    ),
    View(
        "payments:cancel",
        lambda w: reverse("payments:cancel", args=[w.order.access_token]),
        methods=("POST",),
        user="payer",
        other="stranger",
        state=lambda w: _status(w.order),
        goes_to=lambda w: reverse("payments:order", args=[w.order.access_token]),
        changed_to=lambda w: PaymentOrder.Status.CANCELLED,
        anonymous=404,
    ),
    View(
        "payments:return",
        lambda w: reverse("payments:return", args=[w.order.access_token]),
        user="payer",
        other="stranger",
        shows=lambda w: w.order.reference,
        anonymous=404,
    ),
    View(
        "payments:receipt",
        lambda w: reverse("payments:receipt", args=[w.paid_order.access_token]),
        user="central",
        other="stranger",
        shows=lambda w: b"%PDF-",
        anonymous=404,
    ),
    View("payments:mine", lambda w: reverse("payments:mine"), user="payer", shows=lambda w: w.order.reference),
    View(
        "payments:callback",
        lambda w: reverse("payments:callback", args=["sandbox-card"]),
        methods=("POST",),
        anonymous=400,  # not signed by the gateway: not believed
        csrf=False,  # the gateway signs its callbacks instead (test_gateway_sandbox.py)
    ),
    View(
        "payments:deposit_accounts",
        lambda w: reverse("payments:deposit_accounts"),
        user="admin",
        other="central",  # not an administrator: the screen does not exist for them
        shows=lambda w: _balance_of(w.account),
    ),
    View(
        "payments:deposit_statement",
        lambda w: reverse("payments:deposit_statement", args=[w.account.pk]),
        user="admin",
        other="other_admin",
        shows=lambda w: "CHQ-0001",
    ),
    View(
        "payments:deposit_statement_csv",
        lambda w: reverse("payments:deposit_statement_csv", args=[w.account.pk]),
        user="admin",
        other="other_admin",
        shows=lambda w: b"top_up,100.00,100.00,,CHQ-0001",
    ),
    View(
        "payments:deposit_statement_pdf",
        lambda w: reverse("payments:deposit_statement_pdf", args=[w.account.pk]),
        user="admin",
        other="other_admin",
        shows=lambda w: b"%PDF-",
    ),
    View(
        "payments:deposit_open",
        lambda w: reverse("payments:deposit_open"),
        methods=("GET", "POST"),
        user="admin",
        other="central",  # only the primary administrator opens the account
        shows=lambda w: f"Deposit account terms (version {DEPOSIT_TERMS_VERSION})",
        data=lambda w: {"terms_version": DEPOSIT_TERMS_VERSION, "accept_terms": "on"},
        state=lambda w: DepositAccount.objects.get(pk=w.main_account.pk).terms_version,
        goes_to=lambda w: reverse("payments:deposit_top_up", args=[w.main_account.pk]),
        changed_to=lambda w: DEPOSIT_TERMS_VERSION,
    ),
    View(
        "payments:deposit_top_up",
        lambda w: reverse("payments:deposit_top_up", args=[w.account.pk]),
        methods=("GET", "POST"),
        user="admin",
        other="other_admin",
        shows=lambda w: "Top up the deposit account",
        data=lambda w: {"amount": "500.00", "method": "card", "idempotency_key": "checklist"},
        state=lambda w: PaymentOrder.objects.filter(purpose="deposit_top_up").count(),
    ),
    View(
        "sandbox:pay",
        lambda w: w.hosted_page,
        methods=("GET", "POST"),
        shows=lambda w: "Pay HK$14.00 to the Judiciary",
        data=lambda w: {"scenario": "success", "card_number": "4242 4242 4242 4242"},
        state=lambda w: SandboxCharge.objects.count(),
    ),
]


class TestViewChecklist(ViewChecklist):
    VIEWS = VIEWS


def test_the_filer_paying_a_filings_fee_goes_to_its_order(world):
    response = signed_in(world.payer).post(reverse("payments:submission_pay", args=[world.submission.reference]))
    order = PaymentOrder.objects.get(purpose="submission", purpose_ref=world.submission.reference)
    assert (response.status_code, response["Location"]) == (302, reverse("payments:order", args=[order.access_token]))


def test_the_public_paying_a_search_fee_from_the_calculator_goes_to_its_order(world):
    data = {"court": "DC", "items": "DC-SEARCH", "idempotency_key": "b" * 32}
    response = Client().post(reverse("payments:pay_standalone"), data)
    order = PaymentOrder.objects.get(idempotency_key="b" * 32)
    assert (order.payer, order.purpose, order.amount) == (None, "search", Decimal("14.00"))
    assert (response.status_code, response["Location"]) == (302, reverse("payments:order", args=[order.access_token]))


def test_starting_a_card_payment_sends_the_payer_to_the_gateways_page(world):
    response = signed_in(world.payer).post(
        reverse("payments:start", args=[world.order.access_token]), {"method": "card"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sandbox:pay") + "?session=")
    assert _status(world.order) == PaymentOrder.Status.PENDING


def test_a_callback_for_an_unknown_gateway_is_404(db):
    assert (
        Client().post(reverse("payments:callback", args=["no-such-gateway"]), b"{}", "application/json").status_code
        == 404
    )


def test_a_forged_sandbox_session_is_404(db):
    assert Client().get(reverse("sandbox:pay"), {"session": "forged"}).status_code == 404


# --- Query counts of the lists ---------------------------------------------------------


def test_the_payments_list_makes_the_same_queries_for_more_orders(world, django_assert_num_queries):
    """Paid orders with receipts and refunds pending, and open ones: each row reads nothing more."""
    client = signed_in(world.central)
    world.account  # noqa: B018
    theirs = world.order  # the payer's, not the member's

    def add(n):
        for _ in range(n):
            key = f"o{PaymentOrder.objects.count()}"
            order = world._order(world.central, key)
            services.payment_order_pay_from_deposit(order=order, user=world.central)
            services.refund_request_for_order(order=order, reason="Paid twice")
            world._order(world.central, key + "-open")

    def check(response, total):
        page = response.content.decode()
        assert page.count('href="/payments/order/') == 2 * total
        assert page.count("<strong>Refund pending</strong>") == total
        assert theirs.reference not in page

    assert_queries_do_not_grow(
        django_assert_num_queries, lambda: client.get(reverse("payments:mine")), add, check=check
    )


def test_the_deposit_accounts_page_makes_the_same_queries_for_more_accounts(world, django_assert_num_queries):
    client = signed_in(world.admin)
    theirs = services.deposit_account_open(
        organisation=world.other_admin.memberships.get().organisation, branch_code="ZZZ"
    )

    def add(n):
        for _ in range(n):
            branch = f"B{DepositAccount.objects.count():02d}"
            account = services.deposit_account_open(organisation=world.firm.organisation, branch_code=branch)
            services.deposit_top_up(account=account, amount=Decimal("10.00"), reference="T", officer=world.officer)

    def check(response, total):
        page = response.content.decode()
        assert len(re.findall(r'href="/payments/deposit/\d+/"', page)) == total  # each account's statement
        assert f"/payments/deposit/{theirs.pk}/" not in page

    assert_queries_do_not_grow(
        django_assert_num_queries, lambda: client.get(reverse("payments:deposit_accounts")), add, check=check
    )


def test_the_deposit_statement_makes_the_same_queries_for_more_entries(world, django_assert_num_queries):
    client = signed_in(world.admin)
    account = world.account
    url = reverse("payments:deposit_statement", args=[account.pk])

    def add(n):
        for _ in range(n):
            order = world._order(world.central, f"s{PaymentOrder.objects.count()}")
            services.payment_order_pay_from_deposit(order=order, user=world.central)  # a fee with its order

    def check(response, total):
        assert response.content.decode().count("-14.00") == total

    assert_queries_do_not_grow(django_assert_num_queries, lambda: client.get(url), add, check=check)


def test_the_fee_items_api_makes_the_same_queries_for_more_items(client, django_assert_num_queries):
    from datetime import date

    url = reverse("api:fees_items")

    def add(n):
        for _ in range(n):
            FeeItem.objects.create(
                court_level="DC",
                code=f"DC-TEST-{FeeItem.objects.count()}",
                statutory_ref="Cap. 336C",
                description_en="A test item",
                description_zh="測試項目",
                standard_amount=Decimal("10.00"),
                effective_from=date(2020, 1, 1),
            )

    def check(response, total):
        assert sum(item["code"].startswith("DC-TEST-") for item in response.json()) == total

    assert_queries_do_not_grow(
        django_assert_num_queries,
        lambda: client.get(url, {"court": "DC", "at": "2026-12-01T10:00:00+08:00"}),
        add,
        check=check,
    )
