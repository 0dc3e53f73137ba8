"""A light, fixed-window rate limit in the shared cache (Redis), per client address.

Used by the public verification page and API: DRNs carry check digits and ten random
digits, so guessing is hopeless, and this keeps it that way (icms-reference §6, and
the note in :mod:`filing.sealing`). The counting itself is :mod:`icms.core.ratelimit`'s.
"""

from __future__ import annotations

from django.http import HttpRequest

from icms.core.ratelimit import rate_limit_hit

VERIFY_LIMIT = 30
VERIFY_WINDOW_SECONDS = 60


def verify_rate_limited(request: HttpRequest) -> bool:
    """One shared allowance for the verification page and the verification API."""
    return rate_limit_hit(scope="verify", request=request, limit=VERIFY_LIMIT, window=VERIFY_WINDOW_SECONDS)
