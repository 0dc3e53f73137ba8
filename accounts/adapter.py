"""allauth's emails (verification, password reset, security notices) go through the outbox.

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
from django.utils.translation import get_language

from icms.core.email import email_enqueue


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        defaults = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**defaults, **context})
        language = get_language() or settings.LANGUAGE_CODE
        for address in message.to:
            email_enqueue(to=address, subject=str(message.subject), body=str(message.body), language=language)
