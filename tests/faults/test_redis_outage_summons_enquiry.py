"""Redis down: Enquire Summons answers no enquiry it cannot count (its limit fails closed).

Its second factor is four characters, so an uncounted enquiry would let anyone try all
10,000 and read a defendant's return day. While the private Redis the cache is pointed at
is stopped, every well-formed enquiry, right pair or wrong, gets the same 503 page with
``Retry-After``, no summons is looked up, and the form keeps the number typed; malformed
input still gets its form errors. Once Redis is back, enquiries are answered again.
"""

from __future__ import annotations

import logging
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from causebook import summons_enquiry
from causebook.summons_enquiry import ENQUIRY_LIMIT, UNAVAILABLE_RETRY_AFTER_SECONDS
from filing.models import Case
from icms.core.models import AuditEvent
from icms.core.redis_cache import OutageWarning
from tests.faults.test_redis_outage_cache import cache_on_private_redis  # noqa: F401 (a fixture)
from tests.filing.summons_world import OFFENCE_EN, accept_summons, department_user, file_summons, return_day

pytestmark = [pytest.mark.faults, pytest.mark.django_db]
URL = reverse("causebook:summons_enquiry")
RIGHT_LAST_FOUR = "4563"  # of A123456(3)


@pytest.fixture
def summons(db, document_storage) -> Case:
    """An accepted summons at Kowloon City with its return day."""
    submission = accept_summons(file_summons(department_user()), return_at=return_day())
    return Case.objects.get(pk=submission.case_id)


@pytest.fixture
def outage_warning(monkeypatch):
    """The module's warning of refused enquiries, fresh and on a clock the test moves."""
    clock = [1000.0]
    fresh = OutageWarning(
        logging.getLogger(summons_enquiry.__name__),
        "Enquire Summons refused: its rate limit cannot be counted while Redis is down",
        clock=lambda: clock[0],
    )
    monkeypatch.setattr(summons_enquiry, "_refused_in_outage", fresh)
    return clock


def _enquire(number: str, last_four: str, *, address: str = "203.0.113.10"):
    return Client().post(URL, {"summons_number": number, "id_last_four": last_four}, REMOTE_ADDR=address)


def _page(response) -> str:
    """The page without what differs between any two requests (the CSRF token, the nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"|"X-CSRFToken": "[^"]*"', "", html)


def _shows_the_summons(response) -> bool:
    page = response.content.decode()
    return "Court No. 3" in page or OFFENCE_EN in page or "Return day and time" in page


def test_while_redis_is_down_no_enquiry_is_answered_and_none_looks_up_a_summons(
    summons,
    cache_on_private_redis,  # noqa: F811 (the fixture imported above)
    outage_warning,
    caplog,
):
    right = _enquire(summons.case_number, RIGHT_LAST_FOUR)
    assert right.status_code == 200 and _shows_the_summons(right)
    assert _enquire(summons.case_number, "0000").status_code == 400

    cache_on_private_redis.stop()
    with caplog.at_level(logging.WARNING):
        with CaptureQueriesContext(connection) as captured:
            during = _enquire(summons.case_number, RIGHT_LAST_FOUR)
        wrong = _enquire(summons.case_number, "0000")
        elsewhere = _enquire(f"KCS 9999/{summons.year}", RIGHT_LAST_FOUR, address="198.51.100.7")

    assert during.status_code == 503 and during["Retry-After"] == str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    page = during.content.decode()
    assert "Enquire Summons is temporarily unavailable" in page and "try again" in page
    assert not _shows_the_summons(during)
    # Not looked up: no query touches the cases, their summons details or their parties.
    assert not [q["sql"] for q in captured.captured_queries if "filing_" in q["sql"]]
    # The number typed is kept in the form (the ID's characters never are, as for any answer).
    assert f'value="{summons.case_number}"' in page and RIGHT_LAST_FOUR not in page
    # A right pair and a wrong one get the same page: the outage tells nothing either.
    assert wrong.status_code == elsewhere.status_code == 503
    assert _page(wrong) == _page(during)
    # Logged once for the three refusals (and once more after the interval, with the count held back).
    refused = [r for r in caplog.records if r.name == summons_enquiry.__name__]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert "cannot be counted while Redis is down" in refused[0].getMessage()
    assert RIGHT_LAST_FOUR not in caplog.text and "0000" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "not an ERROR per refused enquiry"
    outage_warning[0] += 30.5
    with caplog.at_level(logging.WARNING, logger=summons_enquiry.__name__):
        assert _enquire(summons.case_number, RIGHT_LAST_FOUR).status_code == 503
    refused = [r for r in caplog.records if r.name == summons_enquiry.__name__]
    assert len(refused) == 2 and "(2 more since the last report)" in refused[1].getMessage()
    # Malformed input is still a form error, not an enquiry.
    malformed = _enquire("not a number", RIGHT_LAST_FOUR)
    assert malformed.status_code == 400 and "Enter the summons number as printed" in malformed.content.decode()
    assert not AuditEvent.objects.filter(event_type="causebook.summons_enquiry_locked").exists()

    cache_on_private_redis.start()  # back, and empty: counting again from nothing
    again = _enquire(summons.case_number, RIGHT_LAST_FOUR)
    assert again.status_code == 200 and _shows_the_summons(again)


def test_a_lock_check_that_read_a_miss_does_not_let_an_enquiry_past_the_limit(summons, monkeypatch):
    # As when Redis times out on the check before counting and answers the count: the count decides.
    for _ in range(ENQUIRY_LIMIT):
        assert _enquire(summons.case_number, "0000").status_code == 400
    monkeypatch.setattr(summons_enquiry, "_used_up", lambda *keys: False)
    over = _enquire(summons.case_number, RIGHT_LAST_FOUR)
    assert over.status_code == 429 and not _shows_the_summons(over)
    assert AuditEvent.objects.filter(event_type="causebook.summons_enquiry_locked").count() == 1


def test_while_redis_is_down_the_empty_page_says_so_instead_of_offering_the_form(
    db,
    cache_on_private_redis,  # noqa: F811 (the fixture imported above)
):
    # Before: the form, to be refused only after it was filled in.
    before = Client().get(URL)
    assert before.status_code == 200 and 'name="summons_number"' in before.content.decode()

    cache_on_private_redis.stop()
    during = Client().get(URL)
    during_zh = Client().get(URL, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert during.status_code == during_zh.status_code == 503
    assert during["Retry-After"] == str(UNAVAILABLE_RETRY_AFTER_SECONDS)
    page = during.content.decode()
    assert "Enquire Summons is temporarily unavailable" in page and "contact the registry" in page
    assert 'name="summons_number"' not in page, "no form that every enquiry through would be refused"
    assert "查詢傳票功能暫時未能使用" in during_zh.content.decode()

    cache_on_private_redis.start()
    after = Client().get(URL)
    assert after.status_code == 200 and 'name="summons_number"' in after.content.decode()
