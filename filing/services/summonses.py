"""A summons case's own details: the offence, the prosecutor and the department's reference.

When the registry accepts a summons it allots the return day and the courtroom
(:class:`SummonsListing`, checked by :func:`summons_listing_check`), and
:func:`summons_return_day_allot`, inside :func:`~filing.services.review.filing_accept`'s
transaction, records them and lists the summons on that day's cause list through
:func:`filing.hooks.summons_listed` (causebook registers the listing: filing never imports it).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.selectors import membership_for_user
from icms.calendar.data import current_calendar
from icms.core.court_dates import appearance_en, appearance_zh, courtroom_zh
from icms.core.messages import Bilingual
from icms.core.time import HONG_KONG

from .. import hooks
from ..models import Case, CaseType, Court, SummonsDetails
from .filing_input import SubmissionRefused, SummonsInput, SummonsListing

__all__ = [
    "SummonsListing",
    "is_summons_case_type",
    "summons_details_create",
    "summons_for_case",
    "summons_listing_check",
    "summons_prosecutor_name",
    "summons_return_day_allot",
    "summons_return_day_words",
    "summons_seal_lines",
]

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def is_summons_case_type(case_type: CaseType) -> bool:
    """Whether cases of ``case_type`` are summonses in a Magistrates' summons court."""
    return case_type.court.level == Court.Level.MAGISTRATES


def summons_details_create(*, case: Case, summons: SummonsInput | None, organisation: Organisation | None) -> None:
    """Record ``summons`` for the new ``case`` (inside the filing's transaction).

    A summons case must have its details and any other case must not. A department's
    reference is filed once: the same reference again is refused with the case it is in.
    """
    if not is_summons_case_type(case.case_type):
        if summons is not None:
            raise SubmissionRefused(_("Only a summons in a Magistrates' summons court has offence details."))
        return
    if summons is None:
        raise SubmissionRefused(
            _("Give the offence, the ordinance and section, and the date and place of the offence.")
        )
    SummonsDetails.objects.filter(case=case).delete()  # a returned summons filed again replaces its details
    if organisation is not None:
        taken = SummonsDetails.objects.filter(
            prosecutor=organisation, department_reference=summons.department_reference.strip()
        ).exclude(case=case)
        if taken.exists():
            raise SubmissionRefused(
                _("Your department's reference %(reference)s is already on another summons."),
                code="duplicate_reference",
                params={"reference": summons.department_reference.strip()},
            )
    details = SummonsDetails(
        case=case,
        offence_en=summons.offence_en.strip(),
        offence_zh=summons.offence_zh.strip(),
        ordinance=summons.ordinance.strip(),
        section=summons.section.strip(),
        offence_date=summons.offence_date,
        offence_place=summons.offence_place.strip(),
        prosecutor=organisation,
        officer_reference=summons.officer_reference.strip(),
        department_reference=summons.department_reference.strip(),
    )
    try:
        details.full_clean(exclude=["case"])
    except ValidationError as error:
        raise SubmissionRefused.first_of(error, code=None) from None
    details.save()


def summons_prosecutor_name(user: User | AnonymousUser) -> str:
    """The prosecutor a summons filed by ``user`` names: their organisation, or "" for a private informant."""
    membership = membership_for_user(user)
    return membership.organisation.name if membership is not None else ""


def summons_for_case(case: Case) -> SummonsDetails | None:
    """The summons details of ``case`` (one the caller may see), with its prosecutor; None for another case."""
    return SummonsDetails.objects.select_related("prosecutor").filter(case=case).first()


# --- The return day, allotted at acceptance ----------------------------------------------


