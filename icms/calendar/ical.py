"""The registry calendar as iCalendar (RFC 5545)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from .core import RegistryCalendar
from .models import Closure, MaintenanceWindow
from .selectors import holidays_between


def registry_feed(*, calendar: RegistryCalendar, start: date, end: date, site_host: str) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Hong Kong Judiciary//iCMS registry calendar//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", "iCMS registry calendar 登記處日曆")
    feed.add("x-wr-timezone", "Asia/Hong_Kong")
    stamp = timezone.now()
    for holiday in holidays_between(calendar=calendar, start=start, end=end):
        event = Event()
        event.add("uid", f"holiday-{holiday.day.isoformat()}@{site_host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", holiday.day)
        event.add("dtend", holiday.day + timedelta(days=1))
        event.add("summary", f"Registry closed: {holiday.name_en} 登記處休息：{holiday.name_zh}")
        event.add("transp", "TRANSPARENT")
        feed.add_component(event)
    for closure in Closure.objects.filter(starts_at__date__gte=start):
        event = Event()
        event.add("uid", f"closure-{closure.pk}@{site_host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", closure.starts_at)
        if closure.reopens_at:
            event.add("dtend", closure.reopens_at)
        event.add("summary", f"Registry closed: {closure.get_reason_display()} 登記處關閉")
        event.add("description", "\n".join(filter(None, [closure.notice_en, closure.notice_zh])))
        event.add("last-modified", closure.updated_at)
        feed.add_component(event)
    for window in MaintenanceWindow.objects.filter(ends_at__date__gte=start):
        event = Event()
        event.add("uid", f"maintenance-{window.pk}@{site_host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", window.starts_at)
        event.add("dtend", window.ends_at)
        event.add("summary", "iCMS maintenance 系統維護")
        event.add("description", "\n".join(filter(None, [window.notice_en, window.notice_zh])))
        event.add("last-modified", window.updated_at)
        feed.add_component(event)
    return bytes(feed.to_ical())  # icalendar leaves to_ical() unannotated
