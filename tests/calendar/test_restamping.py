"""Re-stamping deemed receipt when staff record a closure and its reopening.

Against real PostgreSQL and, for the dispatch, a real Redis broker and worker.
"""

import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from icms.calendar.models import Closure
from icms.calendar.services import calendar_record_delete, calendar_record_save
from icms.calendar.stamping import (
    deemed_receipt_stamp,
    deemed_receipts_restamp,
    deemed_receipts_sweep,
    stamped_models,
)
from icms.core.models import AuditEvent, OutboxItem
from icms.core.tasks import outbox_run
from tests.factories import UserFactory
from tests.stamping_app.models import StampedFiling

HKT = ZoneInfo("Asia/Hong_Kong")


def hkt(*args: int) -> datetime:
    return datetime(*args, tzinfo=HKT)


def _filing(received: datetime, title: str = "") -> StampedFiling:
    filing = StampedFiling.objects.create(received_at=received, title=title)
    deemed_receipt_stamp(model=StampedFiling, pk=filing.pk)
    filing.refresh_from_db()
    return filing


def _restamp_audits() -> int:
    return AuditEvent.objects.filter(event_type="calendar.deemed_receipt_restamped").count()


@pytest.mark.django_db
def test_models_with_deemed_receipt_fields_join_automatically():
    assert StampedFiling in stamped_models()


@pytest.mark.django_db
def test_initial_stamp_is_audited_once():
    filing = _filing(hkt(2026, 11, 25, 18, 0))
    assert filing.deemed_received_at == hkt(2026, 11, 26, 8, 45)
    assert filing.deemed_rule == "after_hours"
    assert filing.deemed_stamped_at is not None
    assert not deemed_receipt_stamp(model=StampedFiling, pk=filing.pk)
    assert (
        AuditEvent.objects.filter(event_type="calendar.deemed_receipt_stamped", target_id=str(filing.pk)).count() == 1
    )


@pytest.mark.django_db
def test_declaring_a_closure_then_recording_its_reopening(django_capture_on_commit_callbacks, celery_eager):
    clerk = UserFactory(is_staff=True)
    inside = _filing(hkt(2026, 11, 25, 9, 30), "inside the closure")
    evening_before = _filing(hkt(2026, 11, 24, 20, 0), "evening before, deemed 08:45 before it started")
    after = _filing(hkt(2026, 11, 26, 10, 0), "after the closure")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        closure = calendar_record_save(
            actor=clerk,
            record=Closure(reason="typhoon", starts_at=hkt(2026, 11, 25, 9, 0), notice_en="T8", notice_zh="八號風球"),
        )
    # One re-stamping owed in the outbox, and run after commit (the other callback
    # refreshes the banner's cache).
    assert len(callbacks) == 2
    assert list(OutboxItem.objects.filter(kind="calendar.restamp").values_list("state", flat=True)) == ["done"]
    inside.refresh_from_db()
    assert inside.deemed_received_at is None
    assert inside.deemed_rule == "closure_pending"

    with django_capture_on_commit_callbacks(execute=True):
        closure.reopens_at = hkt(2026, 11, 25, 15, 10)
        calendar_record_save(actor=clerk, record=closure)
    for row in (inside, evening_before, after):
        row.refresh_from_db()
    assert inside.deemed_received_at == hkt(2026, 11, 25, 15, 10)
    assert inside.deemed_rule == "closure"
    assert evening_before.deemed_received_at == hkt(2026, 11, 25, 8, 45)
    assert after.deemed_received_at == hkt(2026, 11, 26, 10, 0)

    audits = AuditEvent.objects.filter(event_type="calendar.deemed_receipt_restamped", target_id=str(inside.pk))
    assert [a.after["deemed_rule"] for a in audits.order_by("id")] == ["closure_pending", "closure"]
    assert audits.order_by("id").last().before == {"deemed_received_at": None, "deemed_rule": "closure_pending"}
    assert AuditEvent.objects.filter(event_type="calendar.closure_created", actor=clerk).count() == 1
    assert AuditEvent.objects.filter(event_type="calendar.closure_changed", actor=clerk).count() == 1

    # Re-stamping again changes nothing and writes no audit row.
    before = _restamp_audits()
    deemed_receipts_restamp(window_start=hkt(2026, 11, 25, 9), window_end=None, cause="again")
    assert _restamp_audits() == before


