"""Shared fixtures. The suite runs on real PostgreSQL and real Redis."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

# Browser journeys combine live_server (a thread) with Playwright's sync API,
# which runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: its own Redis database (icms.settings.test)."""
    cache.clear()
    yield
