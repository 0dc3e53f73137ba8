"""A summons accepted by the registry is listed on its return day's cause list (issue 15).

Filing calls :func:`summons_hearing_list` through :func:`filing.hooks.summons_listed`
(registered in :meth:`causebook.apps.CausebookConfig.ready`), inside the acceptance's
transaction: the summons is numbered, its return day and courtroom are recorded, and this
writes the listing (a plea day) with its audit row; if anything is refused, nothing is
accepted.

Why a plain listing (:func:`causebook.services.hearing_save`) and not
:func:`causebook.hearings.hearing_fix`, which also issues a notice of hearing:

* the summons itself tells the defendant when and where to appear: it is served by the
  prosecutor with the return day on it, and the defendant, who is rarely registered, has
  no message box to receive a notice; the one party on record is the prosecutor, who is
  told of the acceptance anyway;
* issuing a court document stores files in its own durable transaction
  (``StoredFiles``), which cannot run inside the acceptance's;
* departments file summonses by the hundred: a notice PDF rendered per summons, in the
  clerk's request, would make accepting a day's summonses slow for no reader.

A later change of the return day (an adjournment) goes through ``hearing_adjourn``, which
does issue a notice, as for any hearing.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from icms.core.time import HONG_KONG

from .models import Hearing
from .services import hearing_save

if TYPE_CHECKING:
    from accounts.models import User
    from filing.models import SummonsDetails
    from filing.services.summonses import SummonsListing


def _sitting_magistrate(hearing: Hearing) -> tuple[str, str] | None:
    """The magistrate already listed in the hearing's courtroom on its day, if any."""
    day = hearing.starts_at.astimezone(HONG_KONG).date()
    start = datetime.combine(day, time.min, tzinfo=HONG_KONG)
    sitting = (
        Hearing.objects.filter(
            court=hearing.court,
            courtroom__iexact=hearing.courtroom,
            starts_at__gte=start,
            starts_at__lt=start + timedelta(days=1),
            status=Hearing.Status.LISTED,
        )
        .exclude(judge_en="")
        .order_by("starts_at", "pk")
        .values_list("judge_en", "judge_zh")
        .first()
    )
    return (sitting[0], sitting[1]) if sitting else None


def summons_hearing_list(
    details: SummonsDetails, listing: SummonsListing, clerk: User, ip_address: str | None
) -> Hearing:
    """List the accepted summons ``details`` on its return day, in its courtroom, as a plea.

    Before the magistrate named in ``listing``, or else the one already listed in that
    courtroom that day; with neither, ``ValidationError`` (the clerk names the magistrate).
    """
    case = details.case
    if details.return_at is None:
        raise ValidationError(_("Allot the summons's return day first."))
    hearing = Hearing(
        case=case,
        court=case.case_type.court,
        courtroom=details.courtroom,
        starts_at=details.return_at,
        judge_en=listing.magistrate_en.strip(),
        judge_zh=listing.magistrate_zh.strip(),
        hearing_type=Hearing.HearingType.PLEA,
        status=Hearing.Status.LISTED,
    )
    if not hearing.judge_en:
        sitting = _sitting_magistrate(hearing)
        if sitting is None:
            raise ValidationError(
                _("Name the magistrate: nobody is listed yet in %(courtroom)s on that day.")
                % {"courtroom": hearing.courtroom},
                code="magistrate_needed",
            )
        hearing.judge_en, hearing.judge_zh = sitting
    return hearing_save(hearing=hearing, actor=clerk, ip_address=ip_address)
