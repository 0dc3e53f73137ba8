"""One case's hearings as iCalendar (RFC 5545), and the signed key of a subscription URL.

Calendar apps fetch a feed without the portal's session, so the feed URL may carry a
signed key naming the user and the case. The key never outlives the access it stands
for: every fetch checks again that the user may act for the case (filing.access).
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from filing.models import Case

from .models import Hearing

SALT = "causebook.case-hearings-feed"
DEFAULT_LENGTH = timedelta(hours=1)


def feed_key(*, user_id: int, case_id: int) -> str:
    return signing.dumps({"u": user_id, "c": case_id}, salt=SALT, compress=True)


def user_id_from_key(key: str, *, case_id: int) -> int | None:
    """The user a feed key was made for, if it is genuine and for this case."""
    try:
        data = signing.loads(key, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("c") != case_id or not isinstance(data.get("u"), int):
        return None
    return int(data["u"])


def case_hearings_feed(*, case: Case, hearings: list[Hearing], site_host: str) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Hong Kong Judiciary//iCMS hearings//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", f"{case.case_number} hearings 聆訊")
    feed.add("x-wr-timezone", "Asia/Hong_Kong")
    stamp = timezone.now()
    for hearing in hearings:
        event = Event()
        event.add("uid", f"hearing-{hearing.pk}@{site_host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", hearing.starts_at)
        event.add("dtend", hearing.starts_at + DEFAULT_LENGTH)
        event.add(
            "summary", f"{case.case_number} {hearing.get_hearing_type_display()} ({hearing.get_status_display()})"
        )
        event.add("location", f"{hearing.court.name_en} {hearing.court.name_zh}, {hearing.courtroom}")
        event.add("description", "\n".join(filter(None, [hearing.judge_en, hearing.judge_zh, hearing.nature_en])))
        event.add("status", "CANCELLED" if hearing.status == Hearing.Status.VACATED else "CONFIRMED")
        event.add("last-modified", hearing.updated_at)
        feed.add_component(event)
    return bytes(feed.to_ical())
