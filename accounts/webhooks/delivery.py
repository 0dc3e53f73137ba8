"""Posting an event to an endpoint: signed, timed out, tried again on a schedule, logged.

Each delivery is outbox work (kind :data:`~accounts.webhooks.events.DELIVER`), owed in
the transaction that recorded the event. A worker POSTs the event's JSON with the
`Standard Webhooks <https://www.standardwebhooks.com/>`_ headers:

* ``webhook-id``: the event id (the same on every try, so receivers drop duplicates);
* ``webhook-timestamp``: when this try was sent, in Unix seconds;
* ``webhook-signature``: ``v1,`` and the base64 HMAC-SHA256, keyed with the endpoint's
  secret (the base64 after ``whsec_``), of ``{webhook-id}.{webhook-timestamp}.{body}``.

A 2xx answer delivers it. Anything else (another status, a redirect, which is never
followed, a timeout: 3 s to connect, 10 s to read, a refused or private address) is
logged as a failed try and tried again after :data:`RETRY_DELAYS`, until
``WEBHOOK_MAX_ATTEMPTS`` tries have failed: then the delivery is given up. A receiver
that is down is the organisation's concern, shown in its delivery log, not an outbox
failure for staff; only an error in the portal itself fails the outbox row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import random
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.audit_events import AuditEventType
from icms.core.lookups import NotFound
from icms.core.models import OutboxItem
from icms.core.outbox import TransientError, enqueue, register_kind

from ..models import User, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ..selectors import admin_membership_for_user
from .endpoints import SECRET_PREFIX, address_is_public, signing_secrets
from .events import DELIVER

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 10.0
#: How much of a failed answer's body is kept in the log.
ERROR_CHARS = 500
#: The wait after the 1st, 2nd, ... failed try (then ±10% jitter); the last one repeats.
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
USER_AGENT = "iCMS-Webhooks/1"
Status = WebhookDelivery.Status


class ReceiverFailed(TransientError):
    """The endpoint did not take the delivery; the outbox tries again on the webhook schedule."""


def retry_delay(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed tries."""
    base = RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]
    return base * random.uniform(0.9, 1.1)  # noqa: S311 (jitter, not a secret)


