"""Fees as the public sees them: no "not verified" on the pages or the receipt, amounts with a
thousands separator, and ``check --deploy`` refusing an unverified fee item in force (icms.E040)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from payments import services
from payments.checks import FEES_TAG, check_fee_items_in_force_are_verified
from payments.models import FeeItem
from payments.rendering import render_receipt_pdf

pytestmark = pytest.mark.django_db

SEARCHES = 105  # 105 searches: HK$1,890.00 standard, HK$1,470.00 through iCMS


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_check_deploy_fails_while_an_unverified_fee_item_is_in_force():
    assert FeeItem.objects.filter(code="DC-WRIT", verified=False).exists()  # as seeded
    with pytest.raises(SystemCheckError) as failure:
        call_command("check", deploy=True, tags=[FEES_TAG])
    assert "icms.E040" in str(failure.value) and "DC DC-WRIT (HK$630.00)" in str(failure.value)


def test_check_deploy_passes_once_every_item_in_force_is_verified_superseded_ones_do_not_count():
    FeeItem.objects.update(verified=True)
    FeeItem.objects.create(
        court_level="DC",
        code="DC-WRIT",
        statutory_ref="Cap. 336C",
        description_en="Old writ fee",
        description_zh="舊令狀費用",
        standard_amount=Decimal("500.00"),
        effective_from=date(2020, 1, 1),
        effective_to=date(2021, 12, 31),
        verified=False,
    )
    assert check_fee_items_in_force_are_verified(None) == []
    call_command("check", deploy=True, tags=[FEES_TAG])  # raises on an error


def test_the_fee_check_is_a_deployment_check_only():
    assert "icms.E040" in _ids(run_checks(tags=[FEES_TAG], include_deployment_checks=True))
    assert "icms.E040" not in _ids(run_checks(tags=[FEES_TAG]))


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_calculator_shows_no_verification_marks_and_groups_thousands(client, language):
    client.cookies["django_language"] = language
    page = client.get(
        reverse("payments:calculator"), {"court": "DC", "qty_DC-SEARCH": 50, "qty_DC-WRIT": 1, "calculate": 1}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "not verified" not in text.lower() and "未經核實" not in text
    assert "HK$1,530.00" in text  # 50 x 18 + 630
    assert "HK$1,204.00" in text  # 50 x 14 + 504


def test_the_pay_page_and_receipt_pdf_show_no_verification_marks(client, firm, officer):
    FeeItem.objects.filter(code="DC-SEARCH").update(verified=False)
    account = services.deposit_account_open(organisation=firm.organisation, branch_code="CEN")
    services.deposit_top_up(account=account, amount=Decimal("5000"), reference="CHQ-1", officer=officer)
    payer = firm.central.user
    order = services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"] * SEARCHES, idempotency_key="big", payer=payer
    )
    client.force_login(payer)
    page = client.get(reverse("payments:order", args=[order.access_token])).content.decode()
    assert "not verified" not in page.lower()
    assert "HK$1,890.00" in page and "HK$1,470.00" in page
    order = services.payment_order_pay_from_deposit(order=order, user=payer)
    pdf = render_receipt_pdf(order.receipt)
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "not verified" not in text.lower() and "未經核實" not in text
    assert "HK$1,470.00" in text and "HK$1,890.00" in text


def test_the_search_fee_citation_names_no_verification_note():
    refs = set(FeeItem.objects.values_list("statutory_ref", flat=True))
    assert "Cap. 336C, Schedule (search fee)" in refs
    assert not [ref for ref in refs if "verified" in ref]
    assert "not verified" in FeeItem.objects.get(court_level="DC", code="DC-SEARCH").source_note


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_money_has_a_thousands_separator_in_both_languages(language):
    template = Template("{% load icms_money %}HK${{ a|money }} {{ a|hkd }} {{ b|money }}")
    with translation.override(language):
        text = template.render(Context({"a": Decimal("1468"), "b": "1234567.5"}))
    assert text == "HK$1,468.00 HK$1,468.00 1,234,567.50"
