"""Clock helpers for tests whose outcome depends on legal time.

The received time of a filing comes from the database's own clock
(``clock_timestamp()``), which neither time-machine nor libfaketime moves; these
helpers move the process's clock relative to what the database recorded, so a test
passes on any date it is run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import time_machine
from django.utils import timezone


@contextmanager
def once_received_in_law(submission) -> Iterator[None]:
    """The registry decides a filing only once its deemed time has come (docs/calendar.md).

    A filing made in a test on a Saturday is deemed received on Monday: move the process's
    clock (ticking) past its deemed time for the decision, if it is not past already.
    """
    submission.refresh_from_db()
    if submission.deemed_received_at is None:
        raise AssertionError("Its deemed receipt is pending: record the reopening first.")
    moment = max(timezone.now(), submission.deemed_received_at + timedelta(seconds=1))
    with time_machine.travel(moment, tick=True):
        yield
