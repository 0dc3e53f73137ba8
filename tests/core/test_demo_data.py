"""The demo data that `make run` loads, on any day of the week: its decided filings were
received in law on an earlier working day, so loading it on a Saturday night works too."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from filing.models import Submission

HKT = ZoneInfo("Asia/Hong_Kong")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now",
    [datetime(2026, 11, 28, 20, 0, tzinfo=HKT), datetime(2026, 11, 30, 10, 0, tzinfo=HKT)],
    ids=["saturday night", "monday morning"],
)
def test_the_demo_data_loads_on_any_day_and_twice_without_change(now, document_storage):
    with time_machine.travel(now, tick=True):
        call_command("load_demo_data", stdout=StringIO())
        statuses = sorted(Submission.objects.values_list("status", flat=True))
        assert statuses == ["accepted", "received", "received", "returned"]
        for submission in Submission.objects.exclude(status="received"):
            assert submission.deemed_received_at is not None and submission.deemed_received_at <= now
            assert submission.acknowledgement_versions.get().deemed_received_at == submission.deemed_received_at
        out = StringIO()
        call_command("load_demo_data", stdout=out)
        assert "0 new submissions" in out.getvalue()
        assert Submission.objects.count() == 4
