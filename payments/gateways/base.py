"""The contract every payment gateway adapter meets (docs/payments.md).

A gateway adapter turns a payment order into a hosted payment page, verifies the
gateway's signed callbacks, and sends refunds back. The rest of the portal talks only
to this interface, so adding a real provider means writing one adapter and
registering it in :mod:`payments.gateways` (``GATEWAYS``); nothing else changes.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol


class EventKind(StrEnum):
    """What a verified callback says happened. Adapters map their provider's words to these."""

    PENDING = "pending"  # the payer is paying; nothing settled yet
    SUCCEEDED = "succeeded"  # the money is taken
    DECLINED = "declined"  # the issuer or bank said no
    FAILED = "failed"  # the gateway could not complete it


class CallbackRejected(Exception):
    """A callback that must not be believed: a bad signature or a stale timestamp."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class HostedPage:
    """Where to send the payer, and the gateway's reference for this attempt (if known yet)."""

    url: str
    gateway_reference: str = ""


@dataclass(frozen=True, slots=True)
class GatewayEventData:
    """A verified callback, in the portal's words."""

    event_id: str
    kind: EventKind
    order_reference: str
    gateway_reference: str
    amount: Decimal
    currency: str
    occurred_at: datetime
    payload: Mapping[str, object]


@dataclass(frozen=True, slots=True)
class RefundResult:
    ok: bool
    gateway_reference: str = ""
    message: str = ""


class OrderLike(Protocol):
    reference: str
    amount: Decimal
    method: str
    gateway_reference: str


class GatewayAdapter(Protocol):
    """One payment method through one provider."""

    #: Stable code stored on orders and events, and used in the callback URL.
    code: str
    #: The PaymentOrder.Method it serves: card, pps or fps.
    method: str

    def hosted_page(self, *, order: OrderLike, return_url: str, callback_url: str) -> HostedPage:
        """The provider's hosted payment page for ``order``. Must be deterministic for a
        given order and attempt, so a double click sends the payer to the same page."""
        ...

    def verify_callback(self, *, headers: Mapping[str, str], body: bytes, now: datetime) -> GatewayEventData:
        """Check the signature and timestamp of a callback and parse it, or raise CallbackRejected."""
        ...

    def refund(self, *, order: OrderLike, amount: Decimal, reference: str) -> RefundResult:
        """Ask the provider to pay ``amount`` of ``order`` back. ``reference`` is ours and idempotent."""
        ...


# --- HMAC-SHA256 signing over "timestamp.body", in the style most providers use --------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">``"""
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify_signature_header(header: str, *, secret: str, body: bytes, now: datetime, tolerance: int) -> int:
    """Verify a ``t=…,v1=…`` header; return its timestamp or raise CallbackRejected."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise CallbackRejected("malformed signature header") from None
    if not hmac.compare_digest(sign(secret, timestamp, body), given):
        raise CallbackRejected("bad signature")
    if abs(now.timestamp() - timestamp) > tolerance:
        raise CallbackRejected("stale timestamp")
    return timestamp