def sign(*, secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header: ``v1,`` and the base64 HMAC-SHA256 of ``id.timestamp.body``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{event_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _Connection(http.client.HTTPConnection):
    """A connection to an address already checked, with the URL's host name for the Host header and TLS."""

    def __init__(self, host: str, port: int, *, address: str, tls: ssl.SSLContext | None) -> None:
        super().__init__(host, port, timeout=CONNECT_TIMEOUT)
        self._address = address
        self._tls = tls

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=CONNECT_TIMEOUT)
        if self._tls is not None:
            sock = self._tls.wrap_socket(sock, server_hostname=self.host)
        sock.settimeout(READ_TIMEOUT)
        self.sock = sock


def _address_for(host: str, port: int) -> str:
    """An address of ``host`` to connect to; refused (``ValueError``) if any of its addresses is not public."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise OSError(f"{host} has no address")
    insecure_allowed: bool = settings.WEBHOOKS_ALLOW_INSECURE
    if not insecure_allowed and not all(address_is_public(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        raise ValueError(f"{host} resolves to a private or reserved address; not sent")
    return addresses[0]


def post(*, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url`` once; never raises for a network or HTTP failure, which is the outcome."""
    parts = urlsplit(url)
    tls = ssl.create_default_context() if parts.scheme == "https" else None
    port = parts.port or (443 if tls else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    status: int | None = None
    error = ""
    connection: _Connection | None = None
    try:
        host = parts.hostname or ""
        connection = _Connection(host, port, address=_address_for(host, port), tls=tls)
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        status = response.status
        answer = response.read(2048)
        if not 200 <= status < 300:
            text = answer.decode("utf-8", "replace").strip()
            error = f"HTTP {status} {response.reason}" + (f": {text}" if text else "")
    except (OSError, ValueError, http.client.HTTPException) as failure:
        error = f"{type(failure).__name__}: {failure}".strip()
    finally:
        if connection is not None:
            connection.close()
    duration_ms = int((time.monotonic() - started) * 1000)
    return Outcome(status_code=status, error=error[:ERROR_CHARS], duration_ms=duration_ms)


def _headers(delivery: WebhookDelivery, body: bytes) -> dict[str, str]:
    event_id = str(delivery.event_id)
    now = timezone.now()
    timestamp = int(now.timestamp())
    # Standard Webhooks: several signatures, space-separated; the receiver accepts any it can verify.
    signatures = " ".join(
        sign(secret=secret, event_id=event_id, timestamp=timestamp, body=body)
        for secret in signing_secrets(delivery.endpoint, now=now)
    )
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
    }


def body_of(delivery: WebhookDelivery) -> bytes:
    """The JSON sent: the event's payload, compact, UTF-8 (Chinese as it is, not escaped)."""
    return json.dumps(delivery.event.payload, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_delivery_attempt(*, delivery_id: int, manual: bool = False, last_try: bool = False) -> str:
    """Try one delivery once and log it. Returns what happened.

    An automatic try of a delivery already delivered or given up does nothing (the
    outbox runs work at least once); one to an endpoint turned off gives the delivery up.
    A ``manual`` try ("Send again") always posts, and leaves the automatic tries as they were.
    Raises :class:`ReceiverFailed` after logging a failed automatic try that is not the last.
    """
    delivery = WebhookDelivery.objects.select_related("event", "endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"  # the endpoint was deleted, with its log
    if not manual:
        if delivery.status in (Status.DELIVERED, Status.GAVE_UP):
            return "already settled"
        if delivery.endpoint.disabled_at is not None:
            WebhookDelivery.objects.filter(pk=delivery.pk, status__in=[Status.PENDING, Status.FAILED]).update(
                status=Status.GAVE_UP, updated_at=timezone.now()
            )
            return "endpoint off"
    body = body_of(delivery)
    started_at = timezone.now()
    outcome = post(url=delivery.endpoint.url, body=body, headers=_headers(delivery, body))
    now = timezone.now()
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            started_at=started_at,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
            manual=manual,
        )
        changes: dict[str, object] = {"attempts": F("attempts") + 1, "updated_at": now}
        if outcome.ok:
            changes |= {"status": Status.DELIVERED, "delivered_at": now}
        elif not manual:
            changes["status"] = Status.GAVE_UP if last_try else Status.FAILED
        WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    if manual:
        logger.info("Webhook delivery %s sent again by hand: %s", delivery.pk, outcome.status_code or outcome.error)
    if outcome.ok:
        return "delivered"
    if manual:
        return "failed"
    if last_try:
        return "gave up"
    raise ReceiverFailed(outcome.error or "no answer")


def _run(item: OutboxItem) -> str:
    manual = bool(item.payload.get("manual"))
    max_attempts: int = settings.WEBHOOK_MAX_ATTEMPTS
    return webhook_delivery_attempt(
        delivery_id=int(item.target_id), manual=manual, last_try=manual or item.attempts >= max_attempts
    )


def webhook_delivery_failed(item: OutboxItem) -> None:
    """The portal itself failed to send it (not the receiver): the delivery is given up; the
    outbox records it for staff, who can try the work again."""
    WebhookDelivery.objects.filter(pk=int(item.target_id), status__in=[Status.PENDING, Status.FAILED]).update(
        status=Status.GAVE_UP, updated_at=timezone.now()
    )


def webhook_delivery_resend(*, delivery: WebhookDelivery, actor: User) -> OutboxItem:
    """ "Send again": one more try of the same event (same id, so the receiver can drop it if it has it).

    Not a legal event, so not audited; logged. Refused while a try sent again is still waiting;
    ``NotFound`` unless ``actor`` administers the endpoint's organisation.
    """
    endpoint = WebhookEndpoint.objects.get(pk=delivery.endpoint_id)
    if admin_membership_for_user(actor).organisation_id != endpoint.organisation_id:
        raise NotFound  # not this administrator's organisation: as if it did not exist
    waiting = OutboxItem.objects.filter(
        kind=DELIVER,
        target_id=str(delivery.pk),
        state__in=[OutboxItem.State.PENDING, OutboxItem.State.RUNNING],
        payload__manual=True,
    )
    with transaction.atomic():
        if waiting.exists():
            raise ValidationError(_("It is being sent again already. Look at the log in a moment."), code="waiting")
        item = enqueue(DELIVER, target=delivery, payload={"manual": True, "by": actor.pk})
    logger.info("Webhook delivery %s sent again by user %s", delivery.pk, actor.pk)
    return item


def register_webhook_delivery() -> None:
    max_attempts: int = settings.WEBHOOK_MAX_ATTEMPTS
    register_kind(
        DELIVER,
        run=_run,
        failed=webhook_delivery_failed,
        failed_event=AuditEventType.WEBHOOK_DELIVERY_FAILED,
        max_attempts=max_attempts,
        time_limit=60,
        transient=(ReceiverFailed,),
        retry_delay=retry_delay,
    )
