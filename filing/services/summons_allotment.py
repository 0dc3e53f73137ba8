"""Accepting a department's summonses together, allotting them return days session by session.

After a bulk filing (docs/bulk-filing.md) the registry has hundreds of new summonses of one
magistracy to accept. :func:`summonses_accept_allotting` accepts the ones a clerk selected
in queue order, each through :func:`~filing.services.review.filing_accept` exactly as a
single acceptance (numbered, listed on its return day's cause list, sealed, the prosecutor
told, audited), giving each the next free place of a session: a day, a time and a
courtroom, at most ``per_session`` summonses each. A full session spills to the same time
on the next working day of the registry calendar (:mod:`icms.calendar`, never a holiday
list of our own).

Each acceptance is its own transaction, so one refused (already decided, a document not
opened, no magistrate sitting that day) neither undoes nor stops the others; the refused
one takes no place. This function is therefore deliberately not ``@transaction.atomic``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Final

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.calendar.core import RegistryCalendar
from icms.calendar.data import current_calendar
from icms.core.time import HONG_KONG

from ..models import Court, Submission, SummonsDetails
from .review import filing_accept, require_registry_staff
from .summonses import SummonsListing, is_summons_case_type, summons_listing_check

#: At most this many summonses a session: more than any list a magistrate takes in a morning.
MAX_PER_SESSION: Final = 200
#: At most this many summonses a run: each acceptance costs about 53 queries and 140 ms on the
#: shared development machine (docs/bulk-filing.md), so 100 finish well inside a web worker's
#: 30 s timeout. A department's 500 take five runs; each run counts what earlier runs listed.
MAX_PER_RUN: Final = 100
#: Looking for a working day gives up after this many days (the calendar is never closed that long).
MAX_SPILL_DAYS: Final = 60
#: A run fills sessions at most this many days after its first day: a year of sessions is a mistake.
MAX_SPILL_DAYS_AHEAD: Final = 366
_SPILL_TOO_FAR: Final = _("Not accepted: the sessions are full for a year after the first day. Allot fewer at once.")


class AllotmentRefused(ValidationError):
    """The selection or the plan cannot be allotted as a whole: nothing was accepted."""


@dataclass(frozen=True, slots=True)
class SessionPlan:
    """The sessions to fill: from ``first_day`` (or the next working day after it), at ``at``
    (Hong Kong time) in ``courtroom``, ``per_session`` summonses a session."""

    first_day: date
    at: time
    courtroom: str
    per_session: int
    magistrate_en: str = ""
    magistrate_zh: str = ""

    def moment(self, day: date) -> datetime:
        return datetime.combine(day, self.at, tzinfo=HONG_KONG)


@dataclass
class AllotmentOutcome:
    """What a run did: each accepted submission with its return day, each refused with the reason."""

    accepted: list[tuple[Submission, datetime]] = field(default_factory=list)
    refused: list[tuple[Submission, str]] = field(default_factory=list)

    def per_session(self) -> list[tuple[datetime, int]]:
        """How many were accepted into each session, in time order."""
        return sorted(Counter(moment for _submission, moment in self.accepted).items())


def summons_selection_court(submissions: Sequence[Submission]) -> Court:
    """The one magistracy of the selected new summonses; :class:`AllotmentRefused` naming the
    ones that are not new summonses, or the magistracies when there are several."""
    if not submissions:
        raise AllotmentRefused(_("Select the summonses to accept."), code="empty")
    if len(submissions) > MAX_PER_RUN:
        raise AllotmentRefused(
            _(
                "Select at most %(max)d summonses at a time (%(count)d selected). The next run fills the "
                "sessions on from where this one stops."
            )
            % {"max": MAX_PER_RUN, "count": len(submissions)},
            code="too_many",
        )
    not_summonses = [
        submission.reference
        for submission in submissions
        if not (submission.opens_case and is_summons_case_type(submission.case.case_type))
    ]
    if not_summonses:
        raise AllotmentRefused(
            _(
                "Only new summonses are allotted return days. Not a new summons: %(references)s. "
                "Deselect them and try again."
            )
            % {"references": ", ".join(not_summonses)},
            code="not_summons",
        )
    courts = {submission.case.case_type.court for submission in submissions}
    if len(courts) > 1:
        raise AllotmentRefused(
            _(
                "Select the summonses of one magistracy at a time: return days are allotted in its courtrooms. "
                "Selected: %(courts)s."
            )
            % {"courts": ", ".join(sorted(court.name for court in courts))},
            code="several_magistracies",
        )
    return courts.pop()


def _plan_check(plan: SessionPlan, calendar: RegistryCalendar) -> date:
    """The first session's day (the first working day from ``plan.first_day``), once the plan is
    known to be possible; :class:`AllotmentRefused` keyed by the form's fields otherwise."""
    if not 1 <= plan.per_session <= MAX_PER_SESSION:
        raise AllotmentRefused(
            {"per_session": _("Between 1 and %(max)d summonses a session.") % {"max": MAX_PER_SESSION}}
        )
    day = _working_day_from(plan.first_day, calendar)
    listing = SummonsListing(return_at=plan.moment(day), courtroom=plan.courtroom)
    try:
        summons_listing_check(listing)
    except ValidationError as error:
        # The day and time together: the form's own errors, not one field's.
        errors = {NON_FIELD_ERRORS if key == "return_at" else key: value for key, value in error.message_dict.items()}
        raise AllotmentRefused(errors) from None
    return day


