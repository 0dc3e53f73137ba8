"""Webhooks: an organisation's endpoints hear of its filings, decisions, hearings and payments.

* :mod:`.events`: the event types, and :func:`webhook_event_record`, which the apps
  call inside the transaction of the change they report;
* :mod:`.endpoints`: the administrators' endpoints (register, change, re-key, delete);
* :mod:`.delivery`: signing and posting each delivery through the outbox, with retries.

docs/webhooks.md is the receivers' guide.
"""

from .events import EventType, organisation_listens, webhook_event_record, webhook_events_record

__all__ = ["EventType", "organisation_listens", "webhook_event_record", "webhook_events_record"]
