"""Registry staff run the calendar: closures and reopenings in two clicks, the right people for
each record, the banner while the registry is closed, and the list of decided filings a
closure would have moved."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from icms.calendar.models import Closure, DeemedReceiptConflict
from icms.calendar.services import calendar_record_save
from icms.core.models import AuditEvent
from tests.factories import StaffFactory, totp_for

HKT = ZoneInfo("Asia/Hong_Kong")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=HKT)

pytestmark = pytest.mark.django_db


def staff_client(group: str) -> tuple[Client, object]:
    user = StaffFactory(group=group)
    totp_for(user)
    client = Client()
    client.force_login(user)
    return client, user


@pytest.mark.parametrize(
    ("group", "closures", "hours", "holidays", "maintenance", "resolve"),
    [
        ("Registry clerk", True, False, False, False, False),
        ("Registry supervisor", True, True, True, False, True),
        ("System administrator", False, False, False, True, False),
        ("Accounts officer", False, False, False, False, False),
    ],
)
def test_each_registry_group_has_its_calendar_permissions(group, closures, hours, holidays, maintenance, resolve):
    user = StaffFactory(group=group)
    app = "registry_calendar"
    assert user.has_perm(f"{app}.add_closure") is closures
    assert user.has_perm(f"{app}.change_closure") is closures
    assert user.has_perm(f"{app}.change_registryhours") is hours
    assert user.has_perm(f"{app}.add_extraholiday") is holidays
    assert user.has_perm(f"{app}.add_maintenancewindow") is maintenance
    assert user.has_perm(f"{app}.change_deemedreceiptconflict") is resolve


@time_machine.travel(NOW, tick=False)
def test_a_clerk_records_a_closure_in_two_clicks_and_its_reopening_in_two_more(django_capture_on_commit_callbacks):
    client, clerk = staff_client("Registry clerk")
    # Click 1: "Add". The form starts now, for a typhoon.
    form = client.get(reverse("admin:registry_calendar_closure_add"))
    assert form.status_code == 200
    initial = form.context["adminform"].form.initial
    assert (initial["reason"], initial["starts_at"]) == ("typhoon", NOW)
    # Click 2: "Save", with what the form already holds.
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(
            reverse("admin:registry_calendar_closure_add"),
            {
                "reason": "typhoon",
                "starts_at_0": "2026-12-01",
                "starts_at_1": "10:00",
                "notice_en": "",
                "notice_zh": "",
            },
        )
    assert saved.status_code == 302
    closure = Closure.objects.get()
    assert (closure.starts_at, closure.reopens_at, closure.created_by) == (NOW, None, clerk)

    listing = client.get(reverse("admin:registry_calendar_closure_changelist")).content.decode()
    reopen_url = reverse("admin:registry_calendar_closure_reopen", args=[closure.pk])
    assert reopen_url in listing
    assert client.get(reopen_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        reopened = client.post(reopen_url, {"reopens_at_0": "2026-12-01", "reopens_at_1": "15:30"})
    assert reopened.status_code == 302
    closure.refresh_from_db()
    assert closure.reopens_at == datetime(2026, 12, 1, 15, 30, tzinfo=HKT)
    events = AuditEvent.objects.filter(event_type__startswith="calendar.closure_").values_list("event_type", flat=True)
    assert sorted(events) == ["calendar.closure_changed", "calendar.closure_created"]


@time_machine.travel(NOW, tick=False)
def test_a_reopening_before_the_closure_began_is_refused_with_the_reason():
    client, clerk = staff_client("Registry clerk")
    closure = calendar_record_save(actor=clerk, record=Closure(reason="typhoon", starts_at=NOW))
    page = client.post(
        reverse("admin:registry_calendar_closure_reopen", args=[closure.pk]),
        {"reopens_at_0": "2026-12-01", "reopens_at_1": "09:00"},
    )
    assert page.status_code == 200
    assert page.context["form"].errors["reopens_at"]
    closure.refresh_from_db()
    assert closure.reopens_at is None


def test_clerks_cannot_change_the_hours_and_the_public_cannot_reach_the_calendar_admin(client):
    clerk_client, _ = staff_client("Registry clerk")
    hours = reverse("admin:registry_calendar_registryhours_change", args=[1])
    assert 'name="_save"' not in clerk_client.get(hours).content.decode()  # they may look, not change
    changed = {"opens": "09:00", "lunch_starts": "13:00", "lunch_ends": "14:00", "closes": "17:30"}
    assert clerk_client.post(hours, changed).status_code == 403
    assert client.get(reverse("admin:registry_calendar_closure_add")).status_code == 302  # to sign in


def test_the_home_page_has_a_banner_while_the_registry_is_closed(client, django_capture_on_commit_callbacks):
    clerk = StaffFactory()
    with time_machine.travel(NOW, tick=False):
        assert "The registry is closed" not in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            closure = calendar_record_save(actor=clerk, record=Closure(reason="black_rainstorm", starts_at=NOW))
        page = client.get("/").content.decode()
        assert "The registry is closed: Black rainstorm warning." in page
        assert "The reopening time has not yet been announced." in page
        client.cookies["django_language"] = "zh-hant"
        assert "登記處現已關閉" in client.get("/").content.decode()
        client.cookies["django_language"] = "en"
        closure.reopens_at = NOW + timedelta(hours=3)
        with django_capture_on_commit_callbacks(execute=True):
            calendar_record_save(actor=clerk, record=closure)
        assert "It reopens at" in client.get("/").content.decode()
    with time_machine.travel(NOW + timedelta(hours=3, seconds=1), tick=False):
        assert "The registry is closed" not in client.get("/").content.decode()


def _conflict() -> DeemedReceiptConflict:
    from django.contrib.contenttypes.models import ContentType

    from tests.stamping_app.models import StampedFiling

    filing = StampedFiling.objects.create(received_at=timezone.now(), title="x")
    return DeemedReceiptConflict.objects.create(
        target_type=ContentType.objects.get_for_model(StampedFiling),
        target_id=str(filing.pk),
        target_label="ES-TEST",
        received_at=filing.received_at,
        recorded_deemed_at=NOW,
        recorded_rule="open_hours",
        proposed_deemed_at=NOW + timedelta(hours=1),
        proposed_rule="closure",
        cause="calendar.closure #1",
    )


def test_only_supervisors_resolve_and_a_reason_is_required():
    conflict = _conflict()
    url = reverse("admin:registry_calendar_deemedreceiptconflict_resolve", args=[conflict.pk])
    clerk_client, _ = staff_client("Registry clerk")
    assert clerk_client.get(reverse("admin:registry_calendar_deemedreceiptconflict_changelist")).status_code == 200
    assert clerk_client.get(url).status_code == 403
    supervisor_client, supervisor = staff_client("Registry supervisor")
    assert (
        url
        in supervisor_client.get(reverse("admin:registry_calendar_deemedreceiptconflict_changelist")).content.decode()
    )
    missing = supervisor_client.post(url, {"decision": "dismiss", "reason": ""})
    assert missing.status_code == 200 and missing.context["form"].errors["reason"]
    done = supervisor_client.post(url, {"decision": "dismiss", "reason": "Entered late; the decision stands"})
    assert done.status_code == 302
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_by, conflict.resolution_reason) == (
        "dismissed",
        supervisor,
        "Entered late; the decision stands",
    )
