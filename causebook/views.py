"""Cause book and daily cause list pages: thin, over :mod:`causebook.selectors` and services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404
from icms.core.storage import DOWNLOAD_HEADERS
from payments.services import payment_order_create

from . import ical, inspection, selectors, services
from .cause_list import cause_list_day_html
from .forms import CauseListForm, SearchForm
from .query import SearchQuery

# The search, a bought result set and the daily cause list are the busiest pages: their
# templates are Jinja2's (templates/jinja2/causebook/, icms/core/jinja.py; issue 16).
JINJA2 = "jinja2"


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10_000 else 1


def _results_template(request: HttpRequest, full: str) -> str:
    # htmx swaps only the results region; without JavaScript the whole page is served.
    return "causebook/_results.html" if request.headers.get("HX-Request") == "true" else full


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The cause book search: the count is free, the results per the fee rule (selectors)."""
    query = SearchQuery.from_params(request.GET)
    results = selectors.cause_book_search(user=request.user, query=query, page=_page(request))
    context = {"form": SearchForm(request.GET or None), "results": results, "query": query}
    return render(request, _results_template(request, "causebook/search.html"), context, using=JINJA2)


@require_POST
def purchase_create(request: HttpRequest) -> HttpResponse:
    """ "Pay the search fee": record the purchase, then hand over to payment (see the seam below)."""
    query = SearchQuery.from_params(request.POST)
    try:
        purchase = services.search_purchase_create(user=request.user, query=query)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("causebook:search") + "?" + query.normal_form())
    # The search fee goes through payments (the quote, the concession, the deposit account
    # or the gateway); its paid hook grants 24 hours of access (services.search_purchase_grant).
    try:
        order = payment_order_create(
            purpose="search",
            court_level=services.search_fee_court_level(query),
            items=[services.search_fee_item(query)],
            idempotency_key=f"search-{purchase.pk}",
            payer=request.user if request.user.is_authenticated else None,
            purpose_ref=str(purchase.pk),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("causebook:purchase", token=purchase.token)
    return redirect("payments:order", token=order.access_token)


@require_GET
def purchase_detail(request: HttpRequest, token: str) -> HttpResponse:
    """A bought result set: its results while access lasts, else its state (awaiting payment, expired)."""
    now = timezone.now()
    page = _page(request)
    # The purchase and its page of cases in one round trip (issue 16).
    found = selectors.purchase_page(token=token, page=page, now=now)
    if found is None:
        raise Http404
    purchase, page_cases = found
    query = selectors.purchase_query(purchase)
    if purchase.expires_at is not None and purchase.expires_at > now:
        results = selectors.cause_book_search(
            user=request.user, query=query, page=page, purchase=purchase, page_cases=page_cases
        )
        context = {"purchase": purchase, "results": results, "query": query}
        return render(request, _results_template(request, "causebook/purchase.html"), context, using=JINJA2)
    expired = purchase.expires_at is not None
    context = {"purchase": purchase, "query": query, "expired": expired}
    return render(request, "causebook/purchase.html", context, status=410 if expired else 200, using=JINJA2)


@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case's cause book entry, for staff, its parties, or a paid token that found it; else 404."""
    token = request.GET.get("token", "")
    case = found_or_404(selectors.cause_book_case, user=request.user, case_id=case_id, token=token)
    user = request.user
    may_subscribe = isinstance(user, User) and selectors.user_may_see_hearings(user=user, case=case)
    feed_key = ""
    if may_subscribe and user.pk:
        generation = selectors.calendar_generation(user_id=user.pk)
        feed_key = ical.feed_key(user_id=user.pk, case_id=case.pk, generation=generation)
    hearings = selectors.public_hearings_for_case(case=case)
    context = {
        "case": case,
        "token": token,
        "hearings": hearings,
        "feed_key": feed_key,
        "inspectable": inspection.inspectable_documents(case),
    }
    return render(request, "causebook/case.html", context)


@require_POST
def inspection_create(request: HttpRequest, kind: str, document_id: int) -> HttpResponse:
    """ "Inspect this document": the inspection fee goes through payments, like the search fee."""
    purchase = found_or_404(inspection.inspection_purchase_create, user=request.user, kind=kind, pk=document_id)
    court_level = inspection.inspection_court_level(purchase)
    try:
        order = payment_order_create(
            purpose="inspection",
            court_level=court_level,
            items=[f"{court_level}-INSPECT"],
            idempotency_key=f"inspection-{purchase.pk}",
            payer=request.user if request.user.is_authenticated else None,
            purpose_ref=str(purchase.pk),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("causebook:inspection", token=purchase.token)
    return redirect("payments:order", token=order.access_token)


@require_GET
def inspection_detail(request: HttpRequest, token: str) -> HttpResponse:
    purchase = found_or_404(inspection.inspection_for_token, token)
    context = {
        "purchase": purchase,
        "open": inspection.inspection_is_open(purchase),
        "target": purchase.target,
        "case": inspection.inspection_case(purchase),
        "back": found_or_404(inspection.inspection_back_link, purchase=purchase, user=request.user),
    }
    return render(request, "causebook/inspection.html", context)


@require_GET
def inspection_copy(request: HttpRequest, token: str) -> HttpResponse:
    purchase = found_or_404(inspection.inspection_for_token, token)
    data, filename = found_or_404(inspection.inspection_copy_bytes, purchase=purchase, actor=request.user)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response


@require_GET
def cause_list(request: HttpRequest) -> HttpResponse:
    """The daily cause list of one court and date: public, bilingual, printable."""
    courts = selectors.cause_list_courts()
    today = selectors.hong_kong_today()
    data = {"court": request.GET.get("court") or (courts[0].code if courts else ""), "date": request.GET.get("date")}
    data["date"] = data["date"] or today.isoformat()
    form = CauseListForm(data, courts=courts)
    court = None
    day: date = today
    section = ""
    if form.is_valid():
        court = next(c for c in courts if c.code == form.cleaned_data["court"])
        day = form.cleaned_data["date"]
        # Kept per process until a hearing changes (causebook/cause_list.py): read only when it is not.
        section = cause_list_day_html(
            court=court, day=day, rows=lambda: selectors.cause_list_for_day(court=court, day=day)
        )
    context = {"form": form, "court": court, "day": day, "cause_list_day": section, "today": today}
    status = 200 if form.is_valid() else 400
    return render(request, "causebook/cause_list.html", context, status=status, using=JINJA2)


@require_GET
def case_hearings_feed(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case's hearings as iCalendar, for those who may act for it (session, or a signed key); else 404."""
    user: User | None = request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    key = request.GET.get("key", "")
    if key:
        found = ical.user_id_from_key(key, case_id=case_id)
        user = selectors.feed_key_user(user_id=found[0], generation=found[1]) if found else None
    if user is None:
        raise Http404
    case, hearings = found_or_404(selectors.hearings_for_case, user=user, case_id=case_id)
    body = ical.case_hearings_feed(case=case, hearings=hearings, site_host=request.get_host())
    filename = case.case_number.replace(" ", "-").replace("/", "-") or f"case-{case.pk}"
    return _calendar_response(body, f"{filename}-hearings.ics")


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _session_user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


@require_GET
def my_hearings_feed(request: HttpRequest) -> HttpResponse:
    """The hearings of every case the user may act for (session, or the user's signed key); else 404.

    Access is checked again on every fetch: a case the user no longer acts for drops out.
    """
    user = _session_user(request)
    key = request.GET.get("key", "")
    if key:
        found = ical.user_id_from_user_key(key)
        user = selectors.feed_key_user(user_id=found[0], generation=found[1]) if found else None
    if user is None:
        raise Http404
    hearings = found_or_404(selectors.hearings_for_user, user=user)
    name = gettext("My hearings") + " · iCMS"
    body = ical.hearings_feed(name=name, hearings=hearings, site_host=request.get_host())
    return _calendar_response(body, "my-hearings.ics")


@require_GET
def organisation_hearings_feed(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The hearings of every case the organisation is on record in: for its administrators only
    (session, or an administrator's signed key); else 404. Checked again on every fetch."""
    user = _session_user(request)
    key = request.GET.get("key", "")
    if key:
        ids = ical.ids_from_organisation_key(key)
        matches = ids is not None and ids[1] == organisation_id
        user = selectors.feed_key_user(user_id=ids[0], generation=ids[2]) if ids is not None and matches else None
    if user is None:
        raise Http404
    organisation, hearings = found_or_404(
        selectors.hearings_for_organisation, user=user, organisation_id=organisation_id
    )
    name = f"{organisation.name_en} {organisation.name_zh} · iCMS"
    body = ical.hearings_feed(name=name, hearings=hearings, site_host=request.get_host())
    return _calendar_response(body, "organisation-hearings.ics")


@login_required
@require_POST
def calendar_addresses_renew(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New calendar addresses for the user: the old ones stop working (one shared by mistake)."""
    services.calendar_addresses_renew(user=request.user, ip_address=client_ip(request))
    messages.success(
        request,
        gettext("You have new calendar addresses. The old ones no longer work: subscribe again with the new ones."),
    )
    return redirect("accounts:dashboard")
