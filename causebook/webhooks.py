"""The cause book's webhook events: ``hearing.fixed`` and ``hearing.changed`` (docs/webhooks.md).

Every approved organisation on record for a party in the case hears of them. What they
say is what the daily cause list shows, with the case number; times are ISO 8601 in Hong
Kong time. Each function runs inside the transaction of the change.
"""

from __future__ import annotations

from typing import Any

from accounts.webhooks import EventType, webhook_events_record
from filing.models import Case, Court
from filing.webhooks import case_organisations, hkt

from .models import Hearing


def _hearing_data(hearing: Hearing) -> dict[str, Any]:
    court = Court.objects.get(pk=hearing.court_id)
    return {
        "id": hearing.pk,
        "starts_at": hkt(hearing.starts_at),
        "court": court.code,
        "courtroom": hearing.courtroom,
        "hearing_type": hearing.hearing_type,
        "status": hearing.status,
    }


def hearing_event(
    *,
    hearing: Hearing,
    event_type: str,
    change: str = "",
    reason: str = "",
    adjourned_to: Hearing | None = None,
    notice_drn: str | None = None,
) -> None:
    """``hearing.fixed``, or ``hearing.changed`` with ``change`` one of ``adjourned``, ``vacated``,
    ``amended`` (changed in the cause list) or ``removed`` (taken off the list as an error)."""
    case = Case.objects.select_related("case_type").get(pk=hearing.case_id)
    organisations = case_organisations(case)
    if not organisations:
        return
    data: dict[str, Any] = {"case_number": case.case_number, "hearing": _hearing_data(hearing)}
    if change:
        data["change"] = change
    if reason:
        data["reason"] = reason
    if adjourned_to is not None:
        data["adjourned_to"] = _hearing_data(adjourned_to)
    if notice_drn:
        data["notice_drn"] = notice_drn
    webhook_events_record(organisations=organisations, event_type=event_type, data=data)


def hearing_fixed_event(hearing: Hearing, *, notice_drn: str | None = None) -> None:
    hearing_event(hearing=hearing, event_type=EventType.HEARING_FIXED, notice_drn=notice_drn)


def hearing_changed_event(
    hearing: Hearing,
    *,
    change: str,
    reason: str = "",
    adjourned_to: Hearing | None = None,
    notice_drn: str | None = None,
) -> None:
    hearing_event(
        hearing=hearing,
        event_type=EventType.HEARING_CHANGED,
        change=change,
        reason=reason,
        adjourned_to=adjourned_to,
        notice_drn=notice_drn,
    )
