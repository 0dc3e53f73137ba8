"""The portal's URLs plus the two ceilings of bench/causebook_pages.py.

* ``bench/minimal/``: the smallest Django view (one short response through the full
  middleware stack);
* ``bench/ceiling/``: the purchase results template rendered from an in-memory page of
  cases, with no query per request (the rendering ceiling);
* ``bench/ceiling-search/``: the same for the search page a signed-in clerk sees (its
  form, with the case types read once, and the same page of cases), the ceiling of the
  live search page.
"""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from causebook.forms import SearchForm
from causebook.models import SearchPurchase
from causebook.query import SearchQuery
from causebook.selectors import SearchResults, purchase_query
from causebook.summaries import case_summaries
from icms.urls import urlpatterns as portal_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@cache
def _page() -> tuple[SearchPurchase, SearchQuery, list]:  # type: ignore[type-arg]
    # Loaded once per worker, then every request renders from memory.
    purchase = SearchPurchase.objects.filter(paid_at__isnull=False).order_by("pk").first()
    assert purchase is not None, "run bench/causebook_pages.py, which makes the purchases"
    query = purchase_query(purchase)
    from causebook.search import find_cases

    hits = find_cases(query, limit=20)
    return purchase, query, case_summaries(hits.case_ids)


def ceiling(request: HttpRequest) -> HttpResponse:
    purchase, query, cases = _page()
    results = SearchResults(
        query=query, total=len(cases), capped=False, access="all", cases=cases, page=1, page_size=20, purchase=purchase
    )
    context = {"purchase": purchase, "results": results, "query": query}
    return render(request, "causebook/purchase.html", context, using="jinja2")


@cache
def _search_form() -> SearchForm:
    return SearchForm({"q": purchase_query(_page()[0]).q})


def ceiling_search(request: HttpRequest) -> HttpResponse:
    _, query, cases = _page()
    results = SearchResults(
        query=query, total=len(cases), capped=False, access="all", cases=cases, page=1, page_size=20
    )
    context = {"form": _search_form(), "results": results, "query": query}
    return render(request, "causebook/search.html", context, using="jinja2")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/ceiling/", ceiling),
    path("bench/ceiling-search/", ceiling_search),
    *portal_urlpatterns,
]
