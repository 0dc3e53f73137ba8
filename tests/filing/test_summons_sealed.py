"""The sealed summons tells the defendant when and where to appear: its seal states the return day
(Hong Kong time, in English and Chinese), the magistracy and the courtroom, and the prosecutor's
acceptance message and email say them too."""

from __future__ import annotations

import io
import re
from datetime import time

import pytest
from django.core import mail
from pypdf import PdfReader

from filing.models import MessageItem, Submission
from filing.services import filing_accept
from filing.services.sealing import sealed_copy_for_public
from filing.services.summonses import SummonsListing
from icms.core.storage import read_document
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.summons_world import HKT, department_user, file_summons, return_day

pytestmark = pytest.mark.django_db

WEEKDAYS_ZH = "一二三四五六日"


@pytest.fixture
def sealed_summons(document_storage, celery_eager, django_capture_on_commit_callbacks):
    """A department's summons, accepted for a return day at 2:30 p.m. in Court No. 3 and sealed."""
    department = department_user()
    with django_capture_on_commit_callbacks(execute=True):
        submission = file_summons(department)
    mail.outbox.clear()
    when = return_day(at=time(14, 30))
    # The sealing owed on commit runs inside the clock of the decision: it is due from then.
    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        filing_accept(
            submission=submission,
            clerk=StaffFactory(group="Registry clerk"),
            accepted_without_opening=True,
            summons_listing=SummonsListing(
                return_at=when, courtroom="Court No. 3", magistrate_en="Mr WONG Ka Ming", magistrate_zh="黃家明先生"
            ),
        )
    submission.refresh_from_db()
    return submission, when


def _words(pdf: bytes, page: int = 0) -> str:
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[page].extract_text().split())


def _english_day(when) -> str:
    local = when.astimezone(HKT)
    return f"{local:%A}, {local.day} {local:%B} {local.year} at 2:30 p.m. (HKT)"


def _chinese_day(when) -> str:
    local = when.astimezone(HKT)
    return f"{local.year}年{local.month}月{local.day}日（星期{WEEKDAYS_ZH[local.weekday()]}）下午2時30分（香港時間）"


def test_the_sealed_summons_states_its_return_day_magistracy_and_courtroom(sealed_summons):
    submission, when = sealed_summons
    document = submission.documents.get()
    first = _words(read_document(document.sealed_storage_key))
    assert "Return day" in first and "應訊日期" in first
    assert _english_day(when) in first
    assert re.sub(r"\s", "", _chinese_day(when)) in re.sub(r"\s", "", first)
    assert "Kowloon City Magistrates' Courts" in first and "九龍城裁判法院" in first
    assert "Court No. 3" in first and "第3號法庭" in first
    # The seal's usual lines are still there, and the defendant's case access code below the return day.
    assert submission.case.case_number in first and "Case access code" in first


def test_the_public_copy_keeps_the_return_day_but_not_the_access_code(sealed_summons):
    submission, when = sealed_summons
    document = submission.documents.select_related("document_type", "submission__case__case_type__court").get()
    public = _words(sealed_copy_for_public(document))
    assert _english_day(when) in public and "Court No. 3" in public
    assert "Case access code" not in public


def test_the_prosecutor_is_told_the_return_day_in_the_message_box_and_by_email(sealed_summons):
    submission, when = sealed_summons
    message = MessageItem.objects.get(submission=submission, kind="decision")
    assert _english_day(when) in message.body_en
    assert "Kowloon City Magistrates' Courts" in message.body_en and "Court No. 3" in message.body_en
    assert _chinese_day(when) in message.body_zh and "九龍城裁判法院" in message.body_zh
    assert "第3號法庭" in message.body_zh
    (email,) = [m for m in mail.outbox if submission.submitted_by.email in m.to]
    text = email.body + "".join(str(part) for part, _type in getattr(email, "alternatives", []))
    assert _english_day(when) in text or _chinese_day(when) in text
    assert "Court No. 3" in text or "第3號法庭" in text


def test_a_case_that_is_not_a_summons_has_no_return_day_on_its_seal(
    firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    from tests.filing.test_joining import accept, new_writ

    with django_capture_on_commit_callbacks(execute=True):
        submission: Submission = new_writ(firm_filer)
    accept(submission, StaffFactory(group="Registry clerk"))
    document = submission.documents.get()
    assert "Return day" not in _words(read_document(document.sealed_storage_key))
