"""Fixity: the stored bytes of every filed object, read again and checked against their SHA-256.

A record is only as good as the bytes behind it: a sealed copy that no longer hashes to
the SHA-256 its record holds proves nothing. So, like a digital archive's periodic
fixity audit (LOCKSS, Archivematica), every stored object is read and hashed again once
per cycle (``FIXITY_CYCLE_DAYS``), and a missing or altered object is reported to people.

* Apps register **sources** (:func:`register_fixity_source`): rows that hold a storage key
  and a SHA-256 (filing's originals, sealed copies, acknowledgements, court documents).
  The core never imports an app; the app says which fields hold what.
* **Pace**: beat runs :func:`fixity_run` every ``FIXITY_INTERVAL`` seconds. Each source
  keeps a cursor (:class:`~icms.core.models.FixityCursor`); a run checks the next batch,
  sized so the rest of the source is covered by the end of the cycle
  (:func:`batch_size`), reads at most ``FIXITY_MEGABYTES_PER_SECOND`` and stops after
  ``FIXITY_RUN_SECONDS`` or ``FIXITY_RUN_MEGABYTES``. A late or missed run makes the
  next batches larger, never the reads faster.
* **Findings** (missing, altered) go through the outbox's failure path: each source is
  an outbox kind, and a finding is a failed item of that kind on the row
  (:func:`icms.core.outbox.report_missing`), so it is audited, listed under "Work
  needing attention" with the case, document and DRN, and emailed to the source's staff
  group, once: a later run finds the failed item and reports nothing new. ``/healthz``
  shows ``fixity`` degraded while any is unresolved. "Try again" on the item checks the
  object again: done if it has been restored, failed again if not.
* Nothing here writes to storage or to a record's key or hash: a finding is never
  "repaired". Restoring an object (from its S3 version) is a person's job
  (docs/operations.md, "Fixity").
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import IO, Any, Final, cast

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

from .audit_events import AuditEventType
from .models import FixityCursor, OutboxItem
from .outbox import register_kind, report_missing
from .storage import _s3_stream, default_storage, is_s3_storage

logger = logging.getLogger(__name__)

_CHUNK: Final = 1024 * 1024
_MEGABYTE: Final = 1024 * 1024
#: Rows read from the database at a time in a full pass (``--all``).
_PAGE: Final = 500


class FixityError(Exception):
    """The object is missing or does not hash to its record's SHA-256 (permanent: not retried)."""


@dataclass(frozen=True)
class FixitySource:
    """Rows whose stored object is checked: a key field, a SHA-256 field and a label for staff."""

    name: str
    rows: Callable[[], models.QuerySet[Any]]
    key_field: str
    sha256_field: str
    describe: Callable[[Any], str]

    def key(self, row: Any) -> str:
        return str(getattr(row, self.key_field))

    def sha256(self, row: Any) -> str:
        return str(getattr(row, self.sha256_field))

    def checkable(self) -> models.QuerySet[Any]:
        """The rows that hold both a key and a hash (a PDF not yet rendered has neither)."""
        return self.rows().exclude(**{self.key_field: ""}).exclude(**{self.sha256_field: ""})


_sources: dict[str, FixitySource] = {}


def register_fixity_source(
    name: str,
    *,
    rows: Callable[[], models.QuerySet[Any]],
    key_field: str,
    sha256_field: str,
    describe: Callable[[Any], str],
    alert_group: str,
) -> FixitySource:
    """Check the objects of ``rows()`` (``<app>.fixity_<what>``); also the outbox kind of its findings.

    ``describe(row)`` names the object for staff: the case, the document, the DRN. Staff
    of ``alert_group`` are emailed about each finding.
    """
    source = FixitySource(name, rows, key_field, sha256_field, describe)
    _sources[name] = source
    register_kind(
        name,
        run=lambda item: _check_again(source, item),
        failed=_nobody_else_to_tell,
        failed_event=AuditEventType.FIXITY_OBJECT_FAILED,
        alert_group=alert_group,
        max_attempts=3,
    )
    return source


def registered_sources() -> list[FixitySource]:
    return sorted(_sources.values(), key=lambda source: source.name)


def _nobody_else_to_tell(item: OutboxItem) -> None:
    """The alert to the staff group is the report; no filer is told of a storage fault."""


