"""Filters: court, case type, year range and status narrow the matches, in pages and the API."""

import pytest

from causebook.query import SearchQuery
from causebook.search import find_cases

pytestmark = pytest.mark.django_db


def ids(**params):
    return set(find_cases(SearchQuery.from_params(params), limit=50).case_ids)


def test_case_type_filter(register):
    assert ids(q="Chan") == {register[k].pk for k in ("target", "chan_siu_man", "chan_tai_ming")}
    assert ids(q="Chan", type="DCPI") == {register["chan_siu_man"].pk, register["chan_tai_ming"].pk}


def test_year_range_filter_and_swapped_bounds(register):
    assert ids(q="Chan", year_from="2025", year_to="2026") == {register["target"].pk}
    assert ids(q="Chan", year_from="2026", year_to="2024") == ids(q="Chan", year_from="2024", year_to="2026")


def test_status_filter(register):
    assert ids(q="Cheung Wai Kit") == {register["closed"].pk}
    assert ids(q="Cheung Wai Kit", status="active") == set()
    assert ids(q="張偉傑", status="closed") == {register["closed"].pk}


def test_court_filter(register):
    assert ids(q="大文", court="DC") == {register["target"].pk, register["wong_tai_man"].pk}
    assert ids(q="大文", court="KCMAG") == set()


def test_nonsense_filters_are_dropped_not_refused():
    query = SearchQuery.from_params({"q": "  CHAN   Tai-man ", "year_from": "abc", "status": "draft", "court": "dc"})
    assert query.year_from is None and query.status == "" and query.court == "DC"
    assert query.normal_form() == "q=chan+tai-man&court=DC"


def test_the_normal_form_of_a_case_number_is_canonical():
    for raw in ("DCCJ 123/2026", "dccj123/2026", "DCCJ 0123 / 2026", "dccj no. 123 of 2026"):
        assert SearchQuery.from_params({"q": raw}).normal_form() == "q=DCCJ+123%2F2026"


def test_paging_is_stable_and_complete(register):
    query = SearchQuery.from_params({"q": "limited"})
    everything = find_cases(query, limit=50).case_ids
    pages = [find_cases(query, limit=2, offset=offset).case_ids for offset in range(0, len(everything), 2)]
    assert [pk for page in pages for pk in page] == everything
    assert find_cases(query, limit=2, offset=100).total == len(everything)
