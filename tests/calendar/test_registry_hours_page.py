from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from icms.calendar.models import Closure, MaintenanceWindow

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")


@time_machine.travel(datetime(2026, 12, 24, 18, 5, tzinfo=HKT), tick=False)
def test_page_shows_status_next_opening_and_what_submitting_now_would_mean(client):
    response = client.get(reverse("calendar:registry_hours"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Closed until Monday 28 December 2026, 08:45." in text
    assert "If you submit now, it will be deemed received at Monday 28 December 2026, 08:45." in text
    assert "2026-12-25 is a general holiday: Christmas Day" in text
    assert "Christmas Day" in text  # upcoming holidays


@time_machine.travel(datetime(2026, 12, 24, 18, 5, tzinfo=HKT), tick=False)
def test_page_in_chinese(client):
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    text = client.get(reverse("calendar:registry_hours")).content.decode()
    assert '<html lang="zh-Hant-HK">' in text
    assert "登記處辦公時間及服務狀況" in text
    assert "2026-12-25是公眾假期：聖誕節" in text


@time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=HKT), tick=False)
def test_page_shows_a_closure_in_force(client):
    Closure.objects.create(
        reason="typhoon", starts_at=datetime(2026, 11, 25, 6, tzinfo=HKT), notice_en="Signal No. 8 is hoisted."
    )
    text = client.get(reverse("calendar:registry_hours")).content.decode()
    assert "Closure in force: Tropical cyclone signal No. 8 or above." in text
    assert "The reopening time has not been announced yet." in text
    assert "Signal No. 8 is hoisted." in text
    assert "the time it is deemed received will be pending" in text


def test_ical_feed_lists_holidays_closures_and_maintenance(client):
    Closure.objects.create(
        reason="black_rainstorm",
        starts_at=datetime(2026, 11, 20, 7, tzinfo=HKT),
        reopens_at=datetime(2026, 11, 20, 11, tzinfo=HKT),
    )
    MaintenanceWindow.objects.create(
        starts_at=datetime(2026, 12, 5, 22, tzinfo=HKT), ends_at=datetime(2026, 12, 6, 2, tzinfo=HKT)
    )
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=HKT), tick=False):
        response = client.get(reverse("calendar:feed"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    feed = Calendar.from_ical(response.content)
    summaries = [str(e["summary"]) for e in feed.walk("VEVENT")]
    assert "Registry closed: Christmas Day 登記處休息：聖誕節" in summaries
    assert "Registry closed: Black rainstorm warning 登記處關閉" in summaries
    assert "iCMS maintenance 系統維護" in summaries


def test_the_deemed_receipt_command_prints_the_same_answer(capsys):
    from django.core.management import call_command

    call_command("deemed_receipt", "2026-11-27T17:45:00+08:00")
    out = capsys.readouterr().out
    assert "Received:        2026-11-27T17:45:00+08:00" in out
    assert "Deemed received: 2026-11-30T08:45:00+08:00" in out
    assert "Rule:            after_hours" in out


def test_the_deemed_receipt_command_refuses_a_naive_time():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="time zone offset"):
        call_command("deemed_receipt", "2026-11-27T17:45:00")
