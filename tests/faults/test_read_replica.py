"""A read replica: public cause book pages are read from a real streaming replica, writers
read their writes from the primary, and a replica that is down or behind is not read.

The test makes its own primary (``private_postgres``, a copy of the test database with a
few cases in the cause book) and a hot standby of it (``private_replica``, made with
``pg_basebackup -R``), and runs a real web process of the portal on both
(``DATABASE_URL`` and ``DATABASE_REPLICA_URL``). Both servers log every statement, so
which one answered a request shows in their logs: each search names a party no other
row has, and the search SQL carries the name (psycopg binds on the client).
"""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass

import pytest

from icms.core.db_router import STICKY_COOKIE
from tests.causebook.conftest import make_case
from tests.faults.browser import Browser
from tests.faults.conftest import PrivatePostgres, WebProcess

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

DB = "icms_replica"
NAMES = ("QUILLFEATHER", "MARROWBY", "PENHALIGON", "TREVELYAN")
STICKY_SECONDS = 3
# Small values, so that the test need not wait long; the lag limit stays below the stickiness.
PORTAL_ENV = {
    "REPLICA_STICKY_SECONDS": str(STICKY_SECONDS),
    "REPLICA_MAX_LAG_SECONDS": "1",
    "REPLICA_LAG_CHECK_SECONDS": "0",
    "REPLICA_RETRY_SECONDS": "1",
    "DATABASE_CONNECT_TIMEOUT": "2",
}


class LogMark:
    """What a server logs from now on."""

    def __init__(self, cluster: PrivatePostgres) -> None:
        self.log = cluster.log
        self.offset = self.log.stat().st_size

    def since(self) -> str:
        with self.log.open("rb") as handle:
            handle.seek(self.offset)
            return handle.read().decode(errors="replace").lower()


@dataclass
class Portal:
    """A web process of the portal on the private primary and its replica."""

    web: WebProcess
    primary: PrivatePostgres
    replica: PrivatePostgres

    def replicated(self) -> None:
        """Waits until the replica has replayed all that the primary has written so far."""
        wait_for_replay(self.primary, self.replica)

    def search(self, browser: Browser, name: str) -> str:
        """Searches for ``name`` as ``browser``; returns which server ran it: "primary" or "replica"."""
        marks = {"primary": LogMark(self.primary), "replica": LogMark(self.replica)}
        answer = browser.request(f"{self.web.url}/cause-book/?{urllib.parse.urlencode({'q': name})}")
        assert answer.status == 200, answer.text[:2000]
        assert "1 case matches" in answer.text, answer.text[:3000]  # the count is free to everyone
        found = {server: name.lower() in mark.since() for server, mark in marks.items()}
        assert sum(found.values()) == 1, f"{name}: seen in {found}"
        return next(server for server, seen in found.items() if seen)

    def replica_health(self) -> dict[str, object]:
        body = json.loads(Browser("").request(f"{self.web.url}/healthz").text)
        return {**body["components"]["replica"], "lag": body.get("replica_lag_seconds")}


