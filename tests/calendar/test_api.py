"""GET /api/v1/calendar/deemed-receipt and /api/v1/calendar/status: a stable contract."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from icms.calendar.models import Closure

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")
URL = "/api/v1/calendar/deemed-receipt"


def test_after_hours_filing(client):
    response = client.get(URL, {"at": "2026-11-25T17:30:00.000001+08:00"})
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("received_at", "deemed_received_at", "pending", "rule")} == {
        "received_at": "2026-11-25T17:30:00.000001+08:00",
        "deemed_received_at": "2026-11-26T08:45:00+08:00",
        "pending": False,
        "rule": "after_hours",
    }
    assert "next opening" in body["explanation_en"]
    assert "下一個開放時間" in body["explanation_zh"]


def test_times_in_utc_are_answered_in_hong_kong_time(client):
    body = client.get(URL, {"at": "2026-11-25T01:00:00Z"}).json()
    assert body["received_at"] == "2026-11-25T09:00:00+08:00"
    assert body["deemed_received_at"] == "2026-11-25T09:00:00+08:00"
    assert body["rule"] == "open_hours"


def test_an_unencoded_plus_in_the_offset_is_understood(client):
    response = client.get(URL + "?at=2026-11-28T10:00:00+08:00")
    assert response.status_code == 200
    assert response.json()["deemed_received_at"] == "2026-11-30T08:45:00+08:00"


def test_pending_during_a_closure_with_no_reopening(client):
    Closure.objects.create(reason="typhoon", starts_at=datetime(2026, 11, 25, 6, tzinfo=HKT))
    body = client.get(URL, {"at": "2026-11-25T10:00:00+08:00"}).json()
    assert body["pending"] is True
    assert body["deemed_received_at"] is None
    assert body["rule"] == "closure_pending"


@time_machine.travel(datetime(2026, 11, 25, 18, 0, tzinfo=HKT), tick=False)
def test_at_defaults_to_now(client):
    body = client.get(URL).json()
    assert body["received_at"] == "2026-11-25T18:00:00+08:00"
    assert body["deemed_received_at"] == "2026-11-26T08:45:00+08:00"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "must be an ISO 8601 date and time with an offset"),
        ("2026-13-01T10:00:00+08:00", "must be an ISO 8601 date and time"),
        ("2026-11-25T10:00:00", "has no time zone offset"),
    ],
)
def test_a_bad_at_is_a_400_with_a_clear_message(client, value, message):
    response = client.get(URL, {"at": value})
    assert response.status_code == 400
    assert message in response.json()["detail"]


@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=HKT), tick=False)
def test_status_when_open(client):
    assert client.get("/api/v1/calendar/status").json() == {
        "open": True,
        "now": "2026-11-25T10:00:00+08:00",
        "next_opening": "2026-11-26T08:45:00+08:00",
        "closure": None,
    }


@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=HKT), tick=False)
def test_status_during_a_closure(client):
    Closure.objects.create(
        reason="black_rainstorm",
        starts_at=datetime(2026, 11, 25, 7, tzinfo=HKT),
        reopens_at=datetime(2026, 11, 25, 15, 10, tzinfo=HKT),
        notice_en="Black rainstorm",
        notice_zh="黑雨",
    )
    body = client.get("/api/v1/calendar/status").json()
    assert body["open"] is False
    assert body["next_opening"] == "2026-11-25T15:10:00+08:00"
    assert body["closure"] == {
        "reason": "black_rainstorm",
        "starts_at": "2026-11-25T07:00:00+08:00",
        "reopens_at": "2026-11-25T15:10:00+08:00",
        "notice_en": "Black rainstorm",
        "notice_zh": "黑雨",
    }


def test_the_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/calendar/deemed-receipt" in schema["paths"]
    assert "/api/v1/calendar/status" in schema["paths"]
