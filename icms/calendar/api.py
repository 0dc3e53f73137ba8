"""Calendar endpoints: deemed receipt for any instant, and the registry's status now."""

from __future__ import annotations

import re
from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import Router, Schema
from ninja.errors import HttpError

from icms.core.api_errors import errors
from icms.core.time import HONG_KONG

from .core import NaiveDatetimeError, deemed_receipt
from .data import current_calendar
from .selectors import registry_status

router = Router()


class DeemedReceiptOut(Schema):
    received_at: str
    deemed_received_at: str | None
    pending: bool
    rule: str
    explanation_en: str
    explanation_zh: str
    facts: list[dict[str, str]]


class ClosureOut(Schema):
    reason: str
    starts_at: str
    reopens_at: str | None
    notice_en: str
    notice_zh: str


class StatusOut(Schema):
    open: bool
    now: str
    next_opening: str | None
    closure: ClosureOut | None


class ErrorOut(Schema):
    detail: str


def _hkt(value: datetime | None) -> str | None:
    return value.astimezone(HONG_KONG).isoformat() if value is not None else None


def parse_instant(raw: str | None) -> datetime:
    """An ISO 8601 instant with its offset, such as 2026-11-25T18:00:00+08:00."""
    if raw is None or raw == "":
        return timezone.now()
    try:
        # A "+" in a query string arrives as a space when not percent-encoded.
        value = parse_datetime(re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw.strip()))
    except ValueError:
        value = None
    if value is None:
        raise HttpError(
            400,
            f"'at' must be an ISO 8601 date and time with an offset, such as 2026-11-25T18:00:00+08:00; got {raw!r}.",
        )
    if value.tzinfo is None:
        raise HttpError(400, "'at' has no time zone offset: add one, such as +08:00 for Hong Kong time.")
    return value


@router.get(
    "/deemed-receipt", response={200: DeemedReceiptOut, **errors(400, 422)}, url_name="calendar_deemed_receipt"
)
def deemed_receipt_view(request: HttpRequest, at: str | None = None) -> DeemedReceiptOut:
    """When something received at ``at`` (default: now) is deemed received, with the rule and facts."""
    received_at = parse_instant(at)
    try:
        result = deemed_receipt(received_at, current_calendar())
    except NaiveDatetimeError as exc:  # pragma: no cover - parse_instant already refuses these
        raise HttpError(400, str(exc)) from exc
    return DeemedReceiptOut(
        received_at=_hkt(result.received_at) or "",
        deemed_received_at=_hkt(result.deemed_at),
        pending=result.pending,
        rule=result.rule.value,
        explanation_en=result.explanation_en,
        explanation_zh=result.explanation_zh,
        facts=[{"code": f.code, "en": f.en, "zh": f.zh} for f in result.facts],
    )


@router.get("/status", response={200: StatusOut, **errors(400)}, url_name="calendar_status")
def status_view(request: HttpRequest) -> StatusOut:
    """Whether the registry is open now, its next opening, and any closure in force."""
    status = registry_status()
    closure = status.closure
    return StatusOut(
        open=status.open,
        now=_hkt(status.now) or "",
        next_opening=_hkt(status.next_opening),
        closure=ClosureOut(
            reason=closure.reason,
            starts_at=_hkt(closure.starts_at) or "",
            reopens_at=_hkt(closure.reopens_at),
            notice_en=closure.notice_en,
            notice_zh=closure.notice_zh,
        )
        if closure
        else None,
    )
