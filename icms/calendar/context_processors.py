from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from icms.core.languages import in_language, is_chinese

from .models import Closure
from .selectors import calendar_notices_for_request

NOTICE_AHEAD = timedelta(days=7)


def maintenance(request: HttpRequest) -> dict[str, object]:
    """Maintenance windows starting within a week, and closures of the registry in force,
    for the banner slot in base.html."""
    now = timezone.now()
    zh = is_chinese()
    notices = calendar_notices_for_request(request)  # read once, with the maintenance check
    upcoming = [
        {"starts_at": s, "ends_at": e, "notice": in_language(ne, nz, chinese_page=zh)}
        for s, e, ne, nz in notices.maintenance_windows
        if s - NOTICE_AHEAD <= now < e
    ]
    closed = [
        {
            "reason": Closure.Reason(notice.reason).label,
            "reopens_at": notice.reopens_at,
            "notice": in_language(notice.notice_en, notice.notice_zh, chinese_page=zh),
        }
        for notice in notices.closures
        if notice.starts_at <= now and (notice.reopens_at is None or now < notice.reopens_at)
    ]
    return {"maintenance_windows": upcoming, "registry_closures": closed}
