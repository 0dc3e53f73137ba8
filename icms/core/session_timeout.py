"""When a signed-in session ends, computed in one place for the page and the extend endpoint.

The session of a signed-in user ends after a period without requests (the account kind's idle
timeout, set on each request by ``accounts.middleware``). Each page tells the browser how
long that is (a ``<meta>`` the context processor fills, templates/components/session_timeout_meta.html),
and static/js/session-timeout.js warns ``SESSION_TIMEOUT_WARNING_SECONDS`` before the end
and offers to extend it (WCAG 2.2.1, Timing Adjustable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class SessionTiming:
    expires_in: int
    """Seconds from now until the session ends if no further request is made."""
    warn_before: int
    """Seconds before the end at which the warning is shown."""
    expires_at: datetime

    @property
    def expires_in_minutes(self) -> int:
        return max(1, round(self.expires_in / 60))


def session_timing(request: HttpRequest) -> SessionTiming | None:
    """The current request's session timing, or None when nobody is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    expires_in = request.session.get_expiry_age()
    # Never warn for more than half the session: a short session still gets a useful warning.
    warn_before = min(settings.SESSION_TIMEOUT_WARNING_SECONDS, expires_in // 2)
    return SessionTiming(expires_in=expires_in, warn_before=warn_before, expires_at=request.session.get_expiry_date())
