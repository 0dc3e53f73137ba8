"""Webhook deliveries to a real receiver on 127.0.0.1: signed, retried after a failure, given up, sent again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import WebhookAttempt, WebhookDelivery, WebhookEvent
from accounts.webhooks import EventType, webhook_event_record
from accounts.webhooks.delivery import RETRY_DELAYS, retry_delay, sign, webhook_delivery_resend
from accounts.webhooks.endpoints import webhook_endpoint_create, webhook_endpoint_update, webhook_url_check
from icms.core.lookups import NotFound
from icms.core.models import OutboxItem
from icms.core.outbox import outbox_item_run
from tests.webhook_receiver import verify, webhook_receiver

pytestmark = pytest.mark.django_db

DATA = {"reference": "S-TEST-1", "case_number": "DCCJ 1/2026", "amount": "1045.00"}


@pytest.fixture
def record(django_capture_on_commit_callbacks, celery_eager):
    """Record an event as a service does, in a transaction; its delivery runs at the commit."""

    def record(organisation, event_type: str = EventType.FILING_ACCEPTED) -> WebhookEvent | None:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return webhook_event_record(organisation=organisation, event_type=event_type, data=DATA)

    return record


def item_of(delivery: WebhookDelivery) -> OutboxItem:
    """The outbox row of the delivery's automatic tries."""
    return OutboxItem.objects.get(kind="accounts.webhook_deliver", key=f"accounts.webhook_deliver:{delivery.pk}")


def run_when_due(item: OutboxItem) -> str:
    item.refresh_from_db()
    with time_machine.travel(item.next_attempt_at + timedelta(seconds=1)):
        return outbox_item_run(item.pk)


def test_an_event_is_posted_signed_and_the_receiver_verifies_it(firm, record):
    with webhook_receiver() as receiver:
        endpoint, secret = webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        event = record(firm.organisation)
        assert len(receiver.received) == 1
        got = receiver.received[0]
    assert got.path == "/hooks/icms"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"] == str(event.id)
    assert verify(secret=secret, headers=got.headers, body=got.body)
    assert not verify(secret=secret, headers=got.headers, body=got.body + b" ")
    assert not verify(
        secret=secret, headers=got.headers, body=got.body, now=int(got.headers["webhook-timestamp"]) + 301
    )
    assert got.json == {"id": str(event.id), "type": "filing.accepted", "created": got.json["created"], "data": DATA}
    assert got.json["created"].endswith("Z")
    delivery = WebhookDelivery.objects.get(event=event, endpoint=endpoint)
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code == 200 and attempt.error == "" and not attempt.manual


def test_the_signature_is_the_standard_webhooks_one():
    # The example of the Standard Webhooks specification (its reference libraries' tests).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        sign(secret=secret, event_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_a_failed_try_is_logged_and_tried_again_later_until_it_is_delivered(firm, record):
    with webhook_receiver() as receiver:
        receiver.answer(500)
        _endpoint, secret = webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        event = record(firm.organisation)
        delivery = WebhookDelivery.objects.get(event=event)
        assert delivery.status == "failed"
        item = item_of(delivery)
        assert item.state == "pending"
        wait = item.next_attempt_at - item.updated_at
        assert RETRY_DELAYS[0] * 0.85 < wait < RETRY_DELAYS[0] * 1.15
        assert outbox_item_run(item.pk) == "not due"  # not before its time
        assert run_when_due(item) == "done"
        first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == str(event.id)
    assert first.body == second.body
    assert verify(
        secret=secret, headers=second.headers, body=second.body, now=int(second.headers["webhook-timestamp"])
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    failed, delivered = WebhookAttempt.objects.filter(delivery=delivery).order_by("started_at", "id")
    assert failed.status_code == 500 and failed.error.startswith("HTTP 500") and len(failed.error) == 500
    assert delivered.status_code == 200


def test_the_waits_grow_to_hours():
    assert retry_delay(1) < timedelta(seconds=6)
    assert timedelta(hours=10) < retry_delay(7) < timedelta(hours=14)
    assert timedelta(hours=10) < retry_delay(20) < timedelta(hours=14)


def test_after_the_last_try_the_delivery_is_given_up(firm, settings, record):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with webhook_receiver() as receiver:
        receiver.answer(503, 502, 500, 500)
        webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        delivery = WebhookDelivery.objects.get(event=record(firm.organisation))
        item = item_of(delivery)
        run_when_due(item)
        assert run_when_due(item) == "done"
        assert len(receiver.received) == 3
    delivery.refresh_from_db()
    item.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("gave_up", 3)
    # A receiver that is down is the organisation's concern: no failed work for staff.
    assert item.state == "done"
    assert [a.status_code for a in WebhookAttempt.objects.filter(delivery=delivery).order_by("id")] == [503, 502, 500]


def test_an_unreachable_receiver_is_a_failed_try_too(firm, settings, record):
    with webhook_receiver() as receiver:
        url = receiver.url
    webhook_endpoint_create(actor=firm.primary.user, url=url)  # nobody listens there any more
    delivery = WebhookDelivery.objects.get(event=record(firm.organisation))
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None and "Connection" in attempt.error
    assert delivery.status == "failed"


def test_send_again_posts_the_same_event_once_more_by_hand(firm, record, django_capture_on_commit_callbacks):
    with webhook_receiver() as receiver:
        webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        event = record(firm.organisation)
        delivery = WebhookDelivery.objects.get(event=event)
        with django_capture_on_commit_callbacks(execute=True):
            webhook_delivery_resend(delivery=delivery, actor=firm.secondary.user)
        assert [r.headers["webhook-id"] for r in receiver.received] == [str(event.id)] * 2
    attempts = list(WebhookAttempt.objects.filter(delivery=delivery).order_by("id").values_list("manual", flat=True))
    assert attempts == [False, True]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    with pytest.raises(NotFound):
        webhook_delivery_resend(delivery=delivery, actor=firm.member.user)  # not an administrator


def test_an_endpoint_that_is_off_or_not_listening_gets_nothing(firm, record):
    with webhook_receiver() as receiver:
        endpoint, _secret = webhook_endpoint_create(
            actor=firm.primary.user, url=receiver.url, event_types=[EventType.PAYMENT_SETTLED]
        )
        assert record(firm.organisation, EventType.FILING_ACCEPTED) is None
        assert record(firm.organisation, EventType.PAYMENT_SETTLED) is not None
        webhook_endpoint_update(endpoint=endpoint, actor=firm.primary.user, description="", event_types=[], on=False)
        assert record(firm.organisation, EventType.PAYMENT_SETTLED) is None
        assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/icms", "http"),
        ("https://localhost/icms", "local"),
        ("https://127.0.0.1/icms", "private"),
        ("https://10.1.2.3/icms", "private"),
        ("https://[::1]/icms", "private"),
        ("https://169.254.169.254/latest", "private"),
        ("https://user:pw@hooks.example.com/", "userinfo"),
        ("hooks.example.com", "url"),
    ],
)
def test_in_production_only_public_https_addresses_are_accepted(settings, url, code):
    settings.WEBHOOKS_ALLOW_INSECURE = False
    with pytest.raises(ValidationError) as refused:
        webhook_url_check(url)
    assert refused.value.code == code


