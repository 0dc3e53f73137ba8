"""Giving out case numbers, and finding a case by its number."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from icms.core.lookups import NotFound, get_visible

from ..access import AnyUser, cases_visible_to
from ..models import Case, CaseNumberSequence
from .grammar import parse_case_number


def case_number_assign(*, case: Case, year: int) -> Case:
    """Give ``case`` the next number of its prefix and year, without gaps.

    Must run inside the transaction that accepts the originating filing: the
    sequence row stays locked until it commits, so numbers are unique under
    concurrency, and a rollback gives the number back.

    The next number is one above the higher of the counter and the highest number
    already on a case of that prefix and year, so numbers entered by staff, imported
    or loaded as demo data (``DCCJ 1204/2026``) are never issued again. The
    ``unique_case_number`` constraint on :class:`~filing.models.Case` backs this.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_number_assign must run inside the accepting transaction.")
    if case.number is not None:
        return case
    # Create the row if this is the year's first case; a concurrent creator is harmless.
    CaseNumberSequence.objects.bulk_create(
        [CaseNumberSequence(case_type_id=case.case_type_id, year=year)], ignore_conflicts=True
    )
    sequence = CaseNumberSequence.objects.select_for_update().get(case_type_id=case.case_type_id, year=year)
    # Read under the row lock: every number this function gives out is taken while
    # holding it, so the maximum cannot move between this read and the update below.
    highest = Case.objects.filter(case_type_id=case.case_type_id, year=year).aggregate(highest=Max("number"))[
        "highest"
    ]
    sequence.last_number = max(sequence.last_number, highest or 0) + 1
    sequence.save(update_fields=["last_number"])
    Case.objects.filter(pk=case.pk, number__isnull=True).update(number=sequence.last_number, year=year)
    case.refresh_from_db()
    return case


def numbered_case(text: str) -> Case | None:
    """The case numbered ``text``, for registry staff (who see every case); None if there is none."""
    parsed = parse_case_number(text)
    if parsed is None or not parsed.is_complete:
        return None
    return Case.objects.select_related("case_type__court").filter(parsed.as_filter()).first()


def case_for_user_by_number(user: AnyUser, text: str) -> Case:
    """The case numbered ``text`` if ``user`` may act for it; :class:`~icms.core.lookups.NotFound` otherwise."""
    parsed = parse_case_number(text)
    if parsed is None or not parsed.is_complete:
        raise NotFound("case number")
    return get_visible(cases_visible_to(user).select_related("case_type__court").filter(parsed.as_filter()))
