"""Email notices of filing events, owed in the outbox and written in each recipient's language.

The message box holds the documents; email only says that something arrived, and
never attaches a court document.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from icms.core.email import absolute_url, email_enqueue_in_languages
from icms.core.languages import is_chinese
from icms.core.messages import render_text


def _render(template: str, context: dict[str, object], language: str) -> tuple[str, str]:
    """The notice's subject and text in ``language``, plain (never HTML-escaped)."""
    context = {**context, "chinese": is_chinese(language)}
    return (
        render_text(f"filing/email/{template}_subject.txt", context, language=language),
        render_text(f"filing/email/{template}.txt", context, language=language),
    )


def notify(*, recipients: Iterable[User], template: str, context: dict[str, object]) -> int:
    """Owe each recipient the notice ``filing/email/<template>.txt`` in their preferred language,
    with the other language below it.

    Call inside the transaction of the event: the emails are sent after it commits, and
    not at all if it rolls back. Inactive users and users without an address are skipped.
    """
    told = 0
    seen: set[str] = set()
    message_box_url = absolute_url(reverse("filing:message_box"))
    for user in recipients:
        if not (user.is_active and user.email) or user.email.lower() in seen:
            continue
        seen.add(user.email.lower())
        email_enqueue_in_languages(
            to=user.email,
            language=user.preferred_language or settings.LANGUAGE_CODE,
            render=partial(_render, template, {**context, "message_box_url": message_box_url}),
        )
        told += 1
    return told