def _working_day_from(day: date, calendar: RegistryCalendar) -> date:
    found = calendar.working_day_from(day, within_days=MAX_SPILL_DAYS)
    if found is None:
        raise AllotmentRefused(_("No working day in the registry calendar for the return days."))
    return found


def _session_lock(court: Court, courtroom: str, moment: datetime) -> None:
    """Hold one session's places until the transaction ends, so two clerks allotting the same
    session at once never fill it past ``per_session`` (a Postgres advisory lock: no process
    state, it holds across machines)."""
    key = f"summons-session:{court.pk}:{courtroom.casefold()}:{moment.isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _taken(court: Court, courtroom: str, moment: datetime) -> int:
    """How many summonses are already listed in this session (earlier runs, single acceptances)."""
    return SummonsDetails.objects.filter(
        case__case_type__court=court, courtroom__iexact=courtroom, return_at=moment
    ).count()


def summonses_accept_allotting(
    *,
    submissions: Sequence[Submission],
    plan: SessionPlan,
    clerk: User,
    accepted_without_opening: bool = False,
    ip_address: str | None = None,
) -> AllotmentOutcome:
    """Accept ``submissions`` (new summonses of one magistracy, in the order given), each in its
    own transaction, allotting return days session by session as ``plan`` says.

    Raises :class:`AllotmentRefused` before accepting any if the selection or the plan is
    wrong (not summonses, several magistracies, the first session not a future time within
    the registry's hours, no courtroom). Otherwise every submission is tried: the outcome
    lists the accepted with their return days and the refused with the reason
    (``filing_accept``'s own refusal, in the clerk's language). Each acceptance is audited
    by ``filing_accept``.
    """
    require_registry_staff(clerk)
    court = summons_selection_court(submissions)
    calendar = current_calendar()
    day = _plan_check(plan, calendar)
    courtroom = plan.courtroom.strip()
    outcome = AllotmentOutcome()
    for submission in submissions:
        while True:
            if (day - plan.first_day).days > MAX_SPILL_DAYS_AHEAD:
                outcome.refused.append((submission, str(_SPILL_TOO_FAR)))
                break
            moment = plan.moment(day)
            with transaction.atomic():
                _session_lock(court, courtroom, moment)
                full = _taken(court, courtroom, moment) >= plan.per_session
                if not full:
                    listing = SummonsListing(
                        return_at=moment,
                        courtroom=courtroom,
                        magistrate_en=plan.magistrate_en,
                        magistrate_zh=plan.magistrate_zh,
                    )
                    try:
                        filing_accept(
                            submission=submission,
                            clerk=clerk,
                            ip_address=ip_address,
                            accepted_without_opening=accepted_without_opening,
                            summons_listing=listing,
                        )
                    except ValidationError as refused:  # filing_accept's savepoint is rolled back
                        outcome.refused.append((submission, " ".join(refused.messages)))
                    else:
                        outcome.accepted.append((submission, moment))
            if not full:
                break
            day = _working_day_from(day + timedelta(days=1), calendar)
    return outcome
