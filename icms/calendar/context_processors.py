from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language

from .selectors import maintenance_windows_cached

NOTICE_AHEAD = timedelta(days=7)


def maintenance(request: HttpRequest) -> dict[str, object]:
    """Maintenance windows starting within a week, for the banner slot in base.html."""
    now = timezone.now()
    zh = (get_language() or "").startswith("zh")
    upcoming = [
        {"starts_at": s, "ends_at": e, "notice": (zh and nz) or ne}
        for s, e, ne, nz in maintenance_windows_cached()
        if s - NOTICE_AHEAD <= now < e
    ]
    return {"maintenance_windows": upcoming}
