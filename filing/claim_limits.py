"""The most a court may award in a kind of case: the one home of the rule.

The limits are data (:class:`~filing.models.ClaimLimit`, kept by staff with their source),
never code. The District Court's civil limit is HK$3,000,000 from 3 December 2018
(District Court Ordinance, Cap. 336, s. 32(1)); a larger money claim belongs in the
Court of First Instance of the High Court. The new-case form and the service that
starts a case (``filing.services.submissions``) both ask :func:`claim_amount_check`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from icms.core.rendering import format_hkd
from icms.core.time import hong_kong_date

from .models import CaseType, ClaimLimit


def claim_limit_in_force(case_type: CaseType, on: date) -> ClaimLimit | None:
    """The limit for ``case_type`` in force on ``on`` (a Hong Kong calendar day), or ``None``."""
    return (
        ClaimLimit.objects.filter(case_type=case_type, effective_from__lte=on)
        .select_related("case_type__court")
        .order_by("-effective_from")
        .first()
    )


def claim_limits(case_type: CaseType) -> list[ClaimLimit]:
    """Every limit of ``case_type``, latest first: what the new-case form reads once and asks twice."""
    return list(ClaimLimit.objects.filter(case_type=case_type).order_by("-effective_from"))


def claim_amount_asked(case_type: CaseType, *, limits: Sequence[ClaimLimit] | None = None) -> bool:
    """Whether a new case of this type states the amount claimed: it does when the type has a limit.

    ``limits`` are the type's limits (:func:`claim_limits`) when the caller has read them already.
    """
    if limits is not None:
        return bool(limits)
    return ClaimLimit.objects.filter(case_type=case_type).exists()


def claim_amount_check(
    *,
    case_type: CaseType,
    amount: Decimal | None,
    on: date | None = None,
    limits: Sequence[ClaimLimit] | None = None,
) -> None:
    """Refuse a money claim the court may not hear: raises ``ValidationError`` saying why.

    ``on`` is the Hong Kong day the case is started (today unless given). Nothing is
    checked without an amount: the new-case form asks for one where the case type has a
    limit (:func:`claim_amount_asked`), and the registry reads it on the writ itself.
    ``limits`` are the type's limits (:func:`claim_limits`, latest first) when the caller
    has read them already.
    """
    if amount is None:
        return
    day = on or hong_kong_date(timezone.now())
    if amount <= 0:
        raise ValidationError(_("The amount claimed must be more than HK$0."), code="amount_not_positive")
    if limits is None:
        limit = claim_limit_in_force(case_type, day)
    else:
        limit = next((each for each in limits if each.effective_from <= day), None)
    if limit is not None and amount > limit.amount:
        raise ValidationError(
            _(
                "The %(court)s can hear money claims of up to %(limit)s. "
                "A larger claim must be started in the Court of First Instance of the High Court."
            ),
            code="over_limit",
            params={"court": case_type.court.name, "limit": format_hkd(limit.amount)},
        )
