"""Enquire Summons (issue 15, part 6): a defendant who is not registered finds their return day with the
summons number and the last four characters of their ID; a wrong pair tells nothing, and enquiries
are rate-limited per address and per summons number."""

from __future__ import annotations

import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from causebook.summons_enquiry import ENQUIRY_LIMIT
from filing.models import Case, CaseType, Party
from icms.core.models import AuditEvent
from tests.factories import CaseFactory, PartyFactory
from tests.filing.summons_world import (
    OFFENCE_EN,
    OFFENCE_ZH,
    accept_summons,
    department_user,
    file_summons,
    return_day,
)

pytestmark = pytest.mark.django_db
URL = reverse("causebook:summons_enquiry")
RIGHT_LAST_FOUR = "4563"  # of A123456(3)


@pytest.fixture
def summons(db, document_storage):
    """An accepted summons at Kowloon City, its return day allotted, and the department that filed it."""
    department = department_user()
    submission = accept_summons(file_summons(department), return_at=return_day())
    case = Case.objects.select_related("case_type").get(pk=submission.case_id)
    case.department = department
    return case


def _enquire(number: str, last_four: str, *, address: str = "203.0.113.10", client: Client | None = None):
    return (client or Client()).post(URL, {"summons_number": number, "id_last_four": last_four}, REMOTE_ADDR=address)


