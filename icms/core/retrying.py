"""The one shape of a worker task that retries: backoff with jitter, a retry cap and time limits.

Every app's side-effect tasks use :func:`retried_task`, so the policy (and, with the
outbox, what counts as transient) changes in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from celery import shared_task
from celery.app.task import Task

P = ParamSpec("P")
R = TypeVar("R")


def retried_task(
    *,
    name: str,
    max_retries: int,
    soft_time_limit: int,
    time_limit: int,
    autoretry_for: tuple[type[BaseException], ...] = (Exception,),
) -> Callable[[Callable[P, R]], Task[P, R]]:
    """``@shared_task`` with the retry policy every side-effect task shares."""
    return shared_task(
        name=name,
        autoretry_for=autoretry_for,
        retry_backoff=True,
        retry_jitter=True,
        max_retries=max_retries,
        soft_time_limit=soft_time_limit,
        time_limit=time_limit,
    )
