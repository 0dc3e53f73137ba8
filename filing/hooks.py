"""Signal-free hooks through which later apps react to filing events (panels on filing
screens go through :mod:`icms.core.panels`).

``payments`` and ``causebook`` import ``filing``, never the reverse, so filing
calls whatever they registered here. Registration happens in their
``AppConfig.ready()``. Handlers run inside the transaction of the event, so what
they write commits or rolls back with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User

    from .models import BulkBatch, Submission, SummonsDetails
    from .services.filing_input import SummonsListing

SubmissionHandler = Callable[["Submission"], None]
SummonsListedHandler = Callable[["SummonsDetails", "SummonsListing", "User", "str | None"], object]

_returned_handlers: list[SubmissionHandler] = []
_withdrawn_handlers: list[SubmissionHandler] = []
_summons_listed_handlers: list[SummonsListedHandler] = []


def register_submission_returned(handler: SubmissionHandler) -> None:
    """Call ``handler(submission)`` when the registry returns a filing (a refund follows)."""
    if handler not in _returned_handlers:
        _returned_handlers.append(handler)


def submission_returned(submission: Submission) -> None:
    for handler in list(_returned_handlers):
        handler(submission)


def register_submission_withdrawn(handler: SubmissionHandler) -> None:
    """Call ``handler(submission)`` when the filer withdraws a filing before the registry decides it.

    Its fee follows the same path as a returned filing's (a refund follows).
    """
    if handler not in _withdrawn_handlers:
        _withdrawn_handlers.append(handler)


def submission_withdrawn(submission: Submission) -> None:
    for handler in list(_withdrawn_handlers):
        handler(submission)


def register_summons_listed(handler: SummonsListedHandler) -> None:
    """Call ``handler(details, listing, clerk, ip_address)`` when the registry accepts a summons and
    allots its return day (``details.return_at``, ``details.courtroom``): causebook lists it on
    that day's cause list. A ``ValidationError`` it raises refuses the acceptance."""
    if handler not in _summons_listed_handlers:
        _summons_listed_handlers.append(handler)


def summons_listed(details: SummonsDetails, listing: SummonsListing, clerk: User, ip_address: str | None) -> None:
    for handler in list(_summons_listed_handlers):
        handler(details, listing, clerk, ip_address)


BulkChargeHandler = Callable[..., str]
_bulk_charge_handlers: list[BulkChargeHandler] = []


def register_bulk_batch_charge(handler: BulkChargeHandler) -> None:
    """Call ``handler(batch=..., user=..., count=...)`` when a bulk batch of summonses is to be filed.

    It takes the fee of ``count`` summonses in one payment (payments: one deposit debit) and
    returns the payment's reference, recorded on the batch and on each summons filed. A
    ``ValidationError`` it raises (not enough in the deposit account) refuses the filing, and
    the transaction rolls back with nothing filed.
    """
    if handler not in _bulk_charge_handlers:
        _bulk_charge_handlers.append(handler)


def bulk_batch_charge(*, batch: BulkBatch, user: User, count: int) -> str:
    references = [handler(batch=batch, user=user, count=count) for handler in list(_bulk_charge_handlers)]
    return next((reference for reference in references if reference), "")


BulkRowsReleasedHandler = Callable[..., "dict[str, str] | None"]
_bulk_released_handlers: list[BulkRowsReleasedHandler] = []


def register_bulk_rows_released(handler: BulkRowsReleasedHandler) -> None:
    """Call ``handler(batch=..., courts=..., reason=...)`` when rows of a paid bulk batch are let go unfiled.

    ``courts`` holds one summons court prefix per row released (a row dropped by the filer, or
    the rows of an expired batch): each was paid for in the batch's one payment and will never
    be filed. Payments refunds those rows' own fee lines at once, in the caller's transaction,
    and returns what it did (``{"refund": reference, "amount": "80.00"}``), or None when
    nothing was paid for them.
    """
    if handler not in _bulk_released_handlers:
        _bulk_released_handlers.append(handler)


def bulk_rows_released(*, batch: BulkBatch, courts: list[str], reason: str) -> list[dict[str, str]]:
    """What the registered handlers did for rows let go unfiled (the refunds), for the audit row."""
    done = [handler(batch=batch, courts=courts, reason=reason) for handler in list(_bulk_released_handlers)]
    return [outcome for outcome in done if outcome]


@dataclass(frozen=True)
class CaseNameMatches:
    """The cases whose parties' names match a staff search: the best ones, and how many match in all.

    ``total`` is an estimate when ``estimated``; more than ``case_ids`` hold when ``total`` is larger.
    """

    case_ids: list[int]
    total: int
    estimated: bool


@dataclass(frozen=True)
class CaseListFilters:
    """The staff site's case list filters that a search by name must honour (None or "": not chosen)."""

    court_id: int | None = None
    case_type_id: int | None = None
    status: str = ""


CaseNameSearch = Callable[[str, CaseListFilters], "CaseNameMatches | None"]
_case_name_searches: list[CaseNameSearch] = []


def register_case_name_search(search: CaseNameSearch) -> None:
    """Let ``search(text, filters)`` find cases by their parties' names for the staff site's case list.

    The cause book keeps an index of every party's name (causebook), which filing cannot
    import; a search over the names with ``icontains`` reads every party of the register
    (5-8 s at 2,000,000 cases). ``search`` returns None when ``text`` is not a name to
    search for; with no search registered, the case list falls back to ``icontains``.
    """
    if search not in _case_name_searches:
        _case_name_searches.append(search)


def case_name_search(text: str, filters: CaseListFilters) -> CaseNameMatches | None:
    """The registered search's answer for ``text`` within ``filters``, or None (no search registered, or not a name).

    The best cases are chosen within the filters: chosen among all matches and filtered after,
    a name in more cases than the cap would list few or none of a filtered court's.
    """
    for search in list(_case_name_searches):
        found = search(text, filters)
        if found is not None:
            return found
    return None