def summons_listing_check(listing: SummonsListing, *, now: datetime | None = None) -> None:
    """Raise ``ValidationError`` (keyed ``return_at`` or ``courtroom``) unless the return day may be allotted.

    The return day is a future working day of the registry calendar (Monday to Friday, not
    a general holiday: :mod:`icms.calendar`), within the registry's hours on that day.
    """
    moment = listing.return_at
    if timezone.is_naive(moment):
        raise ValidationError({"return_at": _("Enter the return day and time.")})
    if moment <= (now or timezone.now()):
        raise ValidationError({"return_at": _("The return day must be in the future.")})
    calendar = current_calendar()
    local = moment.astimezone(HONG_KONG)
    if not calendar.is_working_day(local.date()):
        raise ValidationError(
            {"return_at": _("The return day must be a working day: not a Saturday, a Sunday or a general holiday.")}
        )
    hours = calendar.hours
    if not (hours.opens <= local.time().replace(tzinfo=None) <= hours.closes):
        raise ValidationError(
            {
                "return_at": _("The court sits between %(opens)s and %(closes)s: choose a time then.")
                % {"opens": hours.opens.strftime("%H:%M"), "closes": hours.closes.strftime("%H:%M")}
            }
        )
    courtroom = listing.courtroom.strip()
    if not courtroom:
        raise ValidationError({"courtroom": _("Enter the courtroom, for example Court No. 3.")})
    if len(courtroom) > 30:
        raise ValidationError({"courtroom": _("The courtroom is at most 30 characters.")})


def summons_return_day_allot(
    *, case: Case, listing: SummonsListing | None, clerk: User, ip_address: str | None = None
) -> SummonsDetails | None:
    """At the acceptance of an originating filing (inside its transaction, after the case is numbered):
    for a summons, record the return day and courtroom and list it on that day's cause list.

    Refused (``ValidationError``, its message for the clerk) when a summons has no return day,
    or when one is given for a case that is not a summons. Returns the summons details, or None.
    """
    details = SummonsDetails.objects.select_for_update().filter(case=case).first()
    if details is None:
        if listing is not None:
            raise ValidationError(_("Only a summons has a return day."), code="not_summons")
        return None
    if listing is None:
        raise ValidationError(
            _("Allot the summons's return day and courtroom to accept it: it is listed on that day's cause list."),
            code="return_day_needed",
        )
    summons_listing_check(listing)
    details.return_at = listing.return_at
    details.courtroom = listing.courtroom.strip()
    details.save(update_fields=["return_at", "courtroom", "updated_at"])
    details.case = case
    hooks.summons_listed(details, listing, clerk, ip_address)
    return details


# --- The return day, told: on the sealed summons and in the acceptance notice ---------------


def summons_return_day_words(details: SummonsDetails | None, court: Court) -> dict[str, Bilingual]:
    """The return day, magistracy and courtroom of an accepted summons, for the prosecutor's
    acceptance message and email (``return_day``, ``magistracy``, ``courtroom``, each in both
    languages); empty until the return day is allotted, and for any other case."""
    if details is None or details.return_at is None:
        return {}
    courtroom = details.courtroom
    return {
        "return_day": Bilingual(appearance_en(details.return_at), appearance_zh(details.return_at)),
        "magistracy": Bilingual(court.name_en, court.name_zh),
        "courtroom": Bilingual(courtroom, courtroom_zh(courtroom)),
    }


def summons_seal_lines(details: SummonsDetails | None, court: Court) -> tuple[str, ...]:
    """What page 1's seal of an accepted summons adds, so the served summons tells the defendant
    when and where to appear (Cap. 227 s.8: a summons requires the defendant to appear at a time
    and place it states), such as

    "Return day 應訊日期: Monday, 14 December 2026 at 9:30 a.m. (HKT) · 2026年12月14日（星期一）
    上午9時30分（香港時間）" (one line on the seal)
    "Magistracy 裁判法院: Kowloon City Magistrates' Courts 九龍城裁判法院 · Courtroom 法庭: Court No. 3 第3號法庭"

    Fixed bilingual text, as the rest of the seal. Empty for any other case.
    """
    if details is None or details.return_at is None:
        return ()
    moment, courtroom = details.return_at, details.courtroom
    room_zh = courtroom_zh(courtroom)
    room = courtroom if room_zh == courtroom else f"{courtroom} {room_zh}"
    return (
        f"Return day 應訊日期: {appearance_en(moment)} · {appearance_zh(moment)}",
        f"Magistracy 裁判法院: {court.name_en} {court.name_zh} · Courtroom 法庭: {room}",
    )
