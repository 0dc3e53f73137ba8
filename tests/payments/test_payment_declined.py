"""A declined or failed payment is shown as such as soon as the gateway says so, with what to do
next, and the payer gets a message and an email in their language. While the page waits for the
gateway it looks again by itself: a meta refresh without JavaScript, htmx polling with it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from filing.models import MessageItem
from payments import services
from payments.models import PaymentOrder
from payments.services.notices import Notice, notice_text
from tests.factories import UserFactory

from .helpers import DURING_CONCESSION, callback

WAITING = b"Waiting for confirmation"
REFRESH = b'http-equiv="refresh"'


def _order(payer, key="k1") -> PaymentOrder:
    return services.payment_order_create(
        purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key=key, payer=payer
    )


def _return_url(order: PaymentOrder) -> str:
    return reverse("payments:return", args=[order.access_token])


@pytest.mark.django_db(transaction=True)
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_a_declined_card_shows_declined_at_once_and_the_payer_is_told(gateway):
    payer = UserFactory(email="chan.taiman@example.hk", preferred_language="en")
    order = _order(payer)
    client = Client()
    client.force_login(payer)
    start = client.post(reverse("payments:start", args=[order.access_token]), {"method": "card"})
    back = client.post(start.url, {"scenario": "success", "card_number": "4000 0000 0000 0002"})
    assert urlsplit(back.url).path == _return_url(order)

    page = client.get(_return_url(order)).content
    assert b"Payment declined" in page
    assert b"Try another card, or pay another way" in page
    assert b"Try another card or pay another way" in page  # the button to the pay page
    assert WAITING not in page and b"Do not pay again" not in page
    assert REFRESH not in page and b"data-hx-trigger" not in page
    assert b"Payment declined" in client.get(reverse("payments:order", args=[order.access_token])).content

    message = MessageItem.objects.get(recipient=payer)
    assert message.kind == "notice"
    assert message.subject_en == f"Payment {order.reference} declined"
    assert "HK$14.00" in message.body_en and "Try another card" in message.body_en
    assert order.access_token in message.body_en  # a link to the payment
    [email] = mail.outbox
    assert email.to == [payer.email]
    assert email.subject == f"[iCMS] Payment {order.reference} declined"
    assert "Nothing was charged" in email.body


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_a_gateway_failure_says_so_and_a_timeout_tells_nobody(client, django_capture_on_commit_callbacks):
    payer = UserFactory()
    failing, slow = _order(payer, "f"), _order(payer, "t")
    services.payment_order_start(order=failing, method="card", return_url="/")
    services.payment_order_start(order=slow, method="card", return_url="/")
    with django_capture_on_commit_callbacks(execute=True):
        callback(failing, kind="failed", charge="ch_f", event_id="evt_f")
    client.force_login(payer)
    page = client.get(_return_url(failing)).content
    assert b"Payment not completed" in page and b"pay another way" in page
    assert [m.subject_en for m in MessageItem.objects.filter(recipient=payer)] == [
        f"Payment {failing.reference} not completed"
    ]
    assert len(mail.outbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        PaymentOrder.objects.filter(pk=slow.pk).update(pending_since=DURING_CONCESSION.replace(hour=8))
        assert services.payment_orders_expire() == 1
    # No answer in time is not the gateway saying no: the money may still arrive.
    assert MessageItem.objects.filter(recipient=payer).count() == 1 and len(mail.outbox) == 1
    assert b"Payment not confirmed" in client.get(_return_url(slow)).content


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_a_payer_who_reads_chinese_is_told_in_chinese(django_capture_on_commit_callbacks):
    payer = UserFactory(preferred_language="zh-hant")
    order = _order(payer)
    services.payment_order_start(order=order, method="card", return_url="/")
    with django_capture_on_commit_callbacks(execute=True):
        callback(order, kind="declined", charge="ch_d", event_id="evt_d")
    order.refresh_from_db()
    subject_zh, body_zh = notice_text(notice=Notice.DECLINED, order=order, refund=None, language="zh-hant")
    subject_en, _ = notice_text(notice=Notice.DECLINED, order=order, refund=None, language="en")
    message = MessageItem.objects.get(recipient=payer)
    assert (message.subject_en, message.subject_zh) == (subject_en, subject_zh)
    assert "查冊" in message.body_zh and "Search" in message.body_en  # the purpose, in each language
    [email] = mail.outbox
    assert email.subject == f"[iCMS] {subject_zh}"
    assert body_zh in email.body and "查冊" in email.body


@pytest.mark.django_db
@time_machine.travel(DURING_CONCESSION, tick=True)
def test_while_waiting_the_page_refreshes_without_javascript_and_htmx_polls_a_live_region(client):
    payer = UserFactory()
    order = _order(payer)
    services.payment_order_start(order=order, method="card", return_url="/")
    client.force_login(payer)

    page = client.get(_return_url(order)).content.decode()
    assert WAITING.decode() in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert 'id="payment-status" role="status" aria-live="polite"' in page
    assert f'data-hx-get="{_return_url(order)}" data-hx-trigger="every 2s" data-hx-swap="innerHTML"' in page
    assert "Stop checking automatically" in page

    stopped = client.get(_return_url(order), {"auto": "0"}).content
    assert REFRESH not in stopped and b"data-hx-trigger" not in stopped and WAITING in stopped

    polled = client.get(_return_url(order), headers={"HX-Request": "true"})
    assert polled.status_code == 200 and WAITING in polled.content
    assert b"<html" not in polled.content

    callback(order, kind="declined", charge="ch_1", event_id="evt_1")
    polled = client.get(_return_url(order), headers={"HX-Request": "true"})
    assert polled.status_code == 286  # htmx stops polling: the gateway has answered
    assert b"Payment declined" in polled.content
    assert b'id="payment-details" data-hx-swap-oob="true"' in polled.content
    page = client.get(_return_url(order)).content
    assert b"Payment declined" in page and REFRESH not in page and b"data-hx-trigger" not in page
