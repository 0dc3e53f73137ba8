"""The organisation's webhook pages: administrators only, the secret shown once, on and off,
a new secret, deletion, and the delivery log with "Send again"."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from accounts.webhooks import EventType
from accounts.webhooks.endpoints import webhook_endpoint_create
from icms.core.models import AuditEvent, OutboxItem
from tests.webhook_receiver import verify, webhook_receiver

pytestmark = pytest.mark.django_db

LIST = reverse("accounts:webhooks")
SECRET = re.compile(r'id="new-secret" type="text" readonly value="(whsec_[^"]+)"')


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def page_of(endpoint: WebhookEndpoint) -> str:
    return reverse("accounts:webhook_endpoint", args=[endpoint.pk])


def test_only_the_organisations_administrators_reach_the_pages(firm, other_firm, individual):
    endpoint, _secret = webhook_endpoint_create(actor=firm.primary.user, url="https://hooks.example.com/a")
    for user in (firm.member.user, individual, other_firm.primary.user):
        client = signed_in(user)
        assert client.get(page_of(endpoint)).status_code == 404
        assert client.post(reverse("accounts:webhook_endpoint_delete", args=[endpoint.pk])).status_code == 404
        assert client.post(reverse("accounts:webhook_secret_rotate", args=[endpoint.pk])).status_code == 404
    assert signed_in(firm.member.user).get(LIST).status_code == 404
    assert signed_in(other_firm.primary.user).get(LIST).status_code == 200
    assert Client().get(LIST).status_code == 302
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_organisation_page_links_to_the_webhooks(firm):
    assert LIST in signed_in(firm.primary.user).get(reverse("accounts:organisation")).text


def test_registering_shows_the_secret_once(firm):
    client = signed_in(firm.secondary.user)
    response = client.post(
        LIST,
        {"url": "https://hooks.example.com/icms", "description": "Case manager", "event_types": ["filing.accepted"]},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = SECRET.search(response.text).group(1)
    endpoint = WebhookEndpoint.objects.get(organisation=firm.organisation)
    assert endpoint.secret == secret and endpoint.event_types == ["filing.accepted"]
    assert secret not in client.get(LIST).text and secret not in client.get(page_of(endpoint)).text
    assert AuditEvent.objects.filter(event_type="webhook_endpoint.created", actor=firm.secondary.user).exists()


def test_a_plain_http_address_is_refused_in_production(firm, settings):
    settings.WEBHOOKS_ALLOW_INSECURE = False
    response = signed_in(firm.primary.user).post(LIST, {"url": "http://hooks.example.com/icms"})
    assert "must start with https://" in response.text and "new-secret" not in response.text
    assert 'aria-invalid="true"' in response.text
    assert not WebhookEndpoint.objects.exists()


def test_turning_off_choosing_events_and_a_new_secret(firm):
    endpoint, old = webhook_endpoint_create(actor=firm.primary.user, url="https://hooks.example.com/a")
    client = signed_in(firm.primary.user)
    response = client.post(page_of(endpoint), {"description": "Off for now", "event_types": ["payment.settled"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None and endpoint.event_types == ["payment.settled"]
    assert "Off since" in client.get(page_of(endpoint)).text
    client.post(page_of(endpoint), {"on": "on", "event_types": list(EventType.values)})
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is None and endpoint.event_types == []  # every type ticked: all, later ones too
    rotated = client.post(reverse("accounts:webhook_secret_rotate", args=[endpoint.pk]), {"when": "at_once"})
    new = SECRET.search(rotated.text).group(1)
    endpoint.refresh_from_db()
    assert new != old and endpoint.secret == new
    assert AuditEvent.objects.filter(event_type="webhook_endpoint.secret_rotated").count() == 1
    assert AuditEvent.objects.filter(event_type="webhook_endpoint.changed").count() == 2


def test_replacing_the_secret_with_an_overlap_says_until_when(firm):
    client = signed_in(firm.primary.user)
    endpoint, old = webhook_endpoint_create(actor=firm.primary.user, url="https://hooks.example.com/a")
    page = client.get(page_of(endpoint)).text
    assert 'value="at_once"' in page and 'value="overlap"' in page and "When the old secret stops" in page
    url = reverse("accounts:webhook_secret_rotate", args=[endpoint.pk])
    refused = client.post(url, {"when": "later"})
    assert refused.status_code == 200 and "field--error" in refused.text
    assert "new-secret" not in refused.text and WebhookEndpoint.objects.get().secret == old
    rotated = client.post(url, {"when": "overlap"})
    new = SECRET.search(rotated.text).group(1)
    endpoint.refresh_from_db()
    assert endpoint.secret == new and endpoint.previous_secret == old and endpoint.previous_secret_until
    assert "and also with the old secret until" in rotated.text
    assert "Still signs deliveries, beside the new one, until" in client.get(page_of(endpoint)).text
    audit = AuditEvent.objects.get(event_type="webhook_endpoint.secret_rotated")
    assert audit.after == {"previous_secret_signs_until": endpoint.previous_secret_until.isoformat()}
    assert old not in str(audit.after) and new not in str(audit.after)
    client.cookies["django_language"] = "zh-hant"
    assert "仍與新密鑰一同簽署傳送" in client.get(page_of(endpoint)).text


def test_deleting_an_endpoint(firm):
    endpoint, _secret = webhook_endpoint_create(actor=firm.primary.user, url="https://hooks.example.com/a")
    response = signed_in(firm.primary.user).post(reverse("accounts:webhook_endpoint_delete", args=[endpoint.pk]))
    assert response.status_code == 302 and response.url == LIST
    assert not WebhookEndpoint.objects.exists()
    assert AuditEvent.objects.get(event_type="webhook_endpoint.deleted").before["url"] == endpoint.url


def test_actions_are_post_only_and_csrf_protected(firm):
    endpoint, _secret = webhook_endpoint_create(actor=firm.primary.user, url="https://hooks.example.com/a")
    for name in ("webhook_endpoint_delete", "webhook_secret_rotate"):
        url = reverse(f"accounts:{name}", args=[endpoint.pk])
        assert signed_in(firm.primary.user).get(url).status_code == 405
        assert signed_in(firm.primary.user, csrf=True).post(url).status_code == 403
    assert WebhookEndpoint.objects.get().secret == _secret


def test_the_log_shows_each_try_and_sends_again(firm, django_capture_on_commit_callbacks, celery_eager):
    from django.db import transaction

    from accounts.webhooks import webhook_event_record

    client = signed_in(firm.primary.user)
    with webhook_receiver() as receiver:
        receiver.answer(500)
        endpoint, secret = webhook_endpoint_create(actor=firm.primary.user, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            event = webhook_event_record(
                organisation=firm.organisation, event_type=EventType.REFUND_PAID, data={"amount": "100.00"}
            )
        delivery = WebhookDelivery.objects.get(event=event)
        page = client.get(page_of(endpoint)).text
        assert "refund.paid" in page and "HTTP 500" in page and str(event.id) in page
        send_again = reverse("accounts:webhook_delivery_send_again", args=[delivery.pk])
        assert client.get(send_again).status_code == 405
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(send_again)
        assert response.status_code == 302 and response.url == page_of(endpoint)
        assert len(receiver.received) == 2
        assert verify(secret=secret, headers=receiver.received[1].headers, body=receiver.received[1].body)
    assert WebhookAttempt.objects.filter(delivery=delivery, manual=True, status_code=200).exists()
    assert "sent again by hand" in client.get(page_of(endpoint)).text
    assert signed_in(firm.member.user).post(send_again).status_code == 404


def test_the_log_costs_the_same_queries_for_more_deliveries(firm, outbox_held):
    from django.db import transaction

    from accounts.webhooks import webhook_event_record

    endpoint, _secret = webhook_endpoint_create(actor=firm.primary.user, url="https://hooks.example.com/a")
    client = signed_in(firm.primary.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_of(endpoint)).status_code == 200
        return len(captured)

    def add(n: int) -> None:
        for _ in range(n):
            with transaction.atomic():
                event = webhook_event_record(organisation=firm.organisation, event_type="payment.settled", data={})
            delivery = WebhookDelivery.objects.get(event=event)
            WebhookAttempt.objects.create(delivery=delivery, started_at=event.occurred_at, status_code=500)

    add(1)
    queries()  # the first request of a session reads what later ones find cached
    one = queries()
    add(5)
    assert queries() == one
    assert OutboxItem.objects.filter(kind="accounts.webhook_deliver").count() == 6