def test_a_public_https_address_is_accepted(settings):
    settings.WEBHOOKS_ALLOW_INSECURE = False
    assert webhook_url_check(" https://hooks.example.com/icms?firm=1 ") == "https://hooks.example.com/icms?firm=1"


def test_a_name_that_resolves_inside_is_not_sent_to(firm, settings, record):
    with webhook_receiver() as receiver:
        webhook_endpoint_create(actor=firm.primary.user, url=receiver.url.replace("127.0.0.1", "localhost"))
        settings.WEBHOOKS_ALLOW_INSECURE = False
        delivery = WebhookDelivery.objects.get(event=record(firm.organisation))
        assert receiver.received == []
    assert "private or reserved address" in WebhookAttempt.objects.get(delivery=delivery).error


def test_the_times_are_utc(firm, record):
    with webhook_receiver() as receiver:
        webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        with time_machine.travel(datetime(2026, 11, 25, 1, 0, tzinfo=UTC), tick=False):
            event = record(firm.organisation)
    assert event.payload["created"] == "2026-11-25T01:00:00Z"


def test_a_secret_replaced_with_an_overlap_signs_beside_the_new_one_for_24_hours(firm, record):
    from accounts.webhooks.endpoints import webhook_endpoint_secret_rotate

    start = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    with webhook_receiver() as receiver, time_machine.travel(start, tick=False):
        endpoint, old = webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        endpoint, new = webhook_endpoint_secret_rotate(endpoint=endpoint, actor=firm.primary.user, overlap=True)
        record(firm.organisation)
        with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
            record(firm.organisation)
        with time_machine.travel(start + timedelta(hours=24), tick=False):
            record(firm.organisation)
        during, last_minute, after = receiver.received
    for got in (during, last_minute):
        assert len(got.headers["webhook-signature"].split()) == 2
        stamp = int(got.headers["webhook-timestamp"])
        assert verify(secret=new, headers=got.headers, body=got.body, now=stamp)
        assert verify(secret=old, headers=got.headers, body=got.body, now=stamp)
    assert len(after.headers["webhook-signature"].split()) == 1
    stamp = int(after.headers["webhook-timestamp"])
    assert verify(secret=new, headers=after.headers, body=after.body, now=stamp)
    assert not verify(secret=old, headers=after.headers, body=after.body, now=stamp)


def test_a_secret_replaced_at_once_or_twice_never_signs_again(firm, record):
    from accounts.webhooks.endpoints import webhook_endpoint_secret_rotate

    with webhook_receiver() as receiver:
        endpoint, first = webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        endpoint, second = webhook_endpoint_secret_rotate(endpoint=endpoint, actor=firm.primary.user, overlap=True)
        # A second replacement during the overlap: only the secret it replaced overlaps now.
        endpoint, third = webhook_endpoint_secret_rotate(endpoint=endpoint, actor=firm.primary.user, overlap=True)
        record(firm.organisation)
        # Replaced at once: the overlap ends too.
        endpoint, fourth = webhook_endpoint_secret_rotate(endpoint=endpoint, actor=firm.primary.user, overlap=False)
        record(firm.organisation)
        overlapping, at_once = receiver.received
    stamp = int(overlapping.headers["webhook-timestamp"])
    assert [
        verify(secret=s, headers=overlapping.headers, body=overlapping.body, now=stamp) for s in (first, second, third)
    ] == [False, True, True]
    stamp = int(at_once.headers["webhook-timestamp"])
    assert at_once.headers["webhook-signature"].count("v1,") == 1
    assert [
        verify(secret=s, headers=at_once.headers, body=at_once.body, now=stamp) for s in (second, third, fourth)
    ] == [False, False, True]
    endpoint.refresh_from_db()
    assert endpoint.previous_secret == "" and endpoint.previous_secret_until is None
