"""The fee quote: the one place where a court fee and its e-fee are computed.

The rules (icms-reference §3):

* **District Court, Cap. 638E.** During the concessionary period (5 years from the first
  implementation date, 6 May 2022; the end date 5 May 2027 is inferred) the e-fee is 80%
  of the ordinary fee under the District Court fee rules. Outside it, the e-fee is the
  ordinary fee.
* **Magistrates' Courts, Cap. 638F.** 80% of the fee under the Magistrates (Fees)
  Regulations (Cap. 227B) for 5 years from 30 Dec 2022; no e-fee is payable for item 3(a)
  of Part 1 of its Schedule (``nil_e_fee``).
* Only items "primarily or directly related to electronic handling of court documents"
  are concessionary (``FeeItem.e_fee_eligible``).
* **Rounding** is down to the whole dollar: the search fee of HK$18 is HK$14 through iCMS
  (Judiciary e-inspection FAQ; 80% of 18 is 14.40). That the rule is general is inferred
  [U]; each concession period carries its rounding so staff can change it.
* **[P] The decisive date** is the date, in Hong Kong time, of the actual time of the
  e-payment: pass that time as ``at``.

Amounts and concession periods are data (:class:`~payments.models.FeeItem`,
:class:`~payments.models.ConcessionPeriod`), maintained by accounts staff.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from icms.core.time import HONG_KONG

from .models import ZERO, ConcessionPeriod, CourtLevel, FeeItem

CENT = Decimal("0.01")
DOLLAR = Decimal("1")


class UnknownFeeItem(LookupError):
    """A fee item code that is not in the court's schedule in force at the given time."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        super().__init__(f"Unknown fee item(s): {', '.join(self.codes)}")


@dataclass(frozen=True, slots=True)
class Concession:
    rate: Decimal
    starts_on: date
    ends_on: date
    rounding: str
    statutory_ref: str = ""


@dataclass(frozen=True, slots=True)
class QuoteLine:
    code: str
    description_en: str
    description_zh: str
    statutory_ref: str
    standard: Decimal
    e_fee: Decimal
    verified: bool
    nil_e_fee: bool
    concession_applied: bool

    @property
    def saving(self) -> Decimal:
        return self.standard - self.e_fee

    def snapshot(self) -> dict[str, Any]:
        """JSON for ``PaymentOrder.lines`` (amounts as strings, never floats)."""
        return {
            "item": self.code,
            "description_en": self.description_en,
            "description_zh": self.description_zh,
            "statutory_ref": self.statutory_ref,
            "standard": str(self.standard),
            "e_fee": str(self.e_fee),
            "saving": str(self.saving),
            "verified": self.verified,
            "nil_e_fee": self.nil_e_fee,
            "concession_applied": self.concession_applied,
        }


@dataclass(frozen=True, slots=True)
class Quote:
    court_level: str
    at: datetime
    lines: tuple[QuoteLine, ...]
    concession: Concession | None

    @property
    def standard_total(self) -> Decimal:
        return sum((line.standard for line in self.lines), ZERO)

    @property
    def e_fee_total(self) -> Decimal:
        return sum((line.e_fee for line in self.lines), ZERO)

    @property
    def saving_total(self) -> Decimal:
        return self.standard_total - self.e_fee_total

    @property
    def all_verified(self) -> bool:
        return all(line.verified for line in self.lines)

    def snapshot(self) -> list[dict[str, Any]]:
        return [line.snapshot() for line in self.lines]


def decisive_date(at: datetime) -> date:
    """[P] The concession is decided by the date in Hong Kong of the actual e-payment."""
    if timezone.is_naive(at):
        raise ValueError("quote() needs a timezone-aware datetime.")
    return at.astimezone(HONG_KONG).date()


def items_in_force(court_level: str, on: date) -> QuerySet[FeeItem]:
    """The court level's schedule in force on ``on`` (one version of each code)."""
    return FeeItem.objects.filter(court_level=court_level, effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )


def concession_in_force(court_level: str, on: date) -> Concession | None:
    period = (
        ConcessionPeriod.objects.filter(court_level=court_level, starts_on__lte=on, ends_on__gte=on)
        .order_by("-starts_on")
        .first()
    )
    if period is None:
        return None
    return Concession(period.rate, period.starts_on, period.ends_on, period.rounding, period.statutory_ref)


def e_fee_for(standard: Decimal, concession: Concession | None, *, eligible: bool, nil: bool) -> Decimal:
    """The e-fee of one item.

    * ``nil``: no e-fee is payable (Cap. 638F for item 3(a) of Part 1 of the Cap. 227B
      Schedule; Cap. 638E names one District Court item too).
    * No concession in force, or an item not related to electronic handling: the
      ordinary fee.
    * Otherwise the ordinary fee less the concession (80% of it: Cap. 638E/638F), rounded
      as the concession says (down to the whole dollar: $18 → $14).
    """
    if nil:
        return ZERO
    if concession is None or not eligible:
        return standard
    raw = standard * (DOLLAR - concession.rate)
    if concession.rounding == ConcessionPeriod.Rounding.DOWN_TO_DOLLAR:
        return raw.quantize(DOLLAR, rounding=ROUND_DOWN).quantize(CENT)
    return raw.quantize(CENT, rounding=ROUND_HALF_UP)


def court_level_of(court: Any) -> str:
    """``"DC"``/``"MC"``, from a level code or a :class:`filing.models.Court`."""
    level = getattr(court, "level", court)
    if level not in CourtLevel.values:
        raise ValueError(f"Unknown court level {court!r}: use DC or MC.")
    return str(level)


def quote(items: Iterable[str], court: Any, at: datetime | None = None) -> Quote:
    """Quote the standard fee, the e-fee and the saving of ``items`` at ``court`` at ``at``.

    ``items`` are fee item codes, one per line (repeat a code to pay for it twice, e.g.
    two documents searched). ``court`` is ``"DC"``, ``"MC"`` or a ``Court``. ``at`` is the
    actual time of the e-payment (default: now); its date in Hong Kong decides which
    schedule and which concession apply.

    Raises :class:`UnknownFeeItem` for a code not in force at that court on that date.
    """
    at = at or timezone.now()
    level = court_level_of(court)
    on = decisive_date(at)
    codes = list(items)
    schedule = {item.code: item for item in items_in_force(level, on).filter(code__in=set(codes))}
    unknown = [code for code in codes if code not in schedule]
    if unknown:
        raise UnknownFeeItem(unknown)
    concession = concession_in_force(level, on)
    lines = []
    for code in codes:
        item = schedule[code]
        standard = item.standard_amount.quantize(CENT)
        e_fee = e_fee_for(standard, concession, eligible=item.e_fee_eligible, nil=item.nil_e_fee)
        lines.append(
            QuoteLine(
                code=item.code,
                description_en=item.description_en,
                description_zh=item.description_zh,
                statutory_ref=item.statutory_ref,
                standard=standard,
                e_fee=e_fee,
                verified=item.verified,
                nil_e_fee=item.nil_e_fee,
                concession_applied=concession is not None and item.e_fee_eligible and not item.nil_e_fee,
            )
        )
    return Quote(court_level=level, at=at, lines=tuple(lines), concession=concession)
