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


def fix_data(case, **overrides):
    return {
        "court": case.case_type.court_id,
        "courtroom": "Court No. 31",
        "starts_at_0": "2026-12-14",
        "starts_at_1": "09:30:00",
        "judge_en": "His Honour Judge LAM",
        "judge_zh": "林法官",
        "hearing_type": "mention",
        "nature_en": "",
        "nature_zh": "",
        **overrides,
    }


def test_a_clerk_fixes_a_hearing_from_the_admin_and_it_is_listed_noticed_and_audited(
    hw, celery_eager, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(hw.clerk)
    case_page = client.get(reverse("admin:filing_case_change", args=[hw.case.pk]))
    fix_url = reverse("admin:causebook_hearing_fix", args=[hw.case.pk])
    assert case_page.status_code == 200 and fix_url in case_page.text
    form = client.get(fix_url)
    assert form.status_code == 200
    assert f'<option value="{hw.case.case_type.court_id}" selected>' in form.text  # the case's court

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(fix_url, fix_data(hw.case))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("admin:filing_case_change", args=[hw.case.pk])
    hearing = Hearing.objects.get()
    assert hearing.starts_at == datetime(2026, 12, 14, 9, 30, tzinfo=HKT)
    assert hearing.notice is not None and hearing.notice.kind == "notice_of_hearing"
    event = AuditEvent.objects.get(event_type="causebook.hearing_listed")
    # Stored in UTC (01:30), labelled in Hong Kong time.
    assert event.target_label == "DCCJ 1204/2026 2026-12-14 09:30" and event.before is None
    assert str(hearing).endswith("— 2026-12-14 09:30")

    # The case page lists it, with its adjourn and vacate buttons; each form opens.
    case_page = client.get(reverse("admin:filing_case_change", args=[hw.case.pk])).text
    for name in ("admin:causebook_hearing_adjourn", "admin:causebook_hearing_vacate"):
        url = reverse(name, args=[hearing.pk])
        assert url in case_page
        assert client.get(url).status_code == 200

    response = client.post(
        reverse("admin:causebook_hearing_adjourn", args=[hearing.pk]),
        {"new_starts_at_0": "2027-01-11", "new_starts_at_1": "14:30:00", "courtroom": "", "reason": "Judge ill"},
    )
    assert response.status_code == 302
    new = Hearing.objects.get(adjourned_from=hearing)
    assert new.courtroom == "Court No. 31" and new.starts_at == datetime(2027, 1, 11, 14, 30, tzinfo=HKT)
    response = client.post(reverse("admin:causebook_hearing_vacate", args=[new.pk]), {"reason": "Settled"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.status == Hearing.Status.VACATED


def test_the_services_refusals_show_on_the_form(hw):
    client = Client()
    client.force_login(hw.clerk)
    fix_url = reverse("admin:causebook_hearing_fix", args=[hw.case.pk])
    other_court = CaseType.objects.get(prefix="KCS").court_id
    response = client.post(fix_url, fix_data(hw.case, court=other_court))
    assert response.status_code == 200
    assert "The hearing must be in the court of the case" in response.text
    response = client.post(fix_url, fix_data(hw.case, starts_at_0="2026-11-30"))
    assert response.status_code == 200 and "cannot be fixed in the past" in response.text
    assert not Hearing.objects.exists()
    hearing = hw.fix()
    response = client.post(reverse("admin:causebook_hearing_vacate", args=[hearing.pk]), {"reason": ""})
    assert response.status_code == 200 and "This field is required" in response.text


def test_there_is_no_bare_add_form_and_the_change_form_is_a_correction_without_notice(clerk_client, register):
    assert clerk_client.get(reverse("admin:causebook_hearing_add")).status_code == 403
    hearing = HearingFactory(case=register["target"], starts_at=datetime(2026, 11, 26, 9, 30, tzinfo=HKT))
    page = clerk_client.get(reverse("admin:causebook_hearing_change", args=[hearing.pk]))
    assert page.status_code == 200 and "Correct a listing (no notice)" in page.text
    listing = clerk_client.get(reverse("admin:causebook_hearing_changelist")).text
    assert reverse("admin:causebook_hearing_adjourn", args=[hearing.pk]) in listing
    assert reverse("admin:causebook_hearing_add") not in listing


def test_non_staff_are_sent_to_sign_in_and_staff_without_the_permission_refused(hw, client):
    fix_url = reverse("admin:causebook_hearing_fix", args=[hw.case.pk])
    client.force_login(hw.plaintiff_firm_admin)
    response = client.get(fix_url)
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(fix_url, fix_data(hw.case)).status_code == 302
    from tests.factories import StaffFactory, totp_for

    viewer = StaffFactory(group="Accounts officer")
    totp_for(viewer)
    client.force_login(viewer)
    assert client.post(fix_url, fix_data(hw.case)).status_code == 403
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
