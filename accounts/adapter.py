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
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import get_language

from icms.core.email import email_enqueue
from icms.core.http import client_ip

from . import login_throttle


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        defaults = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**defaults, **context})
        language = get_language() or settings.LANGUAGE_CODE
        for address in message.to:
            email_enqueue(to=address, subject=str(message.subject), body=str(message.body), language=language)

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
