"""The one path every email takes: a row in the outbox, sent by a worker.

Filing's notices, accounts' invitations, payments' notices and staff alerts all call
:func:`email_enqueue` inside the transaction of the change they report, already
rendered in the recipient's language. The web process never talks to the mail server:
if the change rolls back, nothing is sent; if the mail server is down, the outbox tries
again (transient errors only) and a permanent failure shows in "Work needing attention".
Emails only say that something happened, with a link; documents stay in the message box.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from .models import OutboxItem

EMAIL_KIND = "core.email"


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address (``SITE_URL``), for links in emails."""
    return str(settings.SITE_URL).rstrip("/") + path


def email_enqueue(*, to: str, subject: str, body: str, language: str) -> OutboxItem | None:
    """Owe one email to ``to``, sent after the transaction commits. Blank addresses are skipped.

    ``subject`` and ``body`` are already in ``language``, the recipient's.
    """
    from .outbox import enqueue

    address = to.strip()
    if not address:
        return None
    return enqueue(
        EMAIL_KIND,
        payload={"to": address, "subject": " ".join(subject.split())[:255], "body": body, "language": language},
    )


def email_send(item: OutboxItem) -> None:
    """The outbox's ``core.email`` work: send the email the row holds."""
    payload = item.payload
    EmailMessage(subject=payload["subject"], body=payload["body"], to=[payload["to"]]).send()


def email_failed(item: OutboxItem) -> None:
    """``core.email_failed``: the row itself is the report (audited, and listed for staff).

    Nobody is emailed about an email that could not be sent; the people it was for
    still have the message in their message box.
    """
