"""A light, fixed-window rate limit in the shared cache (Redis), per client address.

Used by the public verification page and API: DRNs carry check digits and ten random
digits, so guessing is hopeless, and this keeps it that way (icms-reference §6, and
the note in :mod:`filing.sealing`). Works across processes and machines: the counter
lives in Redis, never in the process.
"""

from __future__ import annotations

from django.http import HttpRequest

from icms.core.counters import cache_counter_incr
from icms.core.http import client_ip

VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 60


def rate_limit_hit(*, scope: str, request: HttpRequest, limit: int, window: int) -> bool:
    """Count one attempt; True when the client has gone over ``limit`` in this ``window``."""
    count = cache_counter_incr(f"ratelimit:{scope}:{client_ip(request) or 'unknown'}", timeout=window)
    # None: Redis did not answer (the cache ignores its errors, icms/core/redis_cache.py).
    # The limit fails open during an outage: nothing can be counted, and refusing every
    # verification would be worse than allowing a minute's guesses at ten random digits.
    return count is not None and count > limit


def verify_rate_limited(request: HttpRequest) -> bool:
    """One shared allowance for the verification page and the verification API."""
    return rate_limit_hit(scope="verify", request=request, limit=VERIFY_LIMIT, window=VERIFY_WINDOW_SECONDS)