def _page(response) -> str:
    """The page without what differs between any two requests (the CSRF token, the nonce) and the number typed."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'(name="summons_number"[^>]*?) value="[^"]*"', r"\1", html)


def test_the_page_asks_for_the_number_and_the_last_four_characters():
    response = Client().get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Enquire Summons |" in page
    assert 'name="summons_number"' in page and 'name="id_last_four"' in page


# Full-width digits, as a Chinese input method types them, are read as ASCII.
@pytest.mark.parametrize("last_four", [RIGHT_LAST_FOUR, "456(3)", "\uff14\uff15\uff16\uff13", " 45 63 "])
def test_a_right_pair_shows_the_court_the_return_day_the_courtroom_and_the_offence(summons, last_four):
    details = summons.summons
    response = _enquire(summons.case_number, last_four)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "Kowloon City Magistrates&#x27; Courts" in page or "Kowloon City Magistrates' Courts" in page
    local = details.return_at.astimezone(return_day().tzinfo)
    assert f"{local:%H:%M}" in page and str(local.day) in page and "(Hong Kong time)" in page
    assert "Court No. 3" in page and OFFENCE_EN in page and "Cap. 570, s. 4(1)" in page
    # Nothing more than asked: never the defendant's name, address or ID, nor the prosecutor's reference.
    assert "LAU Chi Wai" not in page and "Des Voeux" not in page and "FEHD/KC" not in page
    assert last_four not in page.split("</form>")[0] if "<form" in page else True


def test_the_number_may_be_typed_as_people_type_it(summons):
    prefix, number, year = summons.case_type.prefix, summons.number, summons.year
    for typed in (f"{prefix.lower()}{number}/{str(year)[2:]}", f"{prefix} No. {number} of {year}"):
        assert _enquire(typed, RIGHT_LAST_FOUR).status_code == 200, typed


def test_every_wrong_pair_gets_the_same_answer_after_the_same_work(summons):
    prefix, number, year = summons.case_type.prefix, summons.number, summons.year
    # A civil case whose defendant's ID also ends 4563: not a summons.
    civil = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), number=77, year=year, status=Case.Status.ACTIVE)
    PartyFactory(case=civil, side=Party.Side.RESPONDENT, id_kind="hkid", id_number="A1234563")
    # A summons filed but not yet accepted: it has no number (nor return day) yet; try the one it would get.
    file_summons(summons.department, reference="FEHD/KC/2026/0002")
    wrong = {
        "no such case": (f"{prefix} 9999/{year}", RIGHT_LAST_FOUR),
        "wrong ID": (summons.case_number, "4564"),
        "not a summons": (f"DCCJ 77/{year}", RIGHT_LAST_FOUR),
        "not yet accepted": (f"{prefix} {number + 1}/{year}", RIGHT_LAST_FOUR),
    }
    _enquire(f"{prefix} 9998/{year}", RIGHT_LAST_FOUR, address="203.0.113.19")  # warm the caches
    answers, queries = {}, {}
    for index, (what, (typed, last_four)) in enumerate(wrong.items()):
        with CaptureQueriesContext(connection) as captured:
            response = _enquire(typed, last_four, address=f"203.0.113.{20 + index}")
        assert response.status_code == 400, what
        answers[what], queries[what] = _page(response), len(captured.captured_queries)
    assert len(set(answers.values())) == 1, "every wrong pair gets the same page"
    assert len(set(queries.values())) == 1, queries
    assert "No summons matches that summons number" in next(iter(answers.values()))


def test_after_the_limit_even_a_right_pair_is_refused_for_a_day_and_the_lock_is_audited_once(summons, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(ENQUIRY_LIMIT):
        assert _enquire(summons.case_number, "0000").status_code == 400
    locked = _enquire(summons.case_number, RIGHT_LAST_FOUR)
    assert locked.status_code == 429
    assert "locked for 24 hours" in locked.content.decode()
    # Per summons number: from another address too; and that address may still ask about another summons.
    assert _enquire(summons.case_number, RIGHT_LAST_FOUR, address="198.51.100.7").status_code == 429
    assert _enquire(f"KCS 9999/{summons.year}", RIGHT_LAST_FOUR, address="198.51.100.7").status_code == 400
    # The address that used up its enquiries is told so before it asks again.
    assert "Enquire Summons is locked" in Client().get(URL, REMOTE_ADDR="203.0.113.10").content.decode()
    events = AuditEvent.objects.filter(event_type="causebook.summons_enquiry_locked")
    assert events.count() == 1
    event = events.get()
    assert event.ip_address == "203.0.113.10" and event.target_label == summons.case_number
    # The ID's characters are never recorded.
    assert RIGHT_LAST_FOUR not in str(event.after) and "0000" not in str(event.after)
    assert RIGHT_LAST_FOUR not in caplog.text and "0000" not in caplog.text


def test_right_enquiries_count_too(summons):
    for _ in range(ENQUIRY_LIMIT):
        assert _enquire(summons.case_number, RIGHT_LAST_FOUR).status_code == 200
    assert _enquire(summons.case_number, RIGHT_LAST_FOUR).status_code == 429


@pytest.mark.parametrize(
    ("number", "last_four", "error"),
    [
        ("KCS\x001/2026", RIGHT_LAST_FOUR, ""),  # a NUL byte: the portal's one 400 page, or the form's error
        ("KCS 1/2026", "45\x0063", ""),
        ("not a number", RIGHT_LAST_FOUR, "Enter the summons number as printed on the summons"),
        ("KCS 1", RIGHT_LAST_FOUR, "Enter the summons number as printed on the summons"),
        ("KCS 1/2026", "45", "Enter exactly four letters or digits"),
        ("KCS 1/2026", "4563'; DROP TABLE", "Enter exactly four letters or digits"),
        ("K" * 500, RIGHT_LAST_FOUR, "Ensure this value has at most 40 characters"),
        ("", "", "This field is required."),
    ],
)
def test_garbage_gets_a_clear_form_error_not_a_server_error(db, number, last_four, error):
    response = _enquire(number, last_four)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not AuditEvent.objects.exists()


def test_garbage_is_not_counted(summons):
    for _ in range(ENQUIRY_LIMIT + 5):
        assert _enquire("garbage\x00", "!!").status_code == 400
    assert _enquire(summons.case_number, RIGHT_LAST_FOUR).status_code == 200


def test_the_enquiry_in_chinese(summons):
    client = Client()
    client.cookies["django_language"] = "zh-hant"
    page = _enquire(summons.case_number, RIGHT_LAST_FOUR, client=client).content.decode()
    assert "查詢傳票" in page and "九龍城裁判法院" in page and "第3號法庭" in page and OFFENCE_ZH in page
    wrong = _enquire(summons.case_number, "0000", client=client).content.decode()
    assert "沒有傳票" in wrong
