"""Fee endpoints under /api/v1/fees/ (paths and field names are a contract; see issue 6).

* ``GET /api/v1/fees/quote?court=DC&item=<code>&item=<code>&at=<ISO>``
* ``GET /api/v1/fees/items?court=DC&at=<ISO>``

Amounts are strings with two decimals; ``at`` defaults to now; an unknown item is a 400.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from icms.calendar.api import parse_instant
from icms.core.api_errors import errors

from .fees import UnknownFeeItem, decisive_date, items_in_force, quote
from .models import CourtLevel

router = Router()


class ErrorOut(Schema):
    detail: str


class QuoteLineOut(Schema):
    item: str
    description_en: str
    description_zh: str
    standard: str
    e_fee: str
    saving: str
    verified: bool


class QuoteOut(Schema):
    lines: list[QuoteLineOut]
    standard_total: str
    e_fee_total: str
    saving_total: str
    concession: dict[str, str] | None


class FeeItemOut(Schema):
    code: str
    description_en: str
    description_zh: str
    standard: str
    e_fee_eligible: bool
    verified: bool
    statutory_ref: str


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _court(court: str) -> str:
    level = (court or "").strip().upper()
    if level not in CourtLevel.values:
        raise HttpError(400, f"'court' must be DC or MC; got {court!r}.")
    return level


@router.get("/quote", response={200: QuoteOut, **errors(400, 422)}, url_name="fees_quote")
def fee_quote(
    request: HttpRequest,
    court: str = "",
    item: list[str] = Query(None),  # type: ignore[type-arg]  # noqa: B008 - ninja's way to declare a repeated param
    at: str | None = None,
) -> QuoteOut:
    """The standard fee, the e-fee and the saving of each item, and the totals, at ``at``."""
    items = [code for code in (item or []) if code]
    if not items:
        raise HttpError(400, "Give at least one fee item: item=<code>.")
    try:
        result = quote(items, _court(court), parse_instant(at))
    except UnknownFeeItem as exc:
        raise HttpError(400, f"Unknown fee item for this court and date: {', '.join(exc.codes)}.") from exc
    concession = result.concession
    return QuoteOut(
        lines=[
            QuoteLineOut(
                item=line.code,
                description_en=line.description_en,
                description_zh=line.description_zh,
                standard=_money(line.standard),
                e_fee=_money(line.e_fee),
                saving=_money(line.saving),
                verified=line.verified,
            )
            for line in result.lines
        ],
        standard_total=_money(result.standard_total),
        e_fee_total=_money(result.e_fee_total),
        saving_total=_money(result.saving_total),
        concession=None
        if concession is None
        else {
            "rate": f"{concession.rate.quantize(Decimal('0.01'))}",
            "from": concession.starts_on.isoformat(),
            "until": concession.ends_on.isoformat(),
        },
    )


@router.get("/items", response={200: list[FeeItemOut], **errors(400, 422)}, url_name="fees_items")
def fee_items(request: HttpRequest, court: str = "", at: str | None = None) -> list[FeeItemOut]:
    """The court's fee schedule in force at ``at`` (default: now)."""
    on = decisive_date(parse_instant(at))
    return [
        FeeItemOut(
            code=item.code,
            description_en=item.description_en,
            description_zh=item.description_zh,
            standard=_money(item.standard_amount),
            e_fee_eligible=item.e_fee_eligible,
            verified=item.verified,
            statutory_ref=item.statutory_ref,
        )
        for item in items_in_force(_court(court), on).order_by("code")
    ]
