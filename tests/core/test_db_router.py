"""The read replica's router and middleware decide which database each read goes to.

These tests need no second cluster: the "replica" alias is added for the test, pointing
at the test database (a primary, so 0 s behind) or at a port nothing listens on. The
real streaming replica is in tests/faults/test_read_replica.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.db import connection, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django.utils import timezone

from accounts.models import User
from causebook.models import Hearing
from icms import health
from icms.core import db_router
from icms.core.db_router import (
    PRIMARY,
    REPLICA,
    STICKY_COOKIE,
    ReplicaReadsMiddleware,
    ReplicaRouter,
    read_alias,
    replica_allowed_for,
    replica_reads,
    replica_usable,
)
from icms.core.models import WorkerHeartbeat
from tests.faults.processes import free_port


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: None) -> Iterator[None]:
    """A "replica" alias like the one DATABASE_REPLICA_URL makes, on the test database (0 s behind).

    Added for the module, before any test's database setup: Django's test cases allow
    queries only to the aliases named in ``databases`` when they start. ``connections.settings``
    is ``settings.DATABASES`` itself, so the code under test sees the alias too.
    """
    primary = connections.settings[PRIMARY]
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": PRIMARY}}
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture(autouse=True)
def _fresh_replica_state() -> Iterator[None]:
    db_router.forget_replica_state()
    yield
    db_router.forget_replica_state()


@pytest.fixture
def replica_down() -> Iterator[None]:
    """The replica alias points at a port nothing listens on, for the test."""
    replica = connections.settings[REPLICA]
    kept = {"HOST": replica["HOST"], "PORT": replica["PORT"]}
    connections[REPLICA].close()
    replica.update(HOST="127.0.0.1", PORT=str(free_port()))
    yield
    connections[REPLICA].close()
    replica.update(kept)


with_replica = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


def _request(method: str, path: str, **cookies: str) -> HttpRequest:
    request = RequestFactory().generic(method, path)
    request.COOKIES.update(cookies)
    request.resolver_match = resolve(request.path_info)
    return request


def _serve(request: HttpRequest, view: Callable[[HttpRequest], HttpResponse]) -> HttpResponse:
    """The middleware around ``view`` as Django's handler runs it: __call__, then process_view, then the view."""

    def handler(request: HttpRequest) -> HttpResponse:
        middleware.process_view(request, view, (), {})
        return view(request)

    middleware = ReplicaReadsMiddleware(handler)
    return middleware(request)


def _where_reads_go(request: HttpRequest) -> HttpResponse:
    return HttpResponse(read_alias(Hearing))


# --- The router ------------------------------------------------------------------------


def test_without_a_request_allowing_it_every_read_goes_to_the_primary():
    assert ReplicaRouter().db_for_read(Hearing) == PRIMARY


def test_an_allowed_read_goes_to_the_replica_but_identity_and_writes_to_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Hearing) == REPLICA
        assert read_alias() == REPLICA  # raw SQL
        assert router.db_for_read(User) == PRIMARY
        assert router.db_for_write(Hearing) == PRIMARY
    assert router.db_for_read(Hearing) == PRIMARY


def test_with_no_replica_configured_the_switch_changes_nothing():
    replica = connections.settings.pop(REPLICA)
    try:
        with replica_reads():
            assert read_alias(Hearing) == PRIMARY
        assert health.check_replica() is None
    finally:
        connections.settings[REPLICA] = replica


@with_replica
def test_reads_inside_a_transaction_go_to_the_primary():
    with replica_reads():
        assert read_alias(Hearing) == REPLICA
        with transaction.atomic():
            assert read_alias(Hearing) == PRIMARY


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "causebook") is True
    assert router.allow_migrate(REPLICA, "causebook") is False
    assert router.allow_relation(Hearing(), Hearing()) is True


# --- Which requests may read from the replica ----------------------------------------------


@pytest.mark.parametrize(
    "path", ["/cause-book/?q=chan", "/cause-book/cause-list/?court=DC", "/verify/?drn=X", "/registry-hours/"]
)
def test_a_get_of_a_public_page_may_read_from_the_replica(path):
    assert replica_allowed_for(_request("GET", path)) is True


