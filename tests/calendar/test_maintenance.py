from datetime import timedelta

import pytest
from django.utils import timezone

from icms.calendar.models import MaintenanceWindow
from icms.calendar.services import calendar_record_save
from tests.factories import UserFactory, totp_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def maintenance_now(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return calendar_record_save(
            actor=None,
            record=MaintenanceWindow(
                starts_at=timezone.now() - timedelta(minutes=5),
                ends_at=timezone.now() + timedelta(hours=2),
                notice_en="Upgrading the document store.",
                notice_zh="正在升級文件庫。",
            ),
        )


def test_the_public_sees_the_maintenance_page(client, maintenance_now):
    response = client.get("/")
    assert response.status_code == 503
    assert "The portal is under scheduled maintenance" in response.content.decode()
    assert "Upgrading the document store." in response.content.decode()
    assert int(response["Retry-After"]) > 60 * 60


def test_staff_can_still_sign_in_and_work(client, maintenance_now):
    assert client.get("/accounts/login/").status_code == 200
    health = client.get("/healthz")
    # Its own JSON answer (503 only because no worker beats in this test), not the maintenance page.
    assert health["Content-Type"] == "application/json"
    assert "components" in health.json()
    staff = UserFactory(is_staff=True)
    totp_for(staff)  # staff must have an authenticator, or they are sent to set one up first
    client.force_login(staff)
    response = client.get("/")
    assert response.status_code == 200
    assert "scheduled maintenance" not in response.content.decode()


def test_an_upcoming_window_is_announced_in_the_banner(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        calendar_record_save(
            actor=None,
            record=MaintenanceWindow(
                starts_at=timezone.now() + timedelta(days=2),
                ends_at=timezone.now() + timedelta(days=2, hours=3),
            ),
        )
    response = client.get("/")
    assert response.status_code == 200
    assert "Planned maintenance: the portal will be unavailable from" in response.content.decode()


def test_no_banner_for_a_window_more_than_a_week_away(client):
    MaintenanceWindow.objects.create(
        starts_at=timezone.now() + timedelta(days=30), ends_at=timezone.now() + timedelta(days=30, hours=2)
    )
    assert "Planned maintenance" not in client.get("/").content.decode()


def test_the_registry_hours_page_lists_later_maintenance_without_the_banner_announcing_it(client):
    MaintenanceWindow.objects.create(
        starts_at=timezone.now() + timedelta(days=30), ends_at=timezone.now() + timedelta(days=30, hours=2)
    )
    page = client.get("/registry-hours/").content.decode()
    assert "Planned maintenance of the portal" in page
    assert "Planned maintenance: the portal will be unavailable from" not in page
