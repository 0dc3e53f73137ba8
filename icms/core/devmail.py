"""A development-only mail outbox, so a newcomer can read the portal's email.

Mail is kept in a capped Redis list (the same Redis the portal needs anyway),
so the web process and the worker share it. The settings refuse this backend
unless ``DJANGO_DEBUG`` is true, and its page is routed only in that case.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import redis
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

OUTBOX_KEY = "icms:dev-outbox"
OUTBOX_LIMIT = 200


@dataclass(frozen=True)
class OutboxMessage:
    id: str
    sent_at: datetime
    subject: str
    from_email: str
    to: list[str]
    body: str
    html: str | None


def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        client = _client()
        sent = 0
        for message in email_messages:
            html = None
            for content, mimetype in getattr(message, "alternatives", []) or []:
                if mimetype == "text/html":
                    html = str(content)
            record = {
                "id": uuid.uuid4().hex,
                "sent_at": timezone.now().isoformat(),
                "subject": message.subject,
                "from_email": message.from_email,
                "to": list(message.to),
                "body": message.body,
                "html": html,
            }
            pipe = client.pipeline()
            pipe.lpush(OUTBOX_KEY, json.dumps(record))
            pipe.ltrim(OUTBOX_KEY, 0, OUTBOX_LIMIT - 1)
            pipe.execute()
            sent += 1
        return sent


def outbox_messages() -> list[OutboxMessage]:
    rows = _client().lrange(OUTBOX_KEY, 0, OUTBOX_LIMIT - 1)
    messages = []
    for row in rows:
        data = json.loads(row)
        data["sent_at"] = datetime.fromisoformat(data["sent_at"])
        messages.append(OutboxMessage(**data))
    return messages


def outbox_message(message_id: str) -> OutboxMessage | None:
    return next((m for m in outbox_messages() if m.id == message_id), None)
