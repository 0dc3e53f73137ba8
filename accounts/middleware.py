"""Per-request account security: idle timeouts by account kind, and required MFA.

* The session expires after ``FILER_SESSION_IDLE_SECONDS`` (30 minutes) of inactivity for
  filers and ``STAFF_SESSION_IDLE_SECONDS`` (15 minutes) for staff. Each request restarts
  the clock; the session is written only when that moves its end by more than 60 s, so it
  may end up to 60 s early, never late (icms.core.session_timeout.session_idle_restart).
* A user who must use two-factor authentication (staff; members of an organisation
  whose primary administrator requires it) and has no authenticator app is sent to set
  one up before anything else, including the admin. The sign-in, sign-out and MFA pages
  themselves (under ``/accounts/``) stay reachable. Whether that applies is kept in the
  session for up to 60 s (:mod:`accounts.session_facts`).
* A sign-in refused by the throttle (:mod:`accounts.login_throttle`) is answered 429,
  with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from icms.core.session_timeout import session_idle_restart
from icms.core.templatetags.icms_urls import fixed_url

from . import login_throttle
from .selectors import is_staff_user, request_facts_start
from .session_facts import mfa_setup_required

EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/dev/outbox/")


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request_facts_start(user)
            staff = is_staff_user(user)
            setup_required = not request.path.startswith(EXEMPT_PREFIXES) and mfa_setup_required(request.session, user)
            # The session is written only when the idle clock moves by more than a minute or
            # something else changed it (then the clock restarts exactly, for nothing). "Stay
            # signed in" (session_extend) restarts it exactly: the reader is told a full period.
            session_idle_restart(
                request.session,
                settings.STAFF_SESSION_IDLE_SECONDS if staff else settings.FILER_SESSION_IDLE_SECONDS,
                exact=request.session.modified or request.path == fixed_url("session_extend"),
            )
            if setup_required:
                messages.warning(
                    request,
                    _("Your account must use two-factor authentication. Set up an authenticator app to continue."),
                )
                return redirect("mfa_activate_totp")
        elif not request.session.is_empty():
            # Anyone else's session with something in it (a sign-in under way, the reader's
            # bought searches) keeps the same sliding clock, at SESSION_COOKIE_AGE.
            session_idle_restart(request.session, settings.SESSION_COOKIE_AGE, exact=request.session.modified)
        # A sign-in the throttle refused is rendered by allauth's form with status 200.
        return login_throttle.throttled_response(request, self.get_response(request))
