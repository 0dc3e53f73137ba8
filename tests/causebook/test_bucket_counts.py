"""The buckets' kept counts: read only by the plan for many, kept per process until the counts are applied again."""

from datetime import datetime

import pytest
from django.core.cache import cache

from causebook.filters import BUCKET_SECONDS
from causebook.query import SearchQuery
from causebook.search import find_cases
from causebook.terms import BUCKETS_VERSION_KEY, bucket_counts, term_counts, term_counts_apply
from icms.core.time import HONG_KONG
from tests.causebook.conftest import make_case

pytestmark = pytest.mark.django_db


def _bucket(year: int) -> int:
    # make_case issues a case on 1 March of its year, 10:00 in Hong Kong.
    return int(datetime(year, 3, 1, 10, 0, tzinfo=HONG_KONG).timestamp()) // BUCKET_SECONDS


def test_a_search_that_finds_few_reads_no_bucket(register, django_assert_num_queries):
    term_counts_apply()
    find_cases(SearchQuery.from_params({"q": "Chan Tai Man"}))  # the terms' own statement, remembered
    # The kept counts of the query's pairs, and the few matches ranked: the buckets are not read.
    with django_assert_num_queries(2) as statements:
        hits = find_cases(SearchQuery.from_params({"q": "Chan Tai Man"}))
    assert hits.total == 1
    assert not any("'@'" in statement["sql"] for statement in statements.captured_queries)


def test_the_counts_are_read_once_then_kept_until_they_are_applied_again(register, django_assert_num_queries):
    term_counts_apply()
    assert term_counts([])._buckets is None  # read when first asked for
    first = bucket_counts()
    assert _bucket(2026) in dict(first)
    with django_assert_num_queries(0):
        assert bucket_counts() == first
    make_case("DCCJ", 31, 2030, ("CHAN Tai Man", "陳大文"), ("ASIA LIMITED", "亞洲有限公司"))
    with django_assert_num_queries(0):
        assert _bucket(2030) not in dict(bucket_counts())  # not applied yet: the counts say so too
    term_counts_apply()
    applied = bucket_counts()
    assert applied[0] == (_bucket(2030), 2)  # newest first: the new case's two parties


def test_another_process_applying_the_counts_is_seen(register, django_assert_num_queries):
    term_counts_apply()
    bucket_counts()
    cache.set(BUCKETS_VERSION_KEY, "another-process-applied-them", None)
    with django_assert_num_queries(1):
        bucket_counts()


def test_no_version_in_the_cache_trusts_nothing_kept(register, django_assert_num_queries):
    term_counts_apply()
    bucket_counts()
    cache.clear()  # evicted, flushed, or Redis down: nothing kept is trusted
    with django_assert_num_queries(1):
        bucket_counts()
