"""Card, PPS and FPS through the sandbox gateway, with callbacks over real HTTP to the
portal's own endpoint (live_server). Each scenario ends in exactly one payment state."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icms.core.models import AuditEvent
from payments import services
from payments.hooks import register_paid_handler
from payments.models import GatewayEvent, LedgerEntry, PaymentOrder, Receipt
from payments.sandbox.models import SandboxCallback, SandboxCharge
from payments.sandbox.tasks import sandbox_callbacks_send_due
from payments.tasks import payment_orders_expire

from .conftest import post_callback

pytestmark = pytest.mark.django_db(transaction=True)


def _order(key="k1", items=("DC-SEARCH",)) -> PaymentOrder:
    return services.payment_order_create(purpose="search", court_level="DC", items=list(items), idempotency_key=key)


def _pay(client: Client, order: PaymentOrder, *, method="card", scenario="success", card="4242 4242 4242 4242"):
    response = client.post(reverse("payments:start", args=[order.access_token]), {"method": method})
    assert response.status_code == 302
    hosted = response.url
    assert hosted.startswith(reverse("sandbox:pay"))
    page = client.get(hosted)
    assert page.status_code == 200
    response = client.post(hosted, {"scenario": scenario, "card_number": card})
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("payments:return", args=[order.access_token])
    return response


def _fresh(order: PaymentOrder) -> PaymentOrder:
    return PaymentOrder.objects.get(pk=order.pk)


def _paid_exactly_once(order: PaymentOrder) -> None:
    order = _fresh(order)
    assert order.status == PaymentOrder.Status.PAID
    assert order.received_at is not None and order.deemed_rule != ""
    assert Receipt.objects.filter(order=order).count() == 1
    assert AuditEvent.objects.filter(event_type="payments.order_paid", target_id=str(order.pk)).count() == 1
    assert SandboxCharge.objects.filter(merchant_reference=order.reference, succeeded=True).count() == 1
    assert not LedgerEntry.objects.filter(payment_order=order).exists()


def test_a_card_payment_succeeds_and_the_receipt_is_rendered(gateway):
    seen = []
    register_paid_handler("search", lambda order: seen.append(order.reference))
    order = _order()
    assert order.amount == Decimal("14.00")
    client = Client()
    _pay(client, order)
    _paid_exactly_once(order)
    order = _fresh(order)
    assert order.method == "card" and order.gateway == "sandbox-card" and order.gateway_reference.startswith("ch_")
    assert list(GatewayEvent.objects.filter(order=order).order_by("id").values_list("kind", "outcome")) == [
        ("pending", "applied"),
        ("succeeded", "applied"),
    ]
    assert seen == [order.reference]
    receipt = Receipt.objects.get(order=order)
    assert receipt.storage_key.startswith("receipts/")
    page = client.get(reverse("payments:return", args=[order.access_token]))
    assert b"Payment received" in page.content and receipt.number.encode() in page.content
    download = client.get(reverse("payments:receipt", args=[order.access_token]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("method", ["pps", "fps"])
def test_pps_and_fps_go_through_their_own_adapters(gateway, method):
    order = _order()
    _pay(Client(), order, method=method)
    _paid_exactly_once(order)
    assert _fresh(order).gateway == f"sandbox-{method}"


def test_a_declined_card_fails_the_order_and_nothing_is_charged(gateway):
    order = _order()
    client = Client()
    _pay(client, order, card="4000 0000 0000 0002")
    order = _fresh(order)
    assert (order.status, order.failure_reason, order.received_at) == ("failed", "declined", None)
    assert not Receipt.objects.filter(order=order).exists()
    assert not SandboxCharge.objects.filter(succeeded=True).exists()
    assert b"Payment declined" in client.get(reverse("payments:return", args=[order.access_token])).content
    # The payer can try again with another card.
    _pay(client, order)
    _paid_exactly_once(order)


def test_a_gateway_failure_fails_the_order(gateway):
    order = _order()
    _pay(Client(), order, scenario="fail")
    assert _fresh(order).status == "failed" and _fresh(order).failure_reason == "failed"


def test_a_timeout_then_a_late_success_ends_paid_once(gateway):
    order = _order()
    client = Client()
    _pay(client, order, scenario="delay")
    assert _fresh(order).status == "pending"
    assert b"Waiting for confirmation" in client.get(reverse("payments:return", args=[order.access_token])).content
    later = timezone.now() + timedelta(minutes=settings.PAYMENT_PENDING_TIMEOUT_MINUTES + 1)
    with time_machine.travel(later, tick=True):
        assert payment_orders_expire() == 1
        assert (_fresh(order).status, _fresh(order).failure_reason) == ("failed", "timeout")
        assert sandbox_callbacks_send_due() == 1
    _paid_exactly_once(order)
    assert SandboxCallback.objects.filter(delivered_at__isnull=True).count() == 0


def test_five_duplicate_callbacks_are_applied_once(gateway):
    order = _order()
    _pay(Client(), order, scenario="duplicate")
    _paid_exactly_once(order)
    succeeded = GatewayEvent.objects.get(order=_fresh(order), kind="succeeded")
    assert succeeded.deliveries == 5
    assert GatewayEvent.objects.filter(signature_ok=True).count() == 2


def test_callbacks_out_of_order_end_paid(gateway):
    order = _order()
    _pay(Client(), order, scenario="reorder")
    _paid_exactly_once(order)
    assert list(GatewayEvent.objects.filter(order=order).order_by("id").values_list("kind", "outcome")) == [
        ("succeeded", "applied"),
        ("pending", "ignored"),
    ]


def _genuine_payload(order: PaymentOrder, kind="succeeded", event_id="evt_forged_1") -> dict:
    return {
        "id": event_id,
        "type": f"payment.{kind}",
        "created": timezone.now().isoformat(),
        "data": {
            "charge": "ch_x",
            "merchant_reference": order.reference,
            "amount": str(order.amount),
            "currency": "HKD",
        },
    }


def test_a_forged_signature_is_refused_recorded_and_does_not_block_the_real_event(gateway):
    order = _order()
    url = gateway.url + reverse("payments:callback", args=["sandbox-card"])
    payload = _genuine_payload(order)
    assert post_callback(url, payload, secret="not-the-secret") == 400
    order = _fresh(order)
    assert order.status == "created" and not Receipt.objects.exists()
    forged = GatewayEvent.objects.get()
    assert (forged.signature_ok, forged.rejection_reason, forged.outcome) == (False, "bad signature", "rejected")
    assert AuditEvent.objects.filter(event_type="payments.callback_rejected").count() == 1
    # The same event id, correctly signed, is still applied: forgeries cannot pre-empt it.
    assert post_callback(url, payload, secret=settings.PAYMENT_SANDBOX_SECRET) == 200
    assert _fresh(order).status == "paid"


def test_a_stale_timestamp_is_refused(gateway):
    order = _order()
    url = gateway.url + reverse("payments:callback", args=["sandbox-card"])
    stale = int(time.time()) - settings.PAYMENT_CALLBACK_TOLERANCE_SECONDS - 60
    assert post_callback(url, _genuine_payload(order), secret=settings.PAYMENT_SANDBOX_SECRET, timestamp=stale) == 400
    assert _fresh(order).status == "created"
    assert GatewayEvent.objects.get().rejection_reason == "stale timestamp"


def test_a_callback_for_the_wrong_amount_is_not_applied(gateway):
    order = _order()
    url = gateway.url + reverse("payments:callback", args=["sandbox-card"])
    payload = _genuine_payload(order)
    payload["data"]["amount"] = "1.00"
    assert post_callback(url, payload, secret=settings.PAYMENT_SANDBOX_SECRET) == 200
    assert _fresh(order).status == "created"
    assert GatewayEvent.objects.get().outcome == "mismatch"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("created", "2026-11-25T10:00:00", "malformed payload: the event time is missing or has no time zone"),
        ("charge", None, "malformed payload"),
    ],
)
def test_a_signed_callback_without_a_zone_or_a_field_is_refused_and_recorded_not_a_500(gateway, field, value, reason):
    order = _order()
    url = gateway.url + reverse("payments:callback", args=["sandbox-card"])
    payload = _genuine_payload(order)
    if field == "created":
        payload["created"] = value
    else:
        del payload["data"][field]
    assert post_callback(url, payload, secret=settings.PAYMENT_SANDBOX_SECRET) == 400
    assert _fresh(order).status == "created"
    assert GatewayEvent.objects.get().rejection_reason == reason


def test_an_unknown_gateway_is_404(gateway):
    url = gateway.url + "/payments/callback/nope/"
    assert post_callback(url, {"id": "x"}, secret="x") == 404


def test_a_double_submit_makes_one_order_and_one_charge(gateway):
    client = Client()
    response = client.get(reverse("payments:calculator"), {"court": "DC", "qty_DC-SEARCH": 2, "calculate": 1})
    form = response.context["pay_form"]
    data = {name: form.initial[name] for name in ("court", "items", "idempotency_key")}
    first = client.post(reverse("payments:pay_standalone"), data)
    second = client.post(reverse("payments:pay_standalone"), data)
    assert first.url == second.url
    order = PaymentOrder.objects.get()
    assert order.amount == Decimal("28.00")
    start = client.post(reverse("payments:start", args=[order.access_token]), {"method": "card"})
    start_again = client.post(reverse("payments:start", args=[order.access_token]), {"method": "card"})
    client.post(start.url, {"scenario": "success", "card_number": "4242424242424242"})
    client.post(start_again.url, {"scenario": "success", "card_number": "4242424242424242"})
    _paid_exactly_once(order)
