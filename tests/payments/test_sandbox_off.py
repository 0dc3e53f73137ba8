"""With the sandbox gateway off (the default outside development), nothing pays through it.

The sandbox takes no money; a payer who could choose "success" there would record a fee
as paid for nothing. Off, the pay page offers no card, PPS or FPS button and says so, a
forged start is refused, and the sandbox's hosted page and callbacks answer 404.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from payments import services
from payments.models import PaymentOrder
from tests.factories import UserFactory
from tests.payments.helpers import callback

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    payer = UserFactory()
    return services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="off", payer=payer
    )


def test_with_the_sandbox_on_the_page_offers_card_pps_and_fps(client, order):
    client.force_login(order.payer)
    page = client.get(reverse("payments:order", args=[order.access_token])).text
    assert 'value="card"' in page and 'value="pps"' in page and 'value="fps"' in page
    assert "not available at present" not in page


def test_with_the_sandbox_off_the_page_offers_no_gateway_and_says_so(client, order, settings):
    settings.PAYMENT_SANDBOX_ENABLED = False
    client.force_login(order.payer)
    page = client.get(reverse("payments:order", args=[order.access_token])).text
    assert 'value="card"' not in page and 'value="pps"' not in page and 'value="fps"' not in page
    assert "Payment by card, PPS or FPS is not available at present." in page
    client.cookies["django_language"] = "zh-hant"
    chinese = client.get(reverse("payments:order", args=[order.access_token])).text
    assert "Payment by card" not in chinese and 'id="no-gateway"' in chinese


def test_with_the_sandbox_off_a_forged_start_is_refused_and_nothing_is_pending(client, order, settings):
    settings.PAYMENT_SANDBOX_ENABLED = False
    client.force_login(order.payer)
    answer = client.post(reverse("payments:start", args=[order.access_token]), {"method": "card"}, follow=True)
    assert "Payment by this method is not available at present." in answer.text
    order.refresh_from_db()
    assert order.status != PaymentOrder.Status.PENDING and order.gateway == ""


def test_with_the_sandbox_off_its_page_and_callbacks_are_refused(client, order, settings):
    settings.PAYMENT_SANDBOX_ENABLED = False
    assert client.get(reverse("sandbox:pay"), {"session": "x"}).status_code == 404
    with pytest.raises(LookupError):
        callback(order, kind="succeeded", charge="ch_1", event_id="evt_1")
    assert (
        client.post(reverse("payments:callback", args=["sandbox-card"]), b"{}", "application/json").status_code == 404
    )
    order.refresh_from_db()
    assert order.status != PaymentOrder.Status.PAID
