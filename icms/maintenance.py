"""During a published maintenance window, the public and filers see a maintenance page.

Staff can still sign in and work: the admin, the sign-in pages, static files
and /healthz stay reachable, and signed-in staff pass through everywhere.

It lives in the project package because it joins two apps: the calendar publishes the
windows, and accounts knows who is staff. The calendar itself imports neither.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.selectors import is_staff_user
from icms.calendar.selectors import calendar_notices_for_request

ALWAYS_REACHABLE = (
    "/admin/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/2fa/",
    "/static/",
    "/healthz",
    "/i18n/",
)


class MaintenanceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(ALWAYS_REACHABLE):
            now = timezone.now()
            for starts_at, ends_at, notice_en, notice_zh in calendar_notices_for_request(request).maintenance_windows:
                if starts_at <= now < ends_at:
                    user = getattr(request, "user", None)
                    if user is not None and is_staff_user(user):
                        break
                    response = render(
                        request,
                        "calendar/maintenance.html",
                        {"ends_at": ends_at, "notice_en": notice_en, "notice_zh": notice_zh},
                        status=503,
                    )
                    response["Retry-After"] = str(max(60, int((ends_at - now).total_seconds())))
                    return response
        return self.get_response(request)
