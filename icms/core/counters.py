"""Counters in the shared cache (Redis), for rate limits that hold across processes and machines."""

from __future__ import annotations

from django.core.cache import cache


def cache_counter_incr(key: str, *, timeout: int) -> int | None:
    """Add one to the counter ``key``, which expires ``timeout`` seconds after it was created.

    Atomic across processes (Redis INCR). None when Redis did not answer (the cache ignores
    its errors, icms/core/redis_cache.py): callers then fail open, as nothing can be counted.
    """
    # add() creates the counter with its expiry only if absent; incr() is atomic in Redis.
    cache.add(key, 0, timeout=timeout)
    try:
        count: int | None = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=timeout)
        count = 1
    return count