def wait_for_replay(primary: PrivatePostgres, replica: PrivatePostgres) -> None:
    (target,), *_ = primary.query("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (done,), *_ = replica.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.1)
    raise AssertionError(f"the replica did not reach {target} in 30 s\n{replica.log.read_text()[-3000:]}")


@pytest.fixture
def portal(private_postgres, private_replica, web_process) -> Portal:
    """The portal on the module's primary and replica, which hold one case for each of NAMES."""
    if not private_postgres.query(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'"):  # noqa: S608 - a constant
        for number, name in enumerate(NAMES, start=1):
            make_case("DCCJ", 9000 + number, 2026, (f"{name} Tai Man", "陳大文"), ("HING FAT LIMITED", "興發有限公司"))
        private_postgres.copy_test_database(DB)  # a hot standby follows CREATE DATABASE too
        private_postgres.log_statements()
        private_replica.log_statements()
    wait_for_replay(private_postgres, private_replica)
    web = web_process(
        DATABASE_URL=private_postgres.url(DB), DATABASE_REPLICA_URL=private_replica.url(DB), **PORTAL_ENV
    )
    return Portal(web, private_postgres, private_replica)


def test_public_searches_and_the_cause_list_are_read_from_the_replica(portal):
    anyone = Browser("")
    assert [portal.search(anyone, name) for name in NAMES] == ["replica"] * len(NAMES)
    marks = {"primary": LogMark(portal.primary), "replica": LogMark(portal.replica)}
    assert anyone.request(f"{portal.web.url}/cause-book/cause-list/?court=DC").status == 200
    assert "causebook_hearing" in marks["replica"].since()
    assert "causebook_hearing" not in marks["primary"].since()
    health = portal.replica_health()
    assert health["ok"] is True, health
    assert isinstance(health["lag"], float) and health["lag"] <= 1
    print(f"FIGURE read replica: {len(NAMES)} public searches and the cause list read on the replica, "
          f"{health['lag']} s behind")  # fmt: skip


def test_a_writer_reads_from_the_primary_until_the_stickiness_ends(portal):
    writer, other = Browser(""), Browser("")
    token, _ = writer.form(f"{portal.web.url}/cause-book/?q=quillfeather")
    # The paid search: a purchase and a payment order, written on the primary.
    paid = writer.request(
        f"{portal.web.url}/cause-book/purchases/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token, "q": "quillfeather"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{portal.web.url}/cause-book/"},
    )
    assert paid.status == 302, paid.text[:2000]
    assert any(cookie.name == STICKY_COOKIE for cookie in writer.cookies)
    (purchases,), *_ = portal.primary.query("SELECT count(*) FROM causebook_searchpurchase", DB)
    assert purchases >= 1

    # Right after the write the writer reads from the primary (and the payment order it
    # was sent to is never read from the replica).
    assert portal.search(writer, "marrowby") == "primary"
    assert writer.request(portal.web.url + paid.location).status < 500
    # Someone else, once the replica has the write too, reads from the replica.
    portal.replicated()
    (copied,), *_ = portal.replica.query("SELECT count(*) FROM causebook_searchpurchase", DB)
    assert copied == purchases
    assert portal.search(other, "penhaligon") == "replica"

    time.sleep(STICKY_SECONDS + 1)
    assert portal.search(writer, "trevelyan") == "replica"


def test_with_the_replica_down_the_search_is_read_from_the_primary(portal):
    anyone = Browser("")
    assert portal.search(anyone, "marrowby") == "replica"
    portal.replica.stop()
    try:
        # Its kept connections are cut: each of the process's threads notices and falls back.
        assert [portal.search(anyone, name) for name in NAMES] == ["primary"] * len(NAMES)
        health = portal.replica_health()
        assert health["ok"] is False and "OperationalError" in str(health["detail"]), health
    finally:
        portal.replica.start()
    # Back up: read again once REPLICA_RETRY_SECONDS (1 s here) have passed and it streams.
    restarted = time.monotonic()
    # A restarted replica replays its WAL before it streams again: on a loaded 2-core CI machine
    # that has taken more than 20 s, so allow a minute (the loop ends as soon as it is back).
    while (server := portal.search(anyone, "quillfeather")) != "replica" and time.monotonic() < restarted + 60:
        time.sleep(0.5)
    assert server == "replica"
    print(f"FIGURE replica stopped: {len(NAMES)} searches answered by the primary; "
          f"read from the replica again {time.monotonic() - restarted:.1f} s after it restarted")  # fmt: skip
    assert "The read replica is unreachable; reading from the primary" in portal.web.log_text()


def test_a_replica_too_far_behind_is_not_read(portal):
    anyone = Browser("")
    portal.replica.execute("SELECT pg_wal_replay_pause()")
    try:
        portal.primary.execute("CREATE TABLE IF NOT EXISTS replica_lag_probe (at timestamptz)", DB)
        portal.primary.execute("INSERT INTO replica_lag_probe VALUES (now())", DB)
        time.sleep(1.5)  # longer than REPLICA_MAX_LAG_SECONDS since the replica last replayed anything
        assert portal.search(anyone, "penhaligon") == "primary"
        health = portal.replica_health()
        assert health["ok"] is False and "behind" in str(health["detail"]), health
    finally:
        portal.replica.execute("SELECT pg_wal_replay_resume()")
    portal.replicated()
    assert portal.search(anyone, "marrowby") == "replica"
