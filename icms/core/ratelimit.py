"""A light, fixed-window rate limit in the shared cache (Redis), per client address, for public forms.

It lives in the bottom layer so every app can use it: the verification page and API
(:mod:`filing.ratelimit`) and core's own accessibility problem report. Works across processes
and machines: the counter lives in Redis, never in the process.
"""

from __future__ import annotations

from django.http import HttpRequest

from .counters import cache_counter_incr
from .http import client_ip


def rate_limit_hit(*, scope: str, request: HttpRequest, limit: int, window: int) -> bool:
    """Count one attempt; True when the client has gone over ``limit`` in this ``window`` (seconds)."""
    count = cache_counter_incr(f"ratelimit:{scope}:{client_ip(request) or 'unknown'}", timeout=window)
    # None: Redis did not answer (the cache ignores its errors, icms/core/redis_cache.py). The
    # limit fails open during an outage: nothing can be counted, and refusing every verification
    # or report would be worse than allowing a few minutes' extra attempts.
    return count is not None and count > limit
