"""The events an organisation's endpoints hear of, and how one is recorded.

Event type names are a contract with receivers (docs/webhooks.md): never rename one.
An app reports an event by calling :func:`webhook_event_record` **inside** the
transaction of the change it reports, so the event exists if and only if the change
does. Filing, payments and the cause book import it (they sit above accounts); the
calendar does not: filing reports re-stamped deemed times through the calendar's hook.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.outbox import enqueue

from ..models import Organisation, WebhookDelivery, WebhookEndpoint, WebhookEvent

#: The outbox kind that posts one delivery (registered in :mod:`accounts.webhooks.delivery`).
DELIVER = "accounts.webhook_deliver"


class EventType(models.TextChoices):
    """Every event type, by its stable name, with what the settings page calls it."""

    FILING_RECEIVED = "filing.received", _("A filing is received")
    FILING_DEEMED_TIME_SET = "filing.deemed_time_set", _("A filing's deemed time of receipt is set or changed")
    FILING_ACCEPTED = "filing.accepted", _("A filing is accepted (with the case number)")
    FILING_RETURNED = "filing.returned", _("A filing is returned (with the reasons)")
    COURT_DOCUMENT_ISSUED = "court_document.issued", _("The court issues a document in a case")
    HEARING_FIXED = "hearing.fixed", _("A hearing is fixed")
    HEARING_CHANGED = "hearing.changed", _("A hearing is changed, adjourned or vacated")
    PAYMENT_SETTLED = "payment.settled", _("A payment is settled")
    REFUND_PAID = "refund.paid", _("A refund is paid")


def iso_utc(value: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as ``created`` is given: ``2026-11-25T01:00:00Z``."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def organisation_listens(organisation_id: int | None) -> bool:
    """Whether the organisation has any endpoint on: one cheap query, so that a caller (a batch
    of 500 summonses) builds no payload for an organisation that hears nothing."""
    if organisation_id is None:
        return False
    return WebhookEndpoint.objects.filter(organisation_id=organisation_id, disabled_at__isnull=True).exists()


def listening_endpoints(organisation: Organisation, event_type: str) -> models.QuerySet[WebhookEndpoint]:
    """The organisation's endpoints that are on and want ``event_type`` (no choice means every type)."""
    return WebhookEndpoint.objects.filter(organisation=organisation, disabled_at__isnull=True).filter(
        Q(event_types=[]) | Q(event_types__contains=[event_type])
    )


def webhook_event_record(
    *,
    organisation: Organisation | None,
    event_type: str,
    data: dict[str, Any],
    occurred_at: datetime | None = None,
) -> WebhookEvent | None:
    """Record that ``event_type`` happened for ``organisation``, and owe its delivery to each endpoint.

    Call it inside the transaction of the change it reports: the deliveries are outbox
    work, sent after commit, and nothing is sent if the change rolls back. ``data`` is
    JSON (amounts as strings, times as ISO 8601) and never holds document bytes or a
    personal identity number. Returns None, recording nothing, when the organisation is
    None or has no endpoint on that wants this type: an endpoint hears of events from
    the time it is registered and on.
    """
    if event_type not in EventType.values:
        raise ValueError(f"Unknown webhook event type {event_type!r}.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_event_record must run inside the transaction of the change it reports.")
    if organisation is None:
        return None
    endpoints = list(listening_endpoints(organisation, event_type).values_list("pk", flat=True))
    if not endpoints:
        return None
    occurred_at = occurred_at or timezone.now()
    event_id = uuid.uuid4()
    event = WebhookEvent.objects.create(
        id=event_id,
        organisation=organisation,
        event_type=event_type,
        occurred_at=occurred_at,
        payload={"id": str(event_id), "type": event_type, "created": iso_utc(occurred_at), "data": data},
    )
    for endpoint_id in endpoints:
        delivery = WebhookDelivery.objects.create(event=event, endpoint_id=endpoint_id)
        enqueue(DELIVER, target=delivery, key=f"{DELIVER}:{delivery.pk}", label=f"{event_type} {event_id}")
    return event


def webhook_events_record(
    *,
    organisations: list[Organisation],
    event_type: str,
    data: dict[str, Any],
    occurred_at: datetime | None = None,
) -> list[WebhookEvent]:
    """:func:`webhook_event_record` for each organisation (each gets its own event id)."""
    events = []
    for organisation in organisations:
        event = webhook_event_record(
            organisation=organisation, event_type=event_type, data=data, occurred_at=occurred_at
        )
        if event is not None:
            events.append(event)
    return events
