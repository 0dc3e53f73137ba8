"""Adapters for card, PPS and FPS through the sandbox gateway (:mod:`payments.sandbox`).

They speak to the sandbox exactly as they would to a provider: a signed session in the
hosted page's URL, HMAC-signed callbacks with a timestamp, and a refund call. The
refund is an in-process call because the sandbox lives in this process; a real
adapter makes an HTTPS request there instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from payments.sandbox.protocol import SESSION_SALT, SIGNATURE_HEADER, sandbox_secret

from .base import (
    CallbackRejected,
    EventKind,
    GatewayEventData,
    HostedPage,
    OrderLike,
    RefundResult,
    verify_signature_header,
)

_KINDS = {
    "payment.pending": EventKind.PENDING,
    "payment.succeeded": EventKind.SUCCEEDED,
    "payment.declined": EventKind.DECLINED,
    "payment.failed": EventKind.FAILED,
}


class _SandboxAdapter:
    code = "sandbox"
    method = ""

    def hosted_page(self, *, order: OrderLike, return_url: str, callback_url: str) -> HostedPage:
        session = signing.dumps(
            {
                "merchant_reference": order.reference,
                "amount": str(order.amount),
                "currency": "HKD",
                "method": self.method,
                "return_url": return_url,
                "callback_url": callback_url,
            },
            key=sandbox_secret(),
            salt=SESSION_SALT,
        )
        return HostedPage(url=f"{reverse('sandbox:pay')}?session={session}")

    def verify_callback(self, *, headers: Mapping[str, str], body: bytes, now: datetime) -> GatewayEventData:
        header = headers.get(SIGNATURE_HEADER, "")
        if not header:
            raise CallbackRejected("missing signature")
        verify_signature_header(
            header,
            secret=sandbox_secret(),
            body=body,
            now=now,
            tolerance=settings.PAYMENT_CALLBACK_TOLERANCE_SECONDS,
        )
        try:
            payload = json.loads(body)
            data = payload["data"]
            occurred_at = parse_datetime(payload["created"])
            # The time the money was taken is legal time: one without a zone is not guessed at.
            if occurred_at is None or timezone.is_naive(occurred_at):
                raise CallbackRejected("malformed payload: the event time is missing or has no time zone")
            return GatewayEventData(
                event_id=str(payload["id"]),
                kind=_KINDS[payload["type"]],
                order_reference=str(data["merchant_reference"]),
                gateway_reference=str(data["charge"]),
                amount=Decimal(data["amount"]),
                currency=str(data.get("currency", "")),
                occurred_at=occurred_at,
                payload=payload,
            )
        except (ValueError, KeyError, TypeError, InvalidOperation):
            raise CallbackRejected("malformed payload") from None

    def refund(self, *, order: OrderLike, amount: Decimal, reference: str) -> RefundResult:
        from payments.sandbox.services import sandbox_refund

        return sandbox_refund(charge_reference=order.gateway_reference, amount=amount, reference=reference)


class SandboxCardAdapter(_SandboxAdapter):
    code = "sandbox-card"
    method = "card"


class SandboxPpsAdapter(_SandboxAdapter):
    code = "sandbox-pps"
    method = "pps"


class SandboxFpsAdapter(_SandboxAdapter):
    code = "sandbox-fps"
    method = "fps"
