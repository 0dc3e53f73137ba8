"""Our allauth adapter: emails through the outbox, our client address, our sign-in throttle.

allauth's emails (verification, password reset, security notices) go through the outbox.

allauth renders them in the language of the request that caused them, which is the
language the person is using; the outbox sends them from a worker, never from the web
process, and retries a mail server that is down.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import get_language

from icms.core.email import email_enqueue_in_languages, portal_site
from icms.core.http import client_ip

from . import login_throttle
from .models import User

# When the session's user signed in (a POSIX timestamp), for allauth's reauthentication.
SIGNED_IN_AT_SESSION_KEY = "accounts_signed_in_at"


def signed_in_recently(request: HttpRequest | None) -> bool:
    """Whether the session's user signed in less than ``ACCOUNT_REAUTHENTICATION_TIMEOUT`` seconds ago."""
    session: Any = getattr(request, "session", None)
    signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY) if session is not None else None
    if not isinstance(signed_in_at, int | float):
        return False
    return 0 <= timezone.now().timestamp() - signed_in_at < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails in the portal's layout: in the recipient's language (their
        ``preferred_language``; for an address with no account, the page's), the other below.

        The site allauth names ("Hello from …", "register an account on …") is the portal
        (:func:`icms.core.email.portal_site`), never the host the request came to.
        """
        request = allauth_context.request
        defaults = {"request": request, "email": email, "current_site": portal_site()}
        full_context = {**defaults, **context, "current_site": portal_site()}
        recipient = full_context.get("user")
        if not isinstance(recipient, User) or (recipient.email or "").lower() != email.lower():
            recipient = User.objects.filter(email__iexact=email).first()
        language = recipient.preferred_language if recipient else (get_language() or settings.LANGUAGE_CODE)

        def render(language: str) -> tuple[str, str]:
            with translation.override(language):
                message = self.render_mail(template_prefix, email, full_context)
            return str(message.subject), str(message.body)

        email_enqueue_in_languages(to=email, language=language, render=render)

    def login(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        super().login(request, user)
        request.session[SIGNED_IN_AT_SESSION_KEY] = timezone.now().timestamp()

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """No second password prompt within ACCOUNT_REAUTHENTICATION_TIMEOUT of signing in.

        allauth (65.x) counts only an explicit reauthentication as recent, so a person who
        had just signed in (with their password, and their second factor if they have one)
        was asked for the password again to set up two-factor authentication, or to change
        their email address. Signing in counts too; after the timeout allauth asks as before.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not signed_in_recently(allauth_context.request)

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count the address our own do (``TRUSTED_PROXY_COUNT``)."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    # The sign-in throttle (accounts/login_throttle.py) around allauth's authenticate():
    # pre_authenticate may refuse the try before the password is checked, and the outcome
    # is reported after. reauthenticate() passes through here too.
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        login = str(credentials.get("email") or credentials.get("username") or "")
        try:
            self._throttle_attempt = login_throttle.login_attempt_start(login=login, address=client_ip(request))
        except login_throttle.LoginThrottled as error:
            login_throttle.mark_throttled(request=request, error=error)
            raise ValidationError(error.message, code="too_many_login_attempts") from None

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        attempt = getattr(self, "_throttle_attempt", None)
        if user is not None and attempt is not None:
            login_throttle.login_attempt_succeeded(attempt=attempt)
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        attempt = getattr(self, "_throttle_attempt", None)
        if attempt is not None:
            login_throttle.login_attempt_failed(attempt=attempt)
