"""Fixity: every stored object checked against its record's SHA-256, findings reported once."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filing.models import AcknowledgementVersion, Document
from filing.sealing import drn_format
from filing.services import fixity as sources
from icms.core.audit_events import AuditEventType
from icms.core.fixity import Verdict, batch_size, fixity_check_all, fixity_figures, fixity_run, object_check
from icms.core.models import AuditEvent, FixityCursor, OutboxItem, WorkerHeartbeat
from icms.core.outbox import outbox_item_retry
from tests.factories import StaffFactory, totp_for
from tests.filing.conftest import stored_files

pytestmark = pytest.mark.django_db

ATTENTION = reverse("admin:core_workneedingattention_changelist")


@pytest.fixture
def supervisor(db):
    return StaffFactory(group="Registry supervisor", email="supervisor@judiciary.example.hk")


def _path(document_storage, key: str):
    return document_storage / key


def _stored_objects() -> int:
    return (
        Document.objects.count()
        + Document.objects.exclude(sealed_storage_key="").count()
        + AcknowledgementVersion.objects.exclude(storage_key="").count()
    )


def _damage(document_storage, writ: Document, damages: Document) -> bytes:
    """Remove the writ's original and alter the statement of damages' sealed copy; return the removed bytes."""
    original = _path(document_storage, writ.storage_key)
    removed = original.read_bytes()
    original.unlink()
    sealed = _path(document_storage, damages.sealed_storage_key)
    sealed.write_bytes(sealed.read_bytes().replace(b"%%EOF", b"%%EOF\n% altered", 1))
    return removed


def test_a_missing_and_an_altered_object_are_reported_once_with_case_document_and_drn(
    filed, document_storage, supervisor, client, django_capture_on_commit_callbacks
):
    writ, damages, defence = filed
    altered_bytes_path = _path(document_storage, damages.sealed_storage_key)
    _damage(document_storage, writ, damages)
    altered_bytes = altered_bytes_path.read_bytes()
    objects = _stored_objects()

    with django_capture_on_commit_callbacks(execute=True):
        result = fixity_check_all()

    assert result.checked == objects and result.ok == objects - 2 and result.unreadable == 0
    found = {(f.source, f.target_id, f.verdict) for f in result.findings}
    assert found == {
        (sources.ORIGINAL, writ.pk, Verdict.MISSING),
        (sources.SEALED_COPY, damages.pk, Verdict.ALTERED),
    }
    case_number = writ.submission.case.case_number
    items = {item.kind: item for item in OutboxItem.objects.filter(kind__startswith="filing.fixity_")}
    assert set(items) == {sources.ORIGINAL, sources.SEALED_COPY}
    assert all(item.state == OutboxItem.State.FAILED for item in items.values())
    missing, altered = items[sources.ORIGINAL], items[sources.SEALED_COPY]
    drn = drn_format(writ.drn)
    assert missing.target_label == (
        f"{case_number} · {writ.submission.reference} · Writ of summons · DRN {drn} · original as filed"
    )
    assert missing.last_error.startswith(f"Missing: the stored object {writ.storage_key} is not in the document")
    assert altered.target_label.startswith(f"{case_number} · {damages.submission.reference} · Statement of damages")
    assert f"DRN {drn_format(damages.drn)} · sealed copy v1" in altered.target_label
    assert f"hashes to {hashlib.sha256(altered_bytes).hexdigest()}" in altered.last_error
    assert f"the record holds SHA-256 {damages.sealed_sha256}" in altered.last_error

    # Audited, and the registry supervisors are emailed about each, once.
    audits = AuditEvent.objects.filter(event_type=AuditEventType.FIXITY_OBJECT_FAILED)
    assert sorted(audits.values_list("target_label", flat=True)) == sorted(
        [missing.target_label, altered.target_label]
    )
    alerts = [m for m in mail.outbox if supervisor.email in m.to]
    assert len(alerts) == 2
    assert any(missing.target_label in m.body for m in alerts) and any(altered.target_label in m.body for m in alerts)

    # Listed under "Work needing attention", with the case, the document and the DRN.
    totp_for(supervisor)
    client.force_login(supervisor)
    page = client.get(ATTENTION).content.decode()
    assert page.count(case_number) >= 2 and drn_format(writ.drn) in page and "Statement of damages" in page

    # /healthz: degraded (still 200) while the findings are unresolved.
    WorkerHeartbeat.objects.create(hostname="worker@test", beat_at=timezone.now())
    health = Client().get(reverse("healthz"))
    assert health.status_code == 200 and health.json()["status"] == "degraded"
    assert health.json()["components"]["fixity"] == {"ok": False, "detail": "2 stored documents missing or altered"}

    # Never repaired: the record's hashes and the stored bytes are as the check found them.
    damages.refresh_from_db()
    writ.refresh_from_db()
    assert not _path(document_storage, writ.storage_key).exists()
    assert altered_bytes_path.read_bytes() == altered_bytes
    assert damages.sealed_sha256 != hashlib.sha256(altered_bytes).hexdigest()

    # A second pass finds the same two and reports nothing new: no new rows, audits or emails.
    with django_capture_on_commit_callbacks(execute=True):
        again = fixity_check_all()
    assert {(f.source, f.target_id) for f in again.findings} == {
        (sources.ORIGINAL, writ.pk),
        (sources.SEALED_COPY, damages.pk),
    }
    assert again.new_findings == []
    assert OutboxItem.objects.filter(kind__startswith="filing.fixity_").count() == 2
    assert audits.count() == 2 and len([m for m in mail.outbox if supervisor.email in m.to]) == 2
    assert fixity_figures().unresolved == 2
    assert defence.pk not in {f.target_id for f in again.findings}


def test_trying_a_finding_again_after_the_object_is_restored_resolves_it(
    filed, document_storage, supervisor, django_capture_on_commit_callbacks
):
    writ, damages, _ = filed
    removed = _damage(document_storage, writ, damages)
    fixity_check_all()
    missing = OutboxItem.objects.get(kind=sources.ORIGINAL)
    altered = OutboxItem.objects.get(kind=sources.SEALED_COPY)

    # The operator restores the original (from its S3 version, docs/operations.md) and tries again.
    _path(document_storage, writ.storage_key).write_bytes(removed)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_item_retry(item=missing, actor=supervisor)
        assert outbox_item_retry(item=altered, actor=supervisor)

    missing.refresh_from_db()
    altered.refresh_from_db()
    assert missing.state == OutboxItem.State.DONE
    assert altered.state == OutboxItem.State.FAILED  # still altered: failed again, nothing rewritten
    assert fixity_figures().unresolved == 1


def test_an_object_check_tells_missing_from_altered_from_whole(document_storage):
    (document_storage / "documents").mkdir()
    (document_storage / "documents" / "a.pdf").write_bytes(b"%PDF-1.7 whole")
    digest = hashlib.sha256(b"%PDF-1.7 whole").hexdigest()
    assert object_check("documents/a.pdf", digest).verdict is Verdict.OK
    assert object_check("documents/a.pdf", "0" * 64).verdict is Verdict.ALTERED
    assert object_check("documents/gone.pdf", digest).verdict is Verdict.MISSING


class TestPace:
    def test_a_batch_spreads_the_store_over_the_runs_of_the_cycle(self):
        start = timezone.now()
        # 1,000,000 objects, a 30-day cycle, a run every 5 minutes: 8,640 runs of 116.
        assert batch_size(remaining=1_000_000, cycle_started_at=start, now=start, cycle_days=30, interval=300) == 116
        assert batch_size(remaining=50, cycle_started_at=start, now=start, cycle_days=30, interval=300) == 1
        assert batch_size(remaining=0, cycle_started_at=start, now=start, cycle_days=30, interval=300) == 0
        # Half-way through, half left: the same pace.
        half = start + timedelta(days=15)
        assert batch_size(remaining=500_000, cycle_started_at=start, now=half, cycle_days=30, interval=300) == 116
        # Runs were missed (beat down for 10 days): the rest is spread over fewer runs.
        late = start + timedelta(days=25)
        assert batch_size(remaining=500_000, cycle_started_at=start, now=late, cycle_days=30, interval=300) == 348
        # Past the end: everything left, bounded by the run's time and byte budget.
        over = start + timedelta(days=31)
        assert batch_size(remaining=7_000, cycle_started_at=start, now=over, cycle_days=30, interval=300) == 7_000

    def test_paced_runs_move_the_cursors_and_complete_the_cycle_in_time(self, filed, document_storage):
        writ, damages, _ = filed
        _damage(document_storage, writ, damages)
        start = timezone.now()
        first = fixity_run(now=start)
        # One object of each source that has any (a handful of objects over 8,640 runs).
        assert first.checked == 3 and first.cycles_completed == [
            sources.COURT_DOCUMENT,
            sources.COURT_DOCUMENT_ISSUED,
            sources.SUPERSEDED_SEALED_COPY,
        ]
        assert FixityCursor.objects.get(source=sources.ORIGINAL).position == writ.pk
        assert [f.target_id for f in first.findings] == [writ.pk]  # the first original is the missing one

        # The last run of the cycle takes the rest, and each source starts again.
        last = fixity_run(now=start + timedelta(days=30))
        assert first.checked + last.checked == _stored_objects()
        assert sorted(last.cycles_completed) == sorted([s.name for s in _sources_registered()])
        assert [(f.source, f.target_id) for f in last.findings] == [(sources.SEALED_COPY, damages.pk)]
        assert FixityCursor.objects.filter(position=0).count() == 6
        assert fixity_figures().last_cycle_completed_at is not None

    def test_a_run_stops_at_its_byte_budget_and_resumes_there(self, filed, settings):
        settings.FIXITY_RUN_MEGABYTES = 0
        later = timezone.now() + timedelta(days=31)  # everything is due
        result = fixity_run(now=later)
        assert result.checked == 0 and result.stopped == "bytes"
        settings.FIXITY_RUN_MEGABYTES = 256
        # The cursors were made by the first run: at the end of their cycle, the rest is due.
        assert fixity_run(now=later + timedelta(days=30)).checked == _stored_objects()

    def test_the_read_rate_is_held_down(self, document_storage, settings):
        from icms.core.fixity import _Pacer

        pacer = _Pacer(1024 * 1024)  # 1 MB/s
        pacer.read(256 * 1024)
        assert pacer.elapsed >= 0.25


def _sources_registered():
    from icms.core.fixity import registered_sources

    return registered_sources()


class TestCommand:
    def _run(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("check_fixity", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_all_checks_everything_and_prints_the_findings(self, filed, document_storage):
        writ, damages, _ = filed
        _damage(document_storage, writ, damages)
        out, err = self._run("--all")
        objects = _stored_objects()
        assert re.search(
            rf"Checked {objects} objects \(.* MB\) in .* s \(.* MB/s\): {objects - 2} ok, 1 missing, 1 altered", out
        )
        assert "2 newly reported" in out and "Unresolved findings: 2" in out
        assert "missing: " in err and "Writ of summons" in err and "altered: " in err and "(reported)" in err
        out, err = self._run("--all")
        assert "0 newly reported" in out and "(already reported)" in err

    def test_limit_checks_the_next_objects_from_the_cursors(self, filed):
        writ, _, _ = filed
        out, _ = self._run("--limit", "2")
        # The sources in order of name: the two acknowledgements come first, and are all there is.
        assert out.startswith("Checked 2 objects") and f"cycle completed: {sources.ACKNOWLEDGEMENT}" in out
        assert FixityCursor.objects.get(source=sources.ORIGINAL).position == 0
        out, _ = self._run("--limit", "3")
        assert out.startswith("Checked 3 objects")
        assert FixityCursor.objects.get(source=sources.ORIGINAL).position == writ.pk

    def test_a_paced_pass_by_default_and_bad_options_refused(self, filed):
        out, _ = self._run()
        assert out.startswith("Checked ") and "Unresolved findings: 0" in out
        with pytest.raises(CommandError):
            self._run("--all", "--limit", "3")
        with pytest.raises(CommandError):
            self._run("--limit", "0")


def test_the_stored_files_are_what_the_record_counts(filed, document_storage):
    """The store holds the objects the sources cover, and nothing the check would miss."""
    keys = set(stored_files(document_storage))
    covered = set(Document.objects.values_list("storage_key", flat=True))
    covered |= set(Document.objects.exclude(sealed_storage_key="").values_list("sealed_storage_key", flat=True))
    covered |= set(AcknowledgementVersion.objects.exclude(storage_key="").values_list("storage_key", flat=True))
    assert keys == covered
