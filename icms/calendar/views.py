from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from icms.core.time import HONG_KONG

from . import ical
from .data import current_calendar
from .selectors import recent_closures, registry_status, upcoming_holidays, upcoming_maintenance


@require_GET
def registry_hours(request: HttpRequest) -> HttpResponse:
    """Registry hours and service status: public, bilingual, no login."""
    calendar = current_calendar()
    status = registry_status(calendar=calendar)
    today = status.now.astimezone(HONG_KONG).date()
    context = {
        "status": status,
        "hours": calendar.hours,
        "holidays": upcoming_holidays(calendar=calendar, start=today, days=180)[:12],
        "closures": recent_closures(now=status.now),
        "planned_maintenance": upcoming_maintenance(now=status.now),
    }
    return render(request, "calendar/registry_hours.html", context)


@require_GET
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """An iCalendar feed of general holidays, closures and maintenance windows."""
    calendar = current_calendar()
    status = registry_status(calendar=calendar)
    today = status.now.date()
    body = ical.registry_feed(
        calendar=calendar,
        start=today - timedelta(days=60),
        end=today + timedelta(days=400),
        site_host=request.get_host(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="icms-registry-calendar.ics"'
    return response
