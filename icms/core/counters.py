"""Counters in the shared cache (Redis), for rate limits that hold across processes and machines."""

from __future__ import annotations

from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError


def cache_counter_incr(key: str, *, timeout: int) -> int | None:
    """Add one to the counter ``key``, which expires ``timeout`` seconds after it was created.

    Atomic across processes (Redis INCR). None whenever nothing was counted: Redis did not
    answer (the cache ignores its errors, icms/core/redis_cache.py), never an invented count.
    Most callers then fail open; Enquire Summons fails closed (causebook/summons_enquiry.py).
    """
    for _ in range(2):
        # add() creates the counter with its expiry only if absent; incr() is atomic in Redis.
        cache.add(key, 0, timeout=timeout)
        try:
            count: int | None = cache.incr(key)
        except ValueError:  # expired between add() and incr(): create it again
            continue
        return count
    # Expired twice in a row: not counted, so say so rather than invent a count.
    return None


def counters_reachable() -> bool:
    """Whether Redis answers now, so that a counter could be counted.

    For a page that fails closed to say so before the visitor fills in its form
    (Enquire Summons); the count itself still decides (:func:`cache_counter_incr`).
    A cache that is not Redis (none in the portal's settings) is taken as reachable.
    """
    client = getattr(cache, "client", None)
    if client is None:
        return True
    try:
        return bool(client.get_client(write=True).ping())
    except (RedisError, ConnectionInterrupted, OSError):
        return False