@pytest.mark.parametrize(
    "path",
    [
        "/cause-book/purchases/abc/",  # a paid result set: its grant was just written
        "/cause-book/cases/1/",  # staff, parties and token holders
        "/cause-book/inspections/abc/",
        "/api/v1/causebook/search?q=chan&token=abc",  # a token names a fresh grant
        "/payments/fees/",
        "/account/",
        "/admin/",
    ],
)
def test_other_pages_read_from_the_primary(path):
    assert replica_allowed_for(_request("GET", path)) is False


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_request_that_may_write_reads_from_the_primary(method):
    assert replica_allowed_for(_request(method, "/cause-book/?q=chan")) is False


def test_a_client_that_wrote_recently_reads_from_the_primary_until_the_stickiness_ends(settings):
    now = timezone.now().timestamp()
    just_now = str(int(now) - 2)
    long_ago = str(int(now) - settings.REPLICA_STICKY_SECONDS - 1)
    assert replica_allowed_for(_request("GET", "/cause-book/?q=chan", **{STICKY_COOKIE: just_now})) is False
    assert replica_allowed_for(_request("GET", "/cause-book/?q=chan", **{STICKY_COOKIE: long_ago})) is True
    assert replica_allowed_for(_request("GET", "/cause-book/?q=chan", **{STICKY_COOKIE: "junk"})) is True


# --- The middleware ------------------------------------------------------------------------


@with_replica
def test_the_middleware_sends_a_public_page_to_a_replica_that_answers_and_resets_after():
    response = _serve(_request("GET", "/cause-book/?q=chan"), _where_reads_go)
    assert response.content.decode() == REPLICA
    assert STICKY_COOKIE not in response.cookies  # it wrote nothing
    assert read_alias(Hearing) == PRIMARY  # the request is over


@with_replica
def test_a_replica_that_refuses_connections_leaves_the_page_on_the_primary(replica_down, settings):
    started = time.monotonic()
    response = _serve(_request("GET", "/cause-book/?q=chan"), _where_reads_go)
    assert response.content.decode() == PRIMARY
    assert time.monotonic() - started < 2
    # Back up (here: the alias points at a database that answers), it is not tried again
    # until REPLICA_RETRY_SECONDS have passed.
    connections.settings[REPLICA].update(HOST=connection.settings_dict["HOST"], PORT=connection.settings_dict["PORT"])
    assert replica_usable() is False
    settings.REPLICA_RETRY_SECONDS = 0
    assert replica_usable() is True


@with_replica
def test_a_replica_too_far_behind_is_not_read(settings):
    settings.REPLICA_MAX_LAG_SECONDS = -1  # the test database is 0 s behind: "too far" here
    assert replica_usable() is False
    assert _serve(_request("GET", "/cause-book/?q=chan"), _where_reads_go).content.decode() == PRIMARY


def test_a_post_marks_the_client_as_a_writer_for_the_sticky_period(settings):
    response = _serve(_request("POST", "/cause-book/purchases/"), _where_reads_go)
    cookie = response.cookies[STICKY_COOKIE]
    assert response.content.decode() == PRIMARY
    assert abs(float(cookie.value) - timezone.now().timestamp()) < 5
    assert cookie["max-age"] == settings.REPLICA_STICKY_SECONDS
    assert cookie["httponly"] is True


@pytest.mark.django_db
def test_a_get_that_writes_to_the_primary_marks_the_client_too():
    def writes(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMPORARY TABLE replica_probe (n int)")
            cursor.execute("INSERT INTO replica_probe VALUES (1)")
        return HttpResponse("ok")

    def reads(request: HttpRequest) -> HttpResponse:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return HttpResponse("ok")

    assert STICKY_COOKIE in _serve(_request("GET", "/account/"), writes).cookies
    assert STICKY_COOKIE not in _serve(_request("GET", "/account/"), reads).cookies


# --- /healthz ------------------------------------------------------------------------------


@with_replica
def test_healthz_reports_the_replica_and_its_lag_when_one_is_configured():
    status, lag = health.check_replica()
    assert (status.ok, status.detail, lag) == (True, "0.0 s behind", 0.0)


@with_replica
def test_healthz_reports_a_replica_that_is_down_without_stopping_the_portal(replica_down):
    status, lag = health.check_replica()
    assert status.ok is False
    assert "OperationalError" in status.detail
    assert lag is None
    WorkerHeartbeat.objects.create(hostname="worker@test", beat_at=timezone.now())
    serving, body = health.overall()
    assert body["components"]["replica"]["ok"] is False
    assert (serving, body["status"]) == (True, "degraded")  # the pages read from the primary
    assert body["replica_lag_seconds"] is None
