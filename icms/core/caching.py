"""Forgetting a cached value once a change commits.

This is not outbox work on purpose: the values cached this way (the maintenance and
closure banners) expire within a minute anyway, so a forget lost to a Redis outage
costs at most that minute of a stale banner, and legal time never reads them. Work
that must happen goes through :mod:`icms.core.outbox`.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def cache_forget_after_commit(key: str) -> None:
    """Delete ``key`` from the cache after the transaction commits (at once outside one)."""

    def forget() -> None:
        try:
            cache.delete(key)
        except Exception:  # the cache is a convenience: never fail the change for it
            logger.warning("Could not forget cache key %s", key, exc_info=True)

    transaction.on_commit(forget)
