"""Shared fixtures. The suite runs on real PostgreSQL and real Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]

# Browser journeys combine live_server (a thread) with Playwright's sync API,
# which runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: its own Redis database (icms.settings.test)."""
    cache.clear()
    yield


@pytest.fixture
def celery_worker_process():
    """A real ``celery worker`` process on this test run's own queue and test database."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "icms.settings.test",
        # The worker must write to the database this test reads: pytest-django's test database.
        "DATABASE_URL": f"postgres:///{connection.settings_dict['NAME']}"
        if not db.get("HOST")
        else f"postgres://{db['USER']}@{db['HOST']}:{db.get('PORT') or 5432}/{connection.settings_dict['NAME']}",
        "TEST_REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    # A file, not a pipe: a chatty worker must never block on a full pipe.
    log = tempfile.NamedTemporaryFile(prefix="celery-worker-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "icms",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-mingle",
            "--without-gossip",
            "--queues",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--hostname",
            "pytest-worker@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.log_path = log.name  # type: ignore[attr-defined]
    from icms.celery import app

    # Dispatches go to the broker, for this worker, not into the test's own process.
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield process
    app.conf.task_always_eager = eager
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def celery_eager():
    """Run tasks in-process for this test (dispatch is still on commit). The test
    settings already do; this says so where a test depends on it.

    Tests of the real wiring use celery_worker_process instead.
    """
    from icms.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def _seeded_rows(django_db_setup, django_db_blocker):
    """The rows the data migrations load (courts, case types, document types, fee items,
    staff groups and their permissions, registry hours), serialised when the first
    transactional test starts, before anything has truncated them. Not autouse: a run
    of tests that use no database sets none up, and this must never read (or reload
    into) the development database instead.

    At the end they are put back if a transactional test left the tables empty, so a
    database kept for the next run (--reuse-db) still has them.
    """
    from django.db import connection

    from filing.models import CaseType

    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield snapshot
    with django_db_blocker.unblock():
        if not CaseType.objects.exists():
            _reload(connection, snapshot)


@pytest.fixture(autouse=True)
def _restore_seeded_rows(request):
    """Transactional tests (real workers, live servers, concurrency) truncate every table
    when they finish, seeded rows included; put the seeded rows back before the next one.

    Django's serialized rollback cannot be relied on here: a browser journey's Playwright
    event loop gives the test its own database connection, which never received the
    serialised contents.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction")
    if not (transactional or "live_server" in request.fixturenames or "transactional_db" in request.fixturenames):
        return
    snapshot = request.getfixturevalue("_seeded_rows")  # taken now, the first time: before any truncation
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from filing.models import CaseType

    if not CaseType.objects.exists():
        _reload(connection, snapshot)


def _reload(connection, snapshot: str) -> None:
    """Put the seeded rows back into truncated tables.

    The truncation re-created content types and permissions (post_migrate) under new
    keys; drop those first so the saved ones, which the seeded rows refer to, fit.
    """
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    Permission.objects.all().delete()
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    connection.creation.deserialize_db_from_string(snapshot)


# A working Tuesday morning inside the District Court's e-fee concession period
# (6 May 2022 – 5 May 2027, Cap. 638E): fees come out at 80%, rounded down.
IN_THE_CONCESSION_PERIOD = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Hong_Kong"))


@pytest.fixture
def in_the_concession_period():
    """Pin the clock (it keeps ticking) to a working morning in the e-fee concession period,
    for tests whose amounts depend on the date. The database's own clock is not moved:
    a test that compares it with the process's clock must take both from one source."""
    with time_machine.travel(IN_THE_CONCESSION_PERIOD, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _english_by_default():
    """A test that switched to Chinese (a request with Accept-Language, say) must not leak it."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def document_storage(settings, tmp_path):
    """STORAGES["default"] on the filesystem in a fresh directory; yields that directory.

    STORAGES["drafts"] (drafts' uploads) is the directory ``drafts`` beside it, as in development.
    """
    location = tmp_path / "media"
    location.mkdir()
    (tmp_path / "drafts").mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": "/private-media-not-served/"},
        },
        "drafts": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "drafts", "base_url": "/private-media-not-served/"},
        },
    }
    return location


@pytest.fixture
def firm_filer(db):
    """An Organisation User of an approved law firm, with a DCCJ case assigned to them (``.case``)."""
    from accounts.models import Membership
    from filing.models import Case, CaseType, Party
    from tests.factories import CaseFactory, MembershipFactory, PartyFactory, assign_case

    membership = MembershipFactory(role=Membership.Role.MEMBER, branch_code="CEN")
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), status=Case.Status.ACTIVE)
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=membership.organisation)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="GOLDEN HARBOUR LIMITED", name_zh="金港有限公司")
    assign_case(case, membership)
    membership.user.case = case
    return membership.user


@pytest.fixture
def party_in_person(db):
    from tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def outsider(db):
    """An Organisation User of another firm, acting for nothing here."""
    from accounts.models import Membership
    from tests.factories import MembershipFactory, OrganisationFactory

    return MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.MEMBER).user


class HeldOutbox:
    """The outbox rows whose dispatch a test held back (see ``outbox_held``)."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    def targets(self, kind: str) -> list[int]:
        """The target ids of the rows of ``kind`` owed so far, in order (sent or not)."""
        from icms.core.models import OutboxItem

        rows = OutboxItem.objects.filter(kind=kind).order_by("pk")
        return [int(target_id) for target_id in rows.values_list("target_id", flat=True)]


@pytest.fixture
def outbox_held(monkeypatch):
    """Outbox work is owed as usual, but never sent to a worker: for tests of something else.

    The rows stay pending; ``.targets(kind)`` says what was owed after each commit.
    """
    from icms.core.outbox import dispatch

    held = HeldOutbox()

    def record(item_id, spec):
        held.sent.append(item_id)
        return True

    monkeypatch.setattr(dispatch, "_send", record)
    return held