# --- Checking one object ---------------------------------------------------------------


class Verdict(StrEnum):
    OK = "ok"
    MISSING = "missing"
    ALTERED = "altered"
    #: The object is there but could not be read (or the store did not answer): not a
    #: finding, since it may pass next time; logged, and checked again next cycle.
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class ObjectCheck:
    verdict: Verdict
    size: int = 0
    sha256: str = ""
    error: str = ""
    #: The store itself did not answer: the run stops instead of reading on.
    store_down: bool = False


class _Pacer:
    """Holds reads to ``rate`` bytes a second by sleeping when ahead, so fixity never
    takes the disk, the network or a CPU away from filing."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.started = time.monotonic()
        self.bytes = 0

    def read(self, count: int) -> None:
        self.bytes += count
        if not self.rate:
            return
        ahead = self.bytes / self.rate - (time.monotonic() - self.started)
        if ahead > 0:
            time.sleep(ahead)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def _chunks(storage: Storage, key: str) -> Iterator[bytes]:
    if is_s3_storage(storage):
        # S3's own stream: storage.open() would spool the whole object before the first byte.
        body, _ = _s3_stream(storage, key)
        try:
            while chunk := body.read(_CHUNK):
                yield chunk
        finally:
            body.close()
        return
    with storage.open(key, "rb") as handle:
        stream = cast(IO[bytes], handle)
        while chunk := stream.read(_CHUNK):
            yield chunk


def object_check(
    key: str, expected_sha256: str, *, storage: Storage | None = None, pacer: _Pacer | None = None
) -> ObjectCheck:
    """Read the object ``key`` and compare its SHA-256 with ``expected_sha256``. Reads only."""
    storage = storage or default_storage()
    hasher = hashlib.sha256()
    size = 0
    try:
        for chunk in _chunks(storage, key):
            hasher.update(chunk)
            size += len(chunk)
            if pacer is not None:
                pacer.read(len(chunk))
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"[:500]
        try:
            present = storage.exists(key)
        except Exception as second:
            return ObjectCheck(
                Verdict.UNREADABLE, error=f"{reason}; {type(second).__name__}: {second}", store_down=True
            )
        if not present:
            return ObjectCheck(Verdict.MISSING, error=reason)
        return ObjectCheck(Verdict.UNREADABLE, error=reason)
    digest = hasher.hexdigest()
    if digest != expected_sha256.lower():
        return ObjectCheck(Verdict.ALTERED, size=size, sha256=digest)
    return ObjectCheck(Verdict.OK, size=size, sha256=digest)


def finding_text(key: str, expected_sha256: str, check: ObjectCheck) -> str:
    """What staff read under "Work needing attention" (the item's error) and in the email."""
    if check.verdict is Verdict.MISSING:
        return (
            f"Missing: the stored object {key} is not in the document store. "
            f"The record holds SHA-256 {expected_sha256}. ({check.error})"
        )
    return (
        f"Altered: the stored object {key} ({check.size} bytes) hashes to {check.sha256}, "
        f"but the record holds SHA-256 {expected_sha256}. Nothing was changed."
    )


def _check_again(source: FixitySource, item: OutboxItem) -> None:
    """Staff's "try again" on a finding: check the object now; done if it is whole, failed again if not."""
    row = source.rows().get(pk=int(item.target_id))
    check = object_check(source.key(row), source.sha256(row))
    if check.verdict is Verdict.UNREADABLE:
        raise ConnectionError(check.error)  # transient: the outbox tries again later
    if check.verdict is not Verdict.OK:
        raise FixityError(finding_text(source.key(row), source.sha256(row), check))


# --- Pacing ------------------------------------------------------------------------------


def batch_size(*, remaining: int, cycle_started_at: datetime, now: datetime, cycle_days: int, interval: int) -> int:
    """How many of the ``remaining`` objects of a source this run checks.

    The remaining objects are spread evenly over the runs left before the cycle's end
    (``cycle_days`` after it started, one run every ``interval`` seconds); a cycle that
    is late has one run left, so its batch is the rest (and the run's budget bounds it).
    """
    if remaining <= 0:
        return 0
    deadline = cycle_started_at + timedelta(days=cycle_days)
    runs_left = max(1, math.ceil((deadline - now).total_seconds() / max(interval, 1)))
    return math.ceil(remaining / runs_left)


@dataclass
class FixityFinding:
    source: str
    target_id: int
    label: str
    verdict: Verdict
    text: str
    #: False when the same object was already reported and is still unresolved.
    new: bool


@dataclass
class FixityResult:
    """What a run did, for the command's summary and the beat task's log."""

    checked: int = 0
    bytes: int = 0
    seconds: float = 0.0
    ok: int = 0
    unreadable: int = 0
    findings: list[FixityFinding] = field(default_factory=list)
    cycles_completed: list[str] = field(default_factory=list)
    skipped_sources: list[str] = field(default_factory=list)
    #: Why the run stopped early: "time", "bytes", "store down", or "" (it finished its batches).
    stopped: str = ""

    @property
    def new_findings(self) -> list[FixityFinding]:
        return [finding for finding in self.findings if finding.new]

    def summary(self) -> str:
        rate = self.bytes / _MEGABYTE / self.seconds if self.seconds else 0.0
        missing = sum(1 for finding in self.findings if finding.verdict is Verdict.MISSING)
        altered = sum(1 for finding in self.findings if finding.verdict is Verdict.ALTERED)
        text = (
            f"Checked {self.checked} objects ({self.bytes / _MEGABYTE:.1f} MB) in {self.seconds:.1f} s "
            f"({rate:.1f} MB/s): {self.ok} ok, {missing} missing, {altered} altered, {self.unreadable} unreadable; "
            f"{len(self.new_findings)} newly reported."
        )
        if self.stopped:
            text += f" Stopped early ({self.stopped})."
        return text


@dataclass
class _Budget:
    seconds: float | None
    bytes: int | None
    objects: int | None
    pacer: _Pacer

    def spent(self, result: FixityResult) -> str:
        if self.objects is not None and result.checked >= self.objects:
            return "limit"
        if self.seconds is not None and self.pacer.elapsed >= self.seconds:
            return "time"
        if self.bytes is not None and result.bytes >= self.bytes:
            return "bytes"
        return ""


def fixity_run(*, now: datetime | None = None, limit: int | None = None, paced: bool = True) -> FixityResult:
    """One run: the next batch of every source, from its cursor.

    ``paced`` (beat) sizes each batch by :func:`batch_size` and applies the run's
    budgets and read rate. ``limit`` (the command's ``--limit``) checks up to that many
    objects in all instead, unpaced and without budgets.
    """
    now = now or timezone.now()
    budget = _Budget(
        seconds=settings.FIXITY_RUN_SECONDS if paced and limit is None else None,
        bytes=settings.FIXITY_RUN_MEGABYTES * _MEGABYTE if paced and limit is None else None,
        objects=limit,
        pacer=_Pacer(settings.FIXITY_MEGABYTES_PER_SECOND * _MEGABYTE if paced and limit is None else None),
    )
    result = FixityResult()
    storage = default_storage()
    # Every source's first cycle starts with the first run, whichever source it reaches.
    for source in registered_sources():
        FixityCursor.objects.get_or_create(source=source.name, defaults={"cycle_started_at": now})
    for source in registered_sources():
        if result.stopped:
            break
        cursor = _claim(source, now)
        if cursor is None:
            result.skipped_sources.append(source.name)
            continue
        try:
            _run_source(source, cursor, now=now, budget=budget, result=result, storage=storage, paced=limit is None)
        finally:
            FixityCursor.objects.filter(pk=cursor.pk).update(leased_until=None, last_run_at=timezone.now())
    result.seconds = budget.pacer.elapsed
    return result


def fixity_check_all(*, storage: Storage | None = None) -> FixityResult:
    """Check every object of every source now, unpaced, leaving the cursors where they are."""
    storage = storage or default_storage()
    pacer = _Pacer(None)
    result = FixityResult()
    for source in registered_sources():
        for row in _by_pk(source.checkable()):
            if not _check_row(source, row, storage=storage, pacer=pacer, result=result):
                result.stopped = "store down"
                result.seconds = pacer.elapsed
                return result
    result.seconds = pacer.elapsed
    return result


def _by_pk(rows: models.QuerySet[Any]) -> Iterator[Any]:
    position = 0
    while page := list(rows.filter(pk__gt=position).order_by("pk")[:_PAGE]):
        yield from page
        position = page[-1].pk


def _claim(source: FixitySource, now: datetime) -> FixityCursor | None:
    """The source's cursor, leased to this run; ``None`` while another run holds it."""
    lease = now + timedelta(seconds=settings.FIXITY_RUN_SECONDS + settings.FIXITY_INTERVAL)
    free = models.Q(leased_until__isnull=True) | models.Q(leased_until__lt=now)
    if not FixityCursor.objects.filter(free, source=source.name).update(leased_until=lease):
        return None
    return FixityCursor.objects.get(source=source.name)


def _run_source(
    source: FixitySource,
    cursor: FixityCursor,
    *,
    now: datetime,
    budget: _Budget,
    result: FixityResult,
    storage: Storage,
    paced: bool,
) -> None:
    pending = source.checkable().filter(pk__gt=cursor.position)
    if paced:
        size = batch_size(
            remaining=pending.count(),
            cycle_started_at=cursor.cycle_started_at,
            now=now,
            cycle_days=settings.FIXITY_CYCLE_DAYS,
            interval=settings.FIXITY_INTERVAL,
        )
    else:
        size = max((budget.objects or 0) - result.checked, 0)
    rows = list(pending.order_by("pk")[:size]) if size else []
    position, checked = cursor.position, 0
    for row in rows:
        result.stopped = budget.spent(result)
        if result.stopped:
            break
        if not _check_row(source, row, storage=storage, pacer=budget.pacer, result=result):
            result.stopped = "store down"
            break
        position, checked = row.pk, checked + 1
    if result.stopped == "limit":
        result.stopped = ""  # the command's own limit, not a shortfall
    # The end of the source: nothing was left after the cursor, or this run read the last row.
    finished = not result.stopped and checked == len(rows) and not pending.filter(pk__gt=position).exists()
    if finished:
        FixityCursor.objects.filter(pk=cursor.pk).update(
            position=0, cycle_checked=0, cycle_started_at=timezone.now(), last_cycle_completed_at=timezone.now()
        )
        result.cycles_completed.append(source.name)
    else:
        FixityCursor.objects.filter(pk=cursor.pk).update(
            position=position, cycle_checked=models.F("cycle_checked") + checked
        )


def _check_row(source: FixitySource, row: Any, *, storage: Storage, pacer: _Pacer, result: FixityResult) -> bool:
    """Check one row's object and report a finding. False when the store is down."""
    key, expected = source.key(row), source.sha256(row)
    check = object_check(key, expected, storage=storage, pacer=pacer)
    if check.store_down:
        logger.warning("Fixity: the document store did not answer at %s: %s", key, check.error)
        return False
    result.checked += 1
    result.bytes += check.size
    if check.verdict is Verdict.OK:
        result.ok += 1
    elif check.verdict is Verdict.UNREADABLE:
        result.unreadable += 1
        logger.warning("Fixity: could not read %s (%s); it is checked again next cycle.", key, check.error)
    else:
        label = source.describe(row)
        text = finding_text(key, expected, check)
        item = report_missing(source.name, target=row, error=text, label=label)
        logger.error("Fixity: %s: %s", label, text)
        result.findings.append(FixityFinding(source.name, int(row.pk), label, check.verdict, text, item is not None))
    return True


# --- Figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FixityFigures:
    unresolved: int
    last_cycle_completed_at: datetime | None


def fixity_figures() -> FixityFigures:
    """What ``/healthz`` reports: findings not yet resolved, and when the oldest source last finished a cycle."""
    names = [source.name for source in registered_sources()]
    unresolved = OutboxItem.objects.filter(kind__in=names, state=OutboxItem.State.FAILED).count()
    completed = list(FixityCursor.objects.filter(source__in=names).values_list("last_cycle_completed_at", flat=True))
    # Until every source has finished a cycle, no date stands for the whole store.
    dates = [moment for moment in completed if moment is not None]
    oldest = min(dates) if dates and len(dates) == len(names) else None
    return FixityFigures(unresolved=unresolved, last_cycle_completed_at=oldest)
