"""Hearings as iCalendar (RFC 5545), and the signed keys of subscription URLs.

Calendar apps fetch a feed without the portal's session, so a feed URL may carry a
signed key. There are three feeds, each with its own salt so that no key opens another:

* one case's hearings: the key names the user and the case;
* every case a user may act for (the user's own feed): the key names the user;
* every case an organisation is on record in, for its administrators: the key names the
  administrator and the organisation.

The key never outlives the access it stands for: every fetch checks again that the user
may act for the case, or still administers the organisation (the selectors). A key also
names the generation of the user's addresses (:class:`~causebook.models.CalendarKeys`):
a user who shared an address by mistake gets new ones, and every older key stops.

An adjourned or vacated listing stays in the feed as a cancelled event with the same UID
and a higher SEQUENCE, so calendar apps take it out; an adjournment's new date is a new
event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import signing
from django.utils import timezone
from icalendar import Calendar, Event

from filing.models import Case
from icms.core.court_dates import courtroom_zh

from .models import Hearing
from .notices import hearing_type_names

SALT = "causebook.case-hearings-feed"
USER_SALT = "causebook.user-hearings-feed"
ORGANISATION_SALT = "causebook.organisation-hearings-feed"
DEFAULT_LENGTH = timedelta(hours=1)
# SEQUENCE counts a listing's revisions; seconds since this moment of its last change only grow.
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
_CANCELLED = {Hearing.Status.VACATED, Hearing.Status.ADJOURNED}


def _payload(generation: int, **ids: int) -> dict[str, int]:
    # Generation 0 is left out, so keys made before addresses could be renewed still open.
    return {**ids, "g": generation} if generation else ids


def _generation(data: dict[str, Any]) -> int | None:
    generation = data.get("g", 0)
    return generation if isinstance(generation, int) and generation >= 0 else None


def feed_key(*, user_id: int, case_id: int, generation: int = 0) -> str:
    return signing.dumps(_payload(generation, u=user_id, c=case_id), salt=SALT, compress=True)


def user_id_from_key(key: str, *, case_id: int) -> tuple[int, int] | None:
    """(user id, generation) of a genuine key of this case's feed."""
    data = _loads(key, SALT)
    if data is None or data.get("c") != case_id or not isinstance(data.get("u"), int):
        return None
    generation = _generation(data)
    return None if generation is None else (int(data["u"]), generation)


def user_feed_key(*, user_id: int, generation: int = 0) -> str:
    """The key of a user's own feed (every case they may act for)."""
    return signing.dumps(_payload(generation, u=user_id), salt=USER_SALT, compress=True)


def user_id_from_user_key(key: str) -> tuple[int, int] | None:
    """(user id, generation) of a genuine key of a user's own feed."""
    data = _loads(key, USER_SALT)
    if data is None or not isinstance(data.get("u"), int):
        return None
    generation = _generation(data)
    return None if generation is None else (int(data["u"]), generation)


def organisation_feed_key(*, user_id: int, organisation_id: int, generation: int = 0) -> str:
    """The key of an organisation's feed, made for one of its administrators."""
    return signing.dumps(_payload(generation, u=user_id, o=organisation_id), salt=ORGANISATION_SALT, compress=True)


def ids_from_organisation_key(key: str) -> tuple[int, int, int] | None:
    """(user id, organisation id, generation) of a genuine organisation feed key."""
    data = _loads(key, ORGANISATION_SALT)
    if data is None or not isinstance(data.get("u"), int) or not isinstance(data.get("o"), int):
        return None
    generation = _generation(data)
    return None if generation is None else (int(data["u"]), int(data["o"]), generation)


def _loads(key: str, salt: str) -> dict[str, Any] | None:
    if not key or len(key) > 500:
        return None
    try:
        data = signing.loads(key, salt=salt)
    except signing.BadSignature:
        return None
    return data if isinstance(data, dict) else None


def hearing_sequence(hearing: Hearing) -> int:
    """The event's SEQUENCE: grows with every change of the listing (RFC 5545 §3.8.7.4)."""
    return max(0, int((hearing.updated_at - _SEQUENCE_EPOCH).total_seconds()))


def _event(hearing: Hearing, *, site_host: str, stamp: datetime) -> Event:
    case = hearing.case
    type_en, type_zh = hearing_type_names(hearing.hearing_type)
    cancelled = hearing.status in _CANCELLED
    event = Event()
    event.add("uid", f"hearing-{hearing.pk}@{site_host}")
    event.add("dtstamp", stamp)
    event.add("sequence", hearing_sequence(hearing))
    event.add("dtstart", hearing.starts_at)
    event.add("dtend", hearing.starts_at + DEFAULT_LENGTH)
    status = f" ({hearing.get_status_display()})" if cancelled else ""
    event.add("summary", f"{case.case_number} {type_en} {type_zh}{status}")
    court = hearing.court
    event.add("location", f"{court.name_en} {court.name_zh}, {hearing.courtroom} {courtroom_zh(hearing.courtroom)}")
    event.add(
        "description",
        "\n".join(filter(None, [hearing.judge_en, hearing.judge_zh, hearing.nature_en, hearing.nature_zh])),
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("last-modified", hearing.updated_at)
    return event


def hearings_feed(*, name: str, hearings: Iterable[Hearing], site_host: str) -> bytes:
    """A calendar of ``hearings`` (with their case, case type and court loaded) called ``name``."""
    feed = Calendar()
    feed.add("prodid", "-//Hong Kong Judiciary//iCMS hearings//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", name)
    feed.add("x-wr-timezone", "Asia/Hong_Kong")
    stamp = timezone.now()
    for hearing in hearings:
        feed.add_component(_event(hearing, site_host=site_host, stamp=stamp))
    return bytes(feed.to_ical())


def case_hearings_feed(*, case: Case, hearings: list[Hearing], site_host: str) -> bytes:
    for hearing in hearings:
        hearing.case = case
    return hearings_feed(name=f"{case.case_number} hearings 聆訊", hearings=hearings, site_host=site_host)
