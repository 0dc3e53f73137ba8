"""A bought result set's page: the purchase and its page of cases in one query (issue 16)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from causebook.models import SearchPurchase
from causebook.query import SearchQuery
from causebook.selectors import purchase_page
from causebook.services import search_purchase_create, search_purchase_grant
from icms.core.time import HONG_KONG
from tests.causebook.conftest import make_case

# The search fee is a concession-period amount; and the clock is pinned, so access lasts as the test says.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_the_concession_period")]

PAID_AT = datetime(2026, 11, 25, 10, 0, tzinfo=HONG_KONG)


def _numbers(body: str) -> list[str]:
    return [part.split("</a>")[0].rsplit(">", 1)[1] for part in body.split('<h3 class="result__number">')[1:]]


@pytest.fixture
def bought(register, settings):
    """A paid search for "Chan Tai Man" whose kept result set is six cases, two to a page."""
    settings.CAUSEBOOK_PAGE_SIZE = 2
    for number in range(1, 6):
        make_case("DCPI", 500 + number, 2025, ("CHAN Tai Man", "陳大文"), ("ASIA LIMITED", "亞洲有限公司"))
    with time_machine.travel(PAID_AT, tick=False):
        purchase = search_purchase_create(user=AnonymousUser(), query=SearchQuery.from_params({"q": "Chan Tai Man"}))
        search_purchase_grant(purchase=purchase, paid_at=PAID_AT)
    purchase.refresh_from_db()
    assert len(purchase.case_ids) == 6
    return purchase


def _number(pk: int) -> str:
    from filing.models import Case

    return Case.objects.get(pk=pk).case_number


@time_machine.travel(PAID_AT + timedelta(hours=1), tick=False)
def test_each_page_of_the_html_view_shows_its_cases_in_the_kept_order_in_one_query(
    client, bought, django_assert_num_queries
):
    url = reverse("causebook:purchase", args=[bought.token])
    client.get(url)  # warm the kept case types
    seen = []
    for page in (1, 2, 3):
        with django_assert_num_queries(1):
            response = client.get(url, {"page": page})
        assert response.status_code == 200
        assert f"Page {page} of 3" in response.text
        seen += _numbers(response.text)
    assert seen == [_number(pk) for pk in bought.case_ids]


@time_machine.travel(PAID_AT + timedelta(hours=1), tick=False)
def test_a_page_past_the_end_shows_no_case(client, bought):
    response = client.get(reverse("causebook:purchase", args=[bought.token]), {"page": 9})
    assert response.status_code == 200
    assert _numbers(response.text) == []


def test_the_cases_come_with_the_purchase_only_while_access_lasts(bought):
    ends = bought.expires_at
    found = purchase_page(token=bought.token, page=2, now=ends - timedelta(microseconds=1))
    assert found is not None
    purchase, cases = found
    assert purchase.pk == bought.pk and purchase.case_ids == bought.case_ids
    assert (purchase.query, purchase.result_count, purchase.expires_at) == (bought.query, 6, ends)
    assert cases is not None and [case.pk for case in cases] == bought.case_ids[2:4]
    assert all(case.parties for case in cases)
    purchase, cases = purchase_page(token=bought.token, page=2, now=ends)
    assert purchase.pk == bought.pk and cases is None
    assert purchase_page(token="not-a-real-token", page=1, now=ends) is None


def test_an_unpaid_purchase_comes_without_cases(register):
    purchase = search_purchase_create(user=AnonymousUser(), query=SearchQuery.from_params({"q": "大文"}))
    found = purchase_page(token=purchase.token, page=1, now=PAID_AT)
    assert found is not None
    assert found[0].pk == purchase.pk and found[0].expires_at is None and found[1] is None


@time_machine.travel(PAID_AT + timedelta(hours=1), tick=False)
def test_a_purchase_kept_without_its_result_set_is_searched_again(client, bought):
    SearchPurchase.objects.filter(pk=bought.pk).update(case_ids=None)
    response = client.get(reverse("causebook:purchase", args=[bought.token]))
    assert response.status_code == 200
    assert len(_numbers(response.text)) == 2
    assert "6 cases match" in response.text
