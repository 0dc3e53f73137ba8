"""Bilingual email notices sent after commit. The message box holds the documents;
email only says that something arrived, and never attaches a court document."""

from __future__ import annotations

from collections.abc import Iterable

from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from icms.core.email import absolute_url, email_on_commit


def notify_on_commit(*, recipients: Iterable[User], template: str, context: dict[str, object]) -> None:
    """Email each recipient the bilingual notice ``filing/email/<template>.txt`` once the transaction commits."""
    addresses = [user.email for user in recipients if user.is_active and user.email]
    if not addresses:
        return
    full_context = {**context, "message_box_url": absolute_url(reverse("filing:message_box"))}
    subject = render_to_string(f"filing/email/{template}_subject.txt", full_context).strip()
    body = render_to_string(f"filing/email/{template}.txt", full_context)
    email_on_commit(to=addresses, subject=subject, body=body)
