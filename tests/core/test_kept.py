"""Per-process copies checked against a version in the cache (icms/core/kept.py): read again as soon as
the version changes, whichever process changed it, and with one round trip to the cache per request."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from icms.core import kept

pytestmark = pytest.mark.django_db  # a bump is repeated when the transaction commits
KEY = "tests:kept:version"


@pytest.fixture
def loads():
    return []


@pytest.fixture
def value(loads):
    copies: kept.Kept[int] = kept.Kept(KEY, max_age=60)

    def get(key: str = "a") -> int:
        def load() -> int:
            loads.append(key)
            return len(loads)

        return copies.get(key, load)

    return get


def test_a_copy_is_kept_until_the_version_changes(value, loads):
    assert value() == value() == 1
    assert value("b") == 2
    kept.version_bump(KEY)
    assert value() == 3 and value("b") == 4
    cache.set(KEY, "bumped-by-another-process", None)
    assert value() == 5
    assert loads == ["a", "b", "a", "b", "a"]


def test_no_version_in_the_cache_trusts_nothing_kept(value):
    assert value() == 1
    cache.delete(KEY)  # evicted, or flushed
    assert value() == 2
    assert value() == 2  # the new version holds


def test_a_copy_older_than_its_max_age_is_read_again(loads):
    copies: kept.Kept[int] = kept.Kept(KEY, max_age=0)
    copies.get("a", lambda: 1)
    assert copies.get("a", lambda: 2) == 2


def test_a_request_reads_the_cache_once_for_every_prefetched_key(value, monkeypatch):
    kept.prefetch("tests:kept:other")
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(list(keys)) or get_many(keys))

    request_started.send(sender=None)
    try:
        value()
        kept.get_many(["tests:kept:other"])
        value()
        assert len(reads) == 1 and {KEY, "tests:kept:other"} <= set(reads[0])
        # A change made in the request is seen by the rest of it.
        kept.version_bump(KEY)
        assert value() == 2
    finally:
        request_finished.send(sender=None)
    value()
    value()
    assert len(reads) == 3  # outside a request, every read goes to the cache
