"""Registry staff list hearings in the admin; every save and delete is audited through the service."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from causebook.models import Hearing
from causebook.services import hearing_delete, hearing_save
from filing.models import CaseType
from icms.core.models import AuditEvent
from tests.factories import CaseFactory, HearingFactory

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def clerk_client(staff):
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_hearing"))
    client = Client()
    client.force_login(staff)
    return client


def test_a_clerk_lists_a_hearing_in_the_admin_and_it_is_audited(clerk_client, register):
    case = register["target"]
    response = clerk_client.post(
        reverse("admin:causebook_hearing_add"),
        {
            "case": case.pk,
            "court": case.case_type.court_id,
            "courtroom": "Court No. 31",
            "judge_en": "His Honour Judge LAM",
            "judge_zh": "林法官",
            "starts_at_0": "2026-11-26",
            "starts_at_1": "09:30:00",
            "hearing_type": "mention",
            "status": "listed",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    hearing = Hearing.objects.get()
    assert hearing.starts_at == datetime(2026, 11, 26, 9, 30, tzinfo=HKT)
    event = AuditEvent.objects.get(event_type="causebook.hearing_listed")
    assert event.after["courtroom"] == "Court No. 31" and event.before is None
    # Stored in UTC (01:30), labelled in Hong Kong time.
    assert event.target_label == "DCCJ 1204/2026 2026-11-26 09:30"
    assert str(Hearing.objects.get()).endswith("— 2026-11-26 09:30")


def test_a_hearing_in_another_court_than_the_case_is_refused_in_the_form(clerk_client, register):
    case = register["target"]
    other_court = CaseType.objects.get(prefix="KCS").court_id
    response = clerk_client.post(
        reverse("admin:causebook_hearing_add"),
        {
            "case": case.pk,
            "court": other_court,
            "courtroom": "1",
            "judge_en": "X",
            "starts_at_0": "2026-11-26",
            "starts_at_1": "09:30:00",
            "hearing_type": "mention",
            "status": "listed",
        },
    )
    assert response.status_code == 200
    assert "The hearing must be in the court of the case" in response.content.decode()
    assert not Hearing.objects.exists()


def test_changes_and_deletions_record_before_and_after(staff, register):
    hearing = HearingFactory(case=register["target"], starts_at=datetime(2026, 11, 26, 9, 30, tzinfo=HKT))
    hearing.status = Hearing.Status.ADJOURNED
    hearing_save(hearing=hearing, actor=staff)
    changed = AuditEvent.objects.get(event_type="causebook.hearing_changed")
    assert (changed.before["status"], changed.after["status"]) == ("listed", "adjourned")
    hearing_delete(hearing=hearing, actor=staff)
    assert AuditEvent.objects.filter(event_type="causebook.hearing_deleted").count() == 1
    assert not Hearing.objects.exists()


def test_a_case_without_a_number_cannot_be_listed(staff, db):
    draft = CaseFactory(number=None, year=None, status="draft")
    hearing = Hearing(
        case=draft,
        court=draft.case_type.court,
        courtroom="1",
        judge_en="X",
        hearing_type="mention",
        starts_at=datetime(2026, 11, 26, 9, 30, tzinfo=HKT),
    )
    with pytest.raises(ValidationError):
        hearing_save(hearing=hearing, actor=staff)
    assert not AuditEvent.objects.filter(event_type__startswith="causebook.hearing").exists()
