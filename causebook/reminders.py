"""The email reminder on the working day before a hearing (issue 14).

Beat runs :func:`hearing_reminders_send` every 30 minutes. From 09:00 Hong Kong time on a
working day (:mod:`icms.calendar`: Monday to Friday, not a general holiday), it reminds of
every listed hearing up to and including the next working day: on a Friday, of Saturday's,
Sunday's and Monday's hearings, and of Tuesday's too when that Monday is a holiday. So
each hearing is reminded on the last working day before it.

The reminder goes to everyone who receives the case's court documents
(:func:`filing.access.case_recipients`) unless they turned reminders off
in their personal details (``User.hearing_reminders``). Each (hearing, user) is claimed
once by :class:`~causebook.models.HearingReminder`'s unique constraint, in the same
transaction as the email owed in the outbox: a second run, or two at once, send nothing
more.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Final

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from filing.access import case_recipients
from icms.calendar.core import RegistryCalendar
from icms.calendar.data import current_calendar
from icms.core.court_dates import courtroom_zh, date_long_en, date_long_zh
from icms.core.email import absolute_url, email_enqueue_in_languages
from icms.core.messages import Bilingual, render_text
from icms.core.time import HONG_KONG, in_hong_kong

from .models import Hearing, HearingReminder
from .notices import hearing_type_names

#: Reminders go out from this time (Hong Kong) on the working day before the hearing.
REMINDER_FROM: Final = time(9, 0)
# Long enough for any run of holidays (the Lunar New Year with a weekend is five days).
_MAX_DAYS_AHEAD: Final = 14


def reminder_days(today: date, calendar: RegistryCalendar) -> tuple[date, date] | None:
    """The first and last hearing days reminded on ``today``: from tomorrow to the next working
    day. None when ``today`` is not a working day (nothing is sent then)."""
    if not calendar.is_working_day(today):
        return None
    tomorrow = today + timedelta(days=1)
    next_working = calendar.working_day_from(tomorrow, within_days=_MAX_DAYS_AHEAD)
    return tomorrow, next_working or today + timedelta(days=_MAX_DAYS_AHEAD)


def due_hearings(*, now: datetime, calendar: RegistryCalendar | None = None) -> list[Hearing]:
    """The listed hearings to remind of at ``now`` (none before 09:00 or on a day the registry is closed)."""
    local = in_hong_kong(now)
    if local.time() < REMINDER_FROM:
        return []
    days = reminder_days(local.date(), calendar or current_calendar())
    if days is None:
        return []
    start = datetime.combine(days[0], time.min, tzinfo=HONG_KONG)
    end = datetime.combine(days[1] + timedelta(days=1), time.min, tzinfo=HONG_KONG)
    return list(
        Hearing.objects.filter(status=Hearing.Status.LISTED, starts_at__gte=start, starts_at__lt=end)
        .select_related("case__case_type", "court")
        .order_by("starts_at", "pk")
    )


def _context(hearing: Hearing) -> dict[str, object]:
    local = in_hong_kong(hearing.starts_at)
    type_en, type_zh = hearing_type_names(hearing.hearing_type)
    court = hearing.court
    return {
        "case_number": hearing.case.case_number,
        "date": Bilingual(date_long_en(hearing.starts_at), date_long_zh(hearing.starts_at)),
        "time": f"{local:%H:%M}",
        "court": Bilingual(court.name_en, court.name_zh),
        "courtroom": Bilingual(hearing.courtroom, courtroom_zh(hearing.courtroom)),
        "hearing_type": Bilingual(type_en, type_zh),
        "judge": Bilingual(hearing.judge_en, hearing.judge_zh or hearing.judge_en),
        "message_box_url": absolute_url(reverse("filing:message_box")),
        "settings_url": absolute_url(reverse("accounts:profile")),
    }


def _render(context: dict[str, object], language: str) -> tuple[str, str]:
    return (
        render_text("causebook/email/hearing_reminder_subject.txt", context, language=language),
        render_text("causebook/email/hearing_reminder.txt", context, language=language),
    )


def hearing_reminder_send(*, hearing: Hearing, user: User, now: datetime) -> bool:
    """Claim and owe one reminder; False if it was claimed before (sent already)."""
    if not (user.is_active and user.email):
        return False
    context = _context(hearing)
    try:
        with transaction.atomic():
            HearingReminder.objects.create(hearing=hearing, user=user, sent_at=now)
            email_enqueue_in_languages(
                to=user.email,
                language=user.preferred_language,
                render=lambda language: _render(context, language),
            )
    except IntegrityError:
        return False
    return True


def hearing_reminders_send(*, now: datetime | None = None) -> int:
    """Owe every reminder due at ``now`` not sent yet; returns how many were owed."""
    moment = now or timezone.now()
    sent = 0
    for hearing in due_hearings(now=moment):
        already = HearingReminder.objects.filter(hearing=hearing).values("user_id")
        recipients = case_recipients(hearing.case).filter(hearing_reminders=True).exclude(pk__in=already)
        for user in recipients:
            sent += hearing_reminder_send(hearing=hearing, user=user, now=moment)
    return sent
