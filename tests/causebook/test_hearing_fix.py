"""Fixing a hearing once: the listing, the sealed bilingual notice in every party's message box, an
email each, and the case's calendar; adjourning and vacating likewise."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from icalendar import Calendar
from pypdf import PdfReader

from causebook.hearings import hearing_adjourn, hearing_vacate
from causebook.ical import feed_key
from causebook.models import Hearing
from filing.models import CourtDocument, MessageItem
from filing.sealing import drn_is_valid
from icms.core.models import AuditEvent
from icms.core.storage import read_document
from tests.causebook.hearing_world import HKT, MONDAY_HEARING
from tests.factories import CaseFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(document: CourtDocument) -> str:
    reader = PdfReader(io.BytesIO(read_document(document.sealed_storage_key)))
    return "\n".join(page.extract_text() for page in reader.pages)


def feed_events(case, user) -> list:
    client = Client()
    response = client.get(
        reverse("causebook:case_hearings_feed", args=[case.pk]), {"key": feed_key(user_id=user.pk, case_id=case.pk)}
    )
    assert response.status_code == 200
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_fixing_a_hearing_lists_it_issues_the_notice_to_every_party_and_emails_each(
    hw, celery_eager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hearing = hw.fix()

    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.LISTED
    assert hearing.starts_at == MONDAY_HEARING
    notice = CourtDocument.objects.get(case=hw.case)
    assert hearing.notice == notice
    assert notice.kind == CourtDocument.Kind.NOTICE_OF_HEARING
    assert drn_is_valid(notice.drn)

    text = pdf_text(notice)
    for shown in [
        "Monday, 14 December 2026",
        "2026年12月14日（星期一）",
        "9:30 a.m. (HKT)",
        "上午9時30分（香港時間）",
        "District Court",
        "區域法院",
        "Court No. 31",
        "第31號法庭",
        "His Honour Judge LAM",
        "林法官",
        "DCCJ 1204/2026",
        "GOLDEN HARBOUR LIMITED",
        "Defendant (2)",
        "Summons for directions",
    ]:
        assert shown in text, shown

    # Both firms' people and the party in person, in their message boxes and by email; nobody else.
    delivered = {m.recipient for m in MessageItem.objects.filter(court_document=notice)}
    assert delivered == hw.recipients
    assert {address for m in mail.outbox for address in m.to} == {u.email for u in hw.recipients}
    assert hw.outsider.email not in {address for m in mail.outbox for address in m.to}

    event = AuditEvent.objects.get(event_type="causebook.hearing_listed", target_id=str(hearing.pk))
    assert event.actor == hw.clerk and event.after["notice_drn"] == notice.drn

    # On the daily cause list of that day, and in the case's calendar.
    page = Client().get(reverse("causebook:cause_list"), {"court": "DC", "date": "2026-12-14"})
    assert "DCCJ 1204/2026" in page.content.decode()
    events = feed_events(hw.case, hw.plaintiff_firm_user)
    assert [e.decoded("dtstart") for e in events] == [MONDAY_HEARING]
    assert str(events[0]["status"]) == "CONFIRMED"


def test_a_hearing_cannot_be_fixed_in_the_past_in_another_court_or_on_an_unnumbered_case(hw):
    with pytest.raises(ValidationError, match="in the past"):
        hw.fix(starts_at=datetime(2026, 11, 30, 9, 30, tzinfo=HKT))
    from filing.models import CaseType

    with pytest.raises(ValidationError, match="court of the case"):
        hw.fix(court=CaseType.objects.get(prefix="KCS").court)
    draft = CaseFactory(number=None, year=None, status="pending")
    PartyFactory(case=draft)
    with pytest.raises(ValidationError, match="case number"):
        hw.fix(case=draft)
    with pytest.raises(ValidationError):
        hw.fix(actor=UserFactory())  # not registry staff
    assert not Hearing.objects.exists()
    assert not CourtDocument.objects.exists()


def test_adjourning_marks_it_adjourned_lists_the_new_date_and_issues_a_notice(
    hw, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = hw.fix()
    mail.outbox.clear()
    new_time = datetime(2027, 1, 11, 14, 30, tzinfo=HKT)
    with django_capture_on_commit_callbacks(execute=True):
        new = hearing_adjourn(
            hearing=first, new_starts_at=new_time, courtroom="Court No. 32", reason="Judge unavailable", actor=hw.clerk
        )

    first.refresh_from_db()
    assert first.status == Hearing.Status.ADJOURNED
    assert (new.status, new.adjourned_from, new.starts_at, new.courtroom) == (
        Hearing.Status.LISTED,
        first,
        new_time,
        "Court No. 32",
    )
    notice = new.notice
    assert notice is not None and CourtDocument.objects.filter(case=hw.case).count() == 2
    text = pdf_text(notice)
    for shown in [
        "押後聆訊通知書",
        "Notice of Adjourned Hearing",
        "Monday, 11 January 2027",
        "2027年1月11日（星期一）",
    ]:
        assert shown in text, shown
    assert "Monday, 14 December 2026" in text  # the date it replaces
    assert {m.recipient for m in MessageItem.objects.filter(court_document=notice)} == hw.recipients
    assert len(mail.outbox) == len(hw.recipients)
    event = AuditEvent.objects.get(event_type="causebook.hearing_adjourned")
    assert event.after["adjourned_to"] == new.pk and event.after["reason"] == "Judge unavailable"

    events = {str(e["uid"]): e for e in feed_events(hw.case, hw.in_person)}
    old_event = next(e for e in events.values() if e.decoded("dtstart") == MONDAY_HEARING)
    new_event = next(e for e in events.values() if e.decoded("dtstart") == new_time)
    assert str(old_event["status"]) == "CANCELLED" and str(new_event["status"]) == "CONFIRMED"

    with pytest.raises(ValidationError):
        hearing_adjourn(hearing=first, new_starts_at=new_time, reason="again", actor=hw.clerk)


def test_vacating_cancels_the_event_with_the_same_uid_and_a_higher_sequence(
    hw, clock, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        hearing = hw.fix()
    (before,) = feed_events(hw.case, hw.plaintiff_firm_admin)
    clock.shift(timedelta(minutes=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        hearing_vacate(hearing=hearing, reason="The action has been settled.", actor=hw.clerk)

    hearing.refresh_from_db()
    assert hearing.status == Hearing.Status.VACATED
    assert "取消聆訊通知書" in pdf_text(hearing.notice) and "VACATED" in pdf_text(hearing.notice)
    assert len(mail.outbox) == len(hw.recipients)
    assert AuditEvent.objects.filter(event_type="causebook.hearing_vacated", target_id=str(hearing.pk)).exists()
    (after,) = feed_events(hw.case, hw.plaintiff_firm_admin)
    assert str(after["uid"]) == str(before["uid"])
    assert str(after["status"]) == "CANCELLED"
    assert int(after["sequence"]) > int(before["sequence"])

    with pytest.raises(ValidationError, match="listed"):
        hearing_vacate(hearing=hearing, reason="again", actor=hw.clerk)
