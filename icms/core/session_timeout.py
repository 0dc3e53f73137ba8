"""When a signed-in session ends, computed in one place for the page and the extend endpoint.

The session of a signed-in user ends after a period without requests (the account kind's idle
timeout, set on each request by ``accounts.middleware``). Each page tells the browser how
long that is (a ``<meta>`` the context processor fills, templates/jinja2/layout/session_timeout_meta.html),
and static/js/session-timeout.js warns ``SESSION_TIMEOUT_WARNING_SECONDS`` before the end
and offers to extend it (WCAG 2.2.1, Timing Adjustable).

The end is stored as a moment, not a length (:func:`session_idle_restart`), so that a request
need not write the session to restart the clock: saving it on every request cost a signed-in
page an UPDATE and a COMMIT in the database and a write to Redis (issue 16, docs/security.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

#: A request restarts the stored idle clock only when that moves the end later by more than
#: this, so a session may end up to this much EARLIER than the idle timeout after the last
#: request, never later. Django keeps the end in the session as ``_session_expiry``.
IDLE_RESTART_SLACK_SECONDS = 60
_EXPIRY_KEY = "_session_expiry"


def session_idle_restart(session: SessionBase, idle_seconds: int, *, exact: bool = False) -> bool:
    """Let ``session`` end ``idle_seconds`` from now, if that matters; whether it changed (and so will be saved).

    The stored end moves when it would move later by more than ``IDLE_RESTART_SLACK_SECONDS``,
    or earlier at all (a shorter timeout applies at once), or when ``exact`` (the session is
    written anyway). A session whose end is stored as a length (``set_expiry(int)``, or none)
    is given a moment.
    """
    wanted = timezone.now() + timedelta(seconds=idle_seconds)
    stored = session.get(_EXPIRY_KEY)
    if not exact and isinstance(stored, str):
        current = datetime.fromisoformat(stored)
        if current <= wanted <= current + timedelta(seconds=IDLE_RESTART_SLACK_SECONDS):
            return False
    session.set_expiry(wanted)
    return True


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
    # Whole seconds, rounded up: Django's get_expiry_age() truncates, so a 30-minute session
    # read a millisecond after it was set would say 1,799.
    expires_at = request.session.get_expiry_date()
    expires_in = max(0, math.ceil((expires_at - timezone.now()).total_seconds()))
    # Never warn for more than half the session: a short session still gets a useful warning.
    warn_before = min(settings.SESSION_TIMEOUT_WARNING_SECONDS, expires_in // 2)
    return SessionTiming(expires_in=expires_in, warn_before=warn_before, expires_at=expires_at)
