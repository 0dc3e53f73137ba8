"""The one path every email takes: sent after the transaction that caused it commits.

Filing's notices, accounts' invitations and payments' notices all call
:func:`email_on_commit`, so there is one place where mail leaves the portal (and one
place for the transactional outbox to take over, issue 13). Emails only say that
something happened, with a link; documents stay in the message box.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address (``SITE_URL``), for links in emails."""
    return str(settings.SITE_URL).rstrip("/") + path


def email_on_commit(*, to: Iterable[str], subject: str, body: str) -> None:
    """Send ``subject`` and ``body`` to each address, one email each, once the transaction commits.

    If the transaction rolls back, nothing is sent. Duplicates and blanks are dropped.
    """
    addresses = sorted({address for address in to if address})
    if not addresses:
        return

    def send() -> None:
        for address in addresses:
            send_mail(subject, body, None, [address])

    transaction.on_commit(send)
