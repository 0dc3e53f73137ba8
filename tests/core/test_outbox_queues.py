"""Rendering work goes to a queue of its own when one is configured, everything else to the
default queue: the messages are read back from the real Redis broker."""

from __future__ import annotations

import json

import pytest
import redis
from django.conf import settings
from django.db import transaction

from icms.celery import app
from icms.core.audit_events import AuditEventType
from icms.core.email import EMAIL_KIND
from icms.core.outbox import register_kind
from icms.core.outbox.dispatch import enqueue, queue_for
from icms.core.outbox.kinds import kind_for

pytestmark = pytest.mark.django_db(transaction=True)

RENDER_KIND = "tests.render_something"


@pytest.fixture
def broker(settings):
    """The Celery broker for real (not eager), with this test's queues emptied before and after."""
    settings.CELERY_RENDERING_QUEUE = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-rendering"
    queues = (settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_RENDERING_QUEUE)
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(*queues)
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield client
    app.conf.task_always_eager = previous
    client.delete(*queues)
    client.close()


def _sent(client: redis.Redis, queue: str) -> list[int]:
    return [json.loads(body)["headers"]["argsrepr"] for body in client.lrange(queue, 0, -1)]


def test_the_kinds_that_render_pdfs_are_marked_rendering_and_the_rest_are_not():
    rendering = {"filing.acknowledge", "filing.seal", "filing.deliver_court_document", "payments.receipt_render"}
    for name in rendering:
        assert kind_for(name).rendering, name
    assert not kind_for(EMAIL_KIND).rendering and not kind_for("payments.paid").rendering


def test_without_a_rendering_queue_everything_goes_to_the_default_queue(settings):
    settings.CELERY_RENDERING_QUEUE = ""
    assert queue_for(kind_for("filing.seal")) == settings.CELERY_TASK_DEFAULT_QUEUE


def test_rendering_work_is_sent_to_the_rendering_queue_and_email_to_the_default(broker):
    register_kind(
        RENDER_KIND,
        run=lambda item: None,
        failed=lambda item: None,
        failed_event=AuditEventType.FILING_SEALING_FAILED,
        rendering=True,
    )
    with transaction.atomic():
        rendered = enqueue(RENDER_KIND, label="a PDF")
        mailed = enqueue(EMAIL_KIND, payload={"to": "a@example.com", "subject": "s", "body": "b", "language": "en"})
    assert _sent(broker, settings.CELERY_RENDERING_QUEUE) == [f"({rendered.pk},)"]
    assert _sent(broker, settings.CELERY_TASK_DEFAULT_QUEUE) == [f"({mailed.pk},)"]
