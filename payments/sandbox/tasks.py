"""The sandbox's outgoing callbacks: signed POSTs over real HTTP to the merchant's endpoint."""

from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from celery import shared_task
from django.db.models import F
from django.utils import timezone

from payments.gateways.base import signature_header

from .models import SandboxCallback
from .protocol import SIGNATURE_HEADER, sandbox_secret

logger = logging.getLogger(__name__)


class CallbackNotAccepted(Exception):
    """The merchant did not answer 2xx; deliver again later."""


def deliver(callback: SandboxCallback) -> int:
    """POST one callback, signed with the current time; returns the HTTP status."""
    url = callback.charge.callback_url
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"Refusing to call back to {url!r}.")
    body = callback.body.encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_header(sandbox_secret(), int(time.time()), body),
        },
    )
    SandboxCallback.objects.filter(pk=callback.pk).update(attempts=F("attempts") + 1)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = error.code
    SandboxCallback.objects.filter(pk=callback.pk).update(last_status=status)
    if 200 <= status < 300:
        SandboxCallback.objects.filter(pk=callback.pk, delivered_at__isnull=True).update(delivered_at=timezone.now())
    return status


def sandbox_callbacks_deliver(callback_ids: list[int]) -> int:
    """Deliver the given callbacks in order, skipping those delivered or not yet due.

    Outbox work (``payments.sandbox_callback``): a merchant that does not answer 2xx is
    tried again by the outbox, with backoff.
    """
    sent = 0
    now = timezone.now()
    for callback in SandboxCallback.objects.select_related("charge").filter(pk__in=callback_ids).order_by("position"):
        if callback.delivered_at is not None or callback.due_at > now:
            continue
        status = deliver(callback)
        if not 200 <= status < 300 and status != 400:
            # 400 is the merchant refusing the callback for good (a bad signature): no retry.
            raise CallbackNotAccepted(f"{callback.event_id}: HTTP {status}")
        sent += 1
    return sent


@shared_task(name="payments.sandbox.tasks.sandbox_callbacks_send_due", soft_time_limit=120, time_limit=150)
def sandbox_callbacks_send_due() -> int:
    """Beat: deliver the delayed callbacks that have fallen due."""
    due = SandboxCallback.objects.filter(delivered_at__isnull=True, due_at__lte=timezone.now(), attempts__lt=20)
    ids = list(due.order_by("due_at", "position").values_list("pk", flat=True)[:200])
    return sandbox_callbacks_deliver(ids) if ids else 0
