"""The outbox: work owed with the change, run once, retried only when worth it, failures told."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from icms.core.audit_events import AuditEventType
from icms.core.models import AuditEvent, OutboxItem, WorkerHeartbeat
from icms.core.outbox import (
    TransientError,
    enqueue,
    is_transient,
    outbox_figures,
    outbox_item_retry,
    outbox_item_run,
    outbox_sweep,
    register_kind,
)
from icms.core.outbox.dispatch import STAFF_ALERT
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

State = OutboxItem.State
TEST_KIND = "tests.flaky"


class Behaviour:
    """What the test kind does on each try: "ok", "transient" or "permanent"."""

    def __init__(self) -> None:
        self.plan: list[str] = []
        self.runs: list[int] = []
        self.told: list[int] = []

    def run(self, item: OutboxItem) -> None:
        self.runs.append(item.pk)
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "transient":
            raise OperationalError("server closed the connection unexpectedly")
        if step == "permanent":
            raise ValueError("the document cannot be read")

    def failed(self, item: OutboxItem) -> None:
        self.told.append(item.pk)


@pytest.fixture
def flaky():
    behaviour = Behaviour()
    register_kind(
        TEST_KIND,
        run=behaviour.run,
        failed=behaviour.failed,
        failed_event=AuditEventType.FILING_SEALING_FAILED,
        alert_group="Registry supervisor",
        max_attempts=3,
        time_limit=30,
    )
    return behaviour


def _owe(**kwargs) -> OutboxItem:
    with transaction.atomic():
        return enqueue(TEST_KIND, label="the test's work", **kwargs)


def _run_due(item: OutboxItem) -> str:
    """Run the item as the worker would once its next try has come."""
    item.refresh_from_db()
    with time_machine.travel(max(timezone.now(), item.next_attempt_at) + timedelta(seconds=1), tick=True):
        return outbox_item_run(item.pk)


def test_work_owed_in_a_transaction_that_rolls_back_is_not_owed(flaky, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue(TEST_KIND)
        raise RuntimeError("the change failed")
    assert not OutboxItem.objects.exists()
    assert callbacks == [] and flaky.runs == []


def test_work_runs_after_commit_once_and_is_done(flaky, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = _owe()
    item.refresh_from_db()
    assert (item.state, item.attempts, flaky.runs) == (State.DONE, 1, [item.pk])
    # A second delivery of the same message (at-least-once) runs nothing.
    assert outbox_item_run(item.pk) == "not due"
    assert flaky.runs == [item.pk]


def test_an_unknown_kind_fails_in_the_change_not_later_in_a_worker():
    with pytest.raises(LookupError, match=r"tests\.nobody"), transaction.atomic():
        enqueue("tests.nobody")


def test_a_keyed_piece_of_work_is_owed_once(flaky):
    first = _owe(key="tests:one")
    assert _owe(key="tests:one") == first
    assert OutboxItem.objects.count() == 1


def test_a_transient_error_is_tried_again_later_with_backoff_then_succeeds(flaky):
    flaky.plan = ["transient", "transient"]
    item = _owe()
    assert outbox_item_run(item.pk) == "retry"
    item.refresh_from_db()
    assert item.state == State.PENDING and item.attempts == 1
    assert "server closed the connection" in item.last_error
    first_wait = item.next_attempt_at - item.updated_at
    assert timedelta(seconds=3) < first_wait < timedelta(seconds=7)  # 5 s, with jitter
    assert outbox_item_run(item.pk) == "not due"  # not before its next try
    assert _run_due(item) == "retry"
    item.refresh_from_db()
    assert item.next_attempt_at - item.updated_at > first_wait  # it waits longer each time
    assert _run_due(item) == "done"
    assert len(flaky.runs) == 3 and flaky.told == []


def test_the_last_transient_error_fails_the_work_audits_it_and_tells_people(flaky):
    supervisor = StaffFactory(group="Registry supervisor", email="supervisor@judiciary.example.hk")
    supervisor.preferred_language = "zh-hant"
    supervisor.save()
    StaffFactory(group="Registry clerk", email="clerk@judiciary.example.hk")
    flaky.plan = ["transient"] * 3
    item = _owe()
    assert [_run_due(item) for _ in range(3)] == ["retry", "retry", "failed"]
    item.refresh_from_db()
    assert (item.state, item.attempts) == (State.FAILED, 3)
    assert flaky.told == [item.pk]
    audit = AuditEvent.objects.get(event_type=AuditEventType.FILING_SEALING_FAILED)
    assert audit.after["outbox_item"] == item.pk and audit.after["attempts"] == 3
    # Staff are alerted by outbox work of its own, which owes one email per supervisor.
    alert = OutboxItem.objects.get(kind=STAFF_ALERT)
    assert _run_due(alert) == "done"
    assert [_run_due(email) for email in OutboxItem.objects.filter(kind="core.email")] == ["done"]
    assert [m.to for m in mail.outbox] == [["supervisor@judiciary.example.hk"]]
    assert "工作失敗" in mail.outbox[0].subject  # in the supervisor's language
    assert reverse("admin:core_outboxitem_change", args=[item.pk]) in mail.outbox[0].body


def test_a_permanent_error_fails_at_once(flaky):
    flaky.plan = ["permanent"]
    item = _owe()
    assert outbox_item_run(item.pk) == "failed"
    item.refresh_from_db()
    assert (item.state, item.attempts) == (State.FAILED, 1)
    assert item.last_error == "ValueError: the document cannot be read"


def test_a_failure_in_telling_people_is_noted_and_still_fails_the_work(flaky):
    def broken(item):
        raise KeyError("template")

    register_kind(
        TEST_KIND, run=flaky.run, failed=broken, failed_event=AuditEventType.FILING_SEALING_FAILED, time_limit=30
    )
    flaky.plan = ["permanent"]
    item = _owe()
    assert outbox_item_run(item.pk) == "failed"
    item.refresh_from_db()
    assert item.state == State.FAILED and "telling people failed: KeyError" in item.last_error


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError("could not connect to server"), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (TransientError("gateway 503"), True),
        (ValueError("bad"), False),
        (FileNotFoundError("documents/x.pdf"), False),
        (RuntimeError("wrapped"), False),
    ],
)
def test_only_transient_errors_are_worth_retrying(error, transient):
    assert is_transient(error) is transient


def test_an_error_caused_by_a_transient_one_is_transient():
    try:
        try:
            raise ConnectionResetError("reset by peer")
        except ConnectionResetError as cause:
            raise RuntimeError("storage write failed") from cause
    except RuntimeError as error:
        assert is_transient(error)


def test_the_sweep_takes_back_work_from_a_worker_that_died(flaky):
    item = _owe()
    # A worker claimed it, then was killed: the row is running, and its lease has run out.
    expired = timezone.now() - timedelta(seconds=1)
    OutboxItem.objects.filter(pk=item.pk).update(state=State.RUNNING, attempts=1, lease_expires_at=expired)
    result = outbox_sweep()
    assert (result.taken_back, result.sent) == (1, 1)
    item.refresh_from_db()
    # Due again and sent at once; the test settings run it in-process: the second try is done.
    assert (item.state, item.attempts, flaky.runs) == (State.DONE, 2, [item.pk])
    assert "worker stopped" in item.last_error


def test_the_sweep_fails_work_whose_worker_died_on_its_last_try(flaky):
    item = _owe()
    now = timezone.now()
    OutboxItem.objects.filter(pk=item.pk).update(state=State.RUNNING, attempts=3, lease_expires_at=now)
    outbox_sweep(now + timedelta(seconds=1))
    item.refresh_from_db()
    assert item.state == State.FAILED and flaky.told == [item.pk]


def test_the_sweep_sends_work_whose_dispatch_was_lost(flaky, outbox_held):
    item = _owe()
    OutboxItem.objects.filter(pk=item.pk).update(dispatched_at=None)  # the broker was down at commit
    result = outbox_sweep()
    assert result.sent == 1 and outbox_held.sent == [item.pk]
    # Sent a moment ago: the next sweep leaves it to the queue.
    assert outbox_sweep().sent == 0


def test_finished_work_is_purged_after_the_retention_period(flaky, settings):
    done = _owe()
    failed = _owe()
    old = timezone.now() - timedelta(days=settings.OUTBOX_DONE_RETENTION_DAYS + 1)
    OutboxItem.objects.filter(pk=done.pk).update(state=State.DONE, finished_at=old)
    OutboxItem.objects.filter(pk=failed.pk).update(state=State.FAILED, finished_at=old)
    assert outbox_sweep().purged == 1
    assert list(OutboxItem.objects.values_list("pk", flat=True)) == [failed.pk]  # failed work is never purged


def test_a_failed_broker_leaves_the_work_for_the_sweep_and_the_change_stands(
    flaky, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError as BrokerDown

    from icms.celery import app

    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app.tasks["icms.core.tasks.outbox_run"], "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        item = _owe()
    item.refresh_from_db()
    assert item.state == State.PENDING and item.dispatched_at is None


def test_staff_try_failed_work_again_and_it_is_audited(flaky, django_capture_on_commit_callbacks):
    flaky.plan = ["permanent"]
    item = _owe()
    outbox_item_run(item.pk)
    supervisor = StaffFactory(group="Registry supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_item_retry(item=item, actor=supervisor)
    item.refresh_from_db()
    assert (item.state, item.attempts) == (State.DONE, 1)
    assert AuditEvent.objects.filter(event_type=AuditEventType.OUTBOX_WORK_RETRIED, actor=supervisor).count() == 1
    assert not outbox_item_retry(item=item, actor=supervisor)  # done: nothing to try


def test_figures_count_failed_and_overdue_work(flaky, settings):
    flaky.plan = ["permanent"]
    outbox_item_run(_owe().pk)
    overdue = _owe()
    _owe()  # due now: not overdue
    OutboxItem.objects.filter(pk=overdue.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=settings.OUTBOX_OVERDUE_AFTER + 5)
    )
    figures = outbox_figures()
    assert (figures.failed, figures.overdue) == (1, 1)


def test_healthz_degrades_but_still_serves_when_work_failed(flaky, client):
    WorkerHeartbeat.objects.create(hostname="worker@test", beat_at=timezone.now())
    flaky.plan = ["permanent"]
    outbox_item_run(_owe().pk)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["outbox"] == {"failed": 1, "overdue": 0}
    assert body["components"]["outbox"] == {"ok": False, "detail": "1 failed, 0 overdue"}


class TestWorkNeedingAttention:
    URL = reverse("admin:core_workneedingattention_changelist")

    def _client(self, client, group):
        from tests.factories import totp_for

        staff = StaffFactory(group=group)
        totp_for(staff)
        client.force_login(staff)
        return staff

    def test_a_supervisor_sees_failed_work_and_tries_it_again(self, flaky, client):
        flaky.plan = ["permanent"]
        failed = _owe()
        outbox_item_run(failed.pk)
        fine = _owe()
        self._client(client, "Registry supervisor")
        page = client.get(self.URL)
        assert page.status_code == 200
        text = page.content.decode()
        assert "ValueError: the document cannot be read" in text
        assert f"/{failed.pk}/change/" in text and f"/{fine.pk}/change/" not in text
        response = client.post(self.URL, {"action": "try_again", "_selected_action": [failed.pk]}, follow=True)
        assert "1 item will be tried again now." in response.content.decode()
        failed.refresh_from_db()
        assert failed.state in (State.PENDING, State.DONE)

    def test_a_clerk_without_the_permission_does_not_see_it(self, flaky, client):
        self._client(client, "Registry clerk")
        assert client.get(self.URL).status_code == 403


def test_an_email_is_owed_in_the_outbox_and_sent_by_the_worker(django_capture_on_commit_callbacks):
    from icms.core.email import email_enqueue

    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        email_enqueue(to="filer@example.hk", subject="Hello\nthere", body="Body", language="en")
    assert mail.outbox == []  # nothing leaves the web process
    item = OutboxItem.objects.get(kind="core.email")
    assert item.payload["subject"] == "[iCMS] Hello there"  # one line, the portal's prefix once
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["filer@example.hk"]]


def test_an_unreachable_mail_server_is_retried(settings):
    from icms.core.email import email_enqueue

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with transaction.atomic():
        item = email_enqueue(to="filer@example.hk", subject="s", body="b", language="en")
    assert item is not None
    assert outbox_item_run(item.pk) == "retry"
    UserFactory()  # the database still works after the failed try
