"""Per-request account security: idle timeouts by account kind, and required MFA.

* The session expires after ``FILER_SESSION_IDLE_SECONDS`` (30 minutes) of inactivity for
  filers and ``STAFF_SESSION_IDLE_SECONDS`` (15 minutes) for staff. With
  ``SESSION_SAVE_EVERY_REQUEST`` each request restarts the clock.
* A user who must use two-factor authentication (staff; members of an organisation
  whose primary administrator requires it) and has no authenticator app is sent to set
  one up before anything else, including the admin. The sign-in, sign-out and MFA pages
  themselves (under ``/accounts/``) stay reachable.
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

from . import login_throttle
from .selectors import has_totp, is_staff_user, user_requires_mfa

EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/dev/outbox/")


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            staff = is_staff_user(user)
            request.session.set_expiry(
                settings.STAFF_SESSION_IDLE_SECONDS if staff else settings.FILER_SESSION_IDLE_SECONDS
            )
            if not request.path.startswith(EXEMPT_PREFIXES) and user_requires_mfa(user) and not has_totp(user):
                messages.warning(
                    request,
                    _("Your account must use two-factor authentication. Set up an authenticator app to continue."),
                )
                return redirect("mfa_activate_totp")
        # A sign-in the throttle refused is rendered by allauth's form with status 200.
        return login_throttle.throttled_response(request, self.get_response(request))
