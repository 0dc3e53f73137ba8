"""Email notices of filing events, owed in the outbox and written in each recipient's language.

The message box holds the documents; email only says that something arrived, and
never attaches a court document.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from icms.core.email import absolute_url, email_enqueue


def notify(*, recipients: Iterable[User], template: str, context: dict[str, object]) -> int:
    """Owe each recipient the notice ``filing/email/<template>.txt`` in their preferred language.

    Call inside the transaction of the event: the emails are sent after it commits, and
    not at all if it rolls back. Inactive users and users without an address are skipped.
    """
    told = 0
    seen: set[str] = set()
    for user in recipients:
        if not (user.is_active and user.email) or user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        language = user.preferred_language or settings.LANGUAGE_CODE
        full_context = {
            **context,
            "chinese": language.startswith("zh"),
            "message_box_url": absolute_url(reverse("filing:message_box")),
        }
        subject = render_to_string(f"filing/email/{template}_subject.txt", full_context).strip()
        body = render_to_string(f"filing/email/{template}.txt", full_context)
        email_enqueue(to=user.email, subject=subject, body=body, language=language)
        told += 1
    return told
