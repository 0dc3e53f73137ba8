"""Whether a signed-in user must set up two-factor authentication, kept in their session.

AccountSecurityMiddleware asks this on every request. Reading it from the database each
time (the authenticator, then the memberships' organisations) cost a signed-in page up to
two queries. A "no" (nothing to set up) is kept in the session with the moment it was read
and read again once it is more than ``IDLE_RESTART_SLACK_SECONDS`` (60 s) old, so it is written no
more often than the idle clock (icms.core.session_timeout): one session write a minute at
most for both. A "yes" is never kept: whoever must set up an authenticator is asked on
every request, and let through as soon as they have one.

The session where an authenticator is added, removed or reset, or whose user signs in,
forgets the answer at once (accounts.signals). Anywhere else (another session of the same
user, an authenticator deleted in the admin, an organisation that starts requiring
two-factor authentication) the rule applies within 60 s (docs/security.md).
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

from icms.core.session_timeout import IDLE_RESTART_SLACK_SECONDS

from .models import User
from .selectors import has_totp, user_requires_mfa

_KEY = "_icms_mfa_satisfied"
_FRESH = IDLE_RESTART_SLACK_SECONDS


def mfa_setup_required(session: SessionBase, user: User) -> bool:
    """Whether ``user`` must set up an authenticator before anything else; read at most once a minute."""
    now = timezone.now().timestamp()
    fact = session.get(_KEY)
    if isinstance(fact, dict) and fact.get("user") == user.pk and 0 <= now - float(fact.get("at", 0)) <= _FRESH:
        return False
    missing = user_requires_mfa(user) and not has_totp(user)
    if missing:
        # Only "all is well" is kept: a user sent to set up an authenticator is let through
        # the moment they have one, however they added it.
        mfa_fact_forget(session)
    else:
        session[_KEY] = {"user": user.pk, "at": now}
    return missing


def mfa_fact_forget(session: SessionBase | None) -> None:
    """Make the next request of this session read the two-factor facts again."""
    if session is not None:
        session.pop(_KEY, None)