@pytest.mark.django_db
def test_deleting_a_closure_entered_in_error_restores_the_ordinary_rule(
    django_capture_on_commit_callbacks, celery_eager
):
    with django_capture_on_commit_callbacks(execute=True):
        closure = calendar_record_save(
            actor=None,
            record=Closure(reason="other", starts_at=hkt(2026, 11, 25, 9), reopens_at=hkt(2026, 11, 25, 16)),
        )
    filing = _filing(hkt(2026, 11, 25, 10, 0))
    assert filing.deemed_received_at == hkt(2026, 11, 25, 16, 0)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_record_delete(actor=None, record=closure)
    filing.refresh_from_db()
    assert filing.deemed_received_at == hkt(2026, 11, 25, 10, 0)
    assert AuditEvent.objects.filter(event_type="calendar.closure_deleted").count() == 1


@pytest.mark.django_db
def test_sweep_stamps_pending_rows_whose_reopening_is_known_without_a_dispatch():
    closure = Closure.objects.create(reason="typhoon", starts_at=hkt(2026, 11, 25, 9))
    filing = _filing(hkt(2026, 11, 25, 10))
    assert filing.deemed_received_at is None
    # The reopening is recorded but the dispatch is lost (written directly, no service).
    Closure.objects.filter(pk=closure.pk).update(reopens_at=hkt(2026, 11, 25, 14, 30))
    result = deemed_receipts_sweep()
    assert result.changed == 1
    filing.refresh_from_db()
    assert filing.deemed_received_at == hkt(2026, 11, 25, 14, 30)
    assert deemed_receipts_sweep().changed == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_restamps_stamp_each_row_exactly_once():
    filings = [_filing(hkt(2026, 11, 25, 9, minute)) for minute in range(0, 60, 3)]
    Closure.objects.create(
        reason="black_rainstorm", starts_at=hkt(2026, 11, 25, 8, 50), reopens_at=hkt(2026, 11, 25, 11)
    )
    before = _restamp_audits()
    barrier = threading.Barrier(4)
    errors = []

    def restamp():
        try:
            barrier.wait()
            deemed_receipts_restamp(window_start=hkt(2026, 11, 25, 8, 50), window_end=hkt(2026, 11, 25, 11), cause="t")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=restamp) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert _restamp_audits() - before == len(filings)
    assert set(StampedFiling.objects.values_list("deemed_received_at", flat=True)) == {hkt(2026, 11, 25, 11)}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_recording_a_reopening_restamps_through_a_real_worker(celery_worker_process):
    clerk = UserFactory(is_staff=True)
    closure = calendar_record_save(actor=clerk, record=Closure(reason="typhoon", starts_at=hkt(2026, 9, 23, 6)))
    filings = [_filing(hkt(2026, 9, 23, hour)) for hour in (7, 12, 16, 21)]
    assert all(f.deemed_received_at is None for f in filings)

    closure.reopens_at = hkt(2026, 9, 24, 15, 10)
    calendar_record_save(actor=clerk, record=closure)  # commits; dispatches to the real broker

    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        if not StampedFiling.objects.filter(deemed_received_at__isnull=True).exists():
            break
        assert celery_worker_process.poll() is None, Path(celery_worker_process.log_path).read_text()
        time.sleep(0.2)
    assert set(StampedFiling.objects.values_list("deemed_received_at", flat=True)) == {hkt(2026, 9, 24, 15, 10)}
    assert _restamp_audits() == len(filings)

    # A second delivery of the same outbox work runs nothing: the row is done.
    item = OutboxItem.objects.filter(kind="calendar.restamp").order_by("pk").last()
    assert item is not None
    outbox_run.delay(item.pk)
    time.sleep(3)
    assert _restamp_audits() == len(filings)
    assert set(OutboxItem.objects.filter(kind="calendar.restamp").values_list("state", flat=True)) == {"done"}
