from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from .models import Closure
from .selectors import calendar_notices_for_request

NOTICE_AHEAD = timedelta(days=7)


def maintenance(request: HttpRequest) -> dict[str, object]:
    """Maintenance windows starting within a week, and closures of the registry in force,
    for the banner slot in base.html."""
    now = timezone.now()
    zh = (get_language() or "").startswith("zh")
    notices = calendar_notices_for_request(request)  # read once, with the maintenance check
    upcoming = [
        {"starts_at": s, "ends_at": e, "notice": (zh and nz) or ne}
        for s, e, ne, nz in notices.maintenance_windows
        if s - NOTICE_AHEAD <= now < e
    ]
    closed = [
        {
            "reason": Closure.Reason(notice.reason).label,
            "reopens_at": notice.reopens_at,
            "notice": (zh and notice.notice_zh) or notice.notice_en,
        }
        for notice in notices.closures
        if notice.starts_at <= now and (notice.reopens_at is None or now < notice.reopens_at)
    ]
    return {"maintenance_windows": upcoming, "registry_closures": closed}
