"""Signed sandbox callbacks straight into the service, and the fixed moment the fee tests pin."""

from __future__ import annotations

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from payments import services
from payments.gateways.base import signature_header
from payments.models import GatewayEvent, PaymentOrder

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
#: A Monday morning inside the Cap. 638E concession (to 5 May 2027): DC-SEARCH costs HK$14.
DURING_CONCESSION = datetime(2026, 6, 1, 10, 0, tzinfo=HONG_KONG)


def callback(
    order: PaymentOrder,
    *,
    kind: str,
    charge: str,
    event_id: str,
    gateway: str = "sandbox-card",
    amount: str | None = None,
) -> GatewayEvent:
    """Deliver a correctly signed sandbox callback about ``order`` to the portal."""
    body = json.dumps(
        {
            "id": event_id,
            "type": f"payment.{kind}",
            "created": timezone.now().isoformat(),
            "data": {
                "charge": charge,
                "merchant_reference": order.reference,
                "amount": amount or str(order.amount),
                "currency": "HKD",
            },
        },
        separators=(",", ":"),
    ).encode()
    headers = {"X-Sandbox-Signature": signature_header(settings.PAYMENT_SANDBOX_SECRET, int(time.time()), body)}
    return services.gateway_callback_receive(gateway=gateway, headers=headers, body=body)
