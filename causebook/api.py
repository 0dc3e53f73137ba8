"""Cause book search and hearings in the JSON API (issue 7: these paths and fields are a contract).

* ``GET /api/v1/causebook/search?q=&court=&type=&year_from=&year_to=&status=&page=&token=``:
  the match count to anyone; ``results`` to staff, to parties (their own cases) and to
  holders of a paid result token for the same search, else ``null``.
* ``GET /api/v1/hearings?court=&date=``: one court's daily cause list, public.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError

from filing.models import Court
from icms.core.api_errors import errors

from . import selectors
from .models import Hearing
from .query import SearchQuery
from .summaries import CaseSummary
from .templatetags.causebook import cause_list_parties

router = Router()
hearings_router = Router()


class PartyOut(Schema):
    side: str
    role_en: str
    role_zh: str
    name_en: str
    name_zh: str


class CaseOut(Schema):
    case_number: str
    court: str
    case_type: str
    parties: list[PartyOut]
    issued_at: datetime | None
    nature_en: str
    nature_zh: str
    status: str
    url: str


class SearchOut(Schema):
    query: str
    count: int
    count_is_estimate: bool
    capped: bool
    access: str
    corrections: list[str]
    page: int
    pages: int
    results: list[CaseOut] | None


class HearingOut(Schema):
    courtroom: str
    judge_en: str
    judge_zh: str
    starts_at: datetime
    case_number: str
    parties_en: str
    parties_zh: str
    hearing_type: str
    nature_en: str
    nature_zh: str
    representation_en: str
    representation_zh: str
    status: str


class CauseListOut(Schema):
    court: str
    date: date
    hearings: list[HearingOut]


class ErrorOut(Schema):
    detail: str


def _case_out(case: CaseSummary, token: str) -> CaseOut:
    url = reverse("causebook:case", args=[case.pk]) + (f"?token={token}" if token else "")
    return CaseOut(
        case_number=case.case_number,
        court=case.court_code,
        case_type=case.case_type_prefix,
        parties=[
            PartyOut(
                side=party.side,
                role_en=party.role_en,
                role_zh=party.role_zh,
                name_en=party.name_en,
                name_zh=party.name_zh,
            )
            for party in case.parties
        ],
        issued_at=case.issued_at,
        nature_en=case.nature_en,
        nature_zh=case.nature_zh,
        status=case.status,
        url=url,
    )


@router.get("/search", response={200: SearchOut, **errors(400, 422)}, url_name="causebook_search")
def search(request: HttpRequest, q: str = "", page: int = 1, token: str = "") -> SearchOut:
    """Search the cause book by party name (English or Chinese) or case number.

    Filters: ``court`` (e.g. DC), ``type`` (e.g. DCCJ), ``year_from``, ``year_to``, ``status``.
    """
    query = SearchQuery.from_params(request.GET)
    results = selectors.cause_book_search(user=request.user, query=query, page=page, token=token)
    return SearchOut(
        query=query.normal_form(),
        count=results.total,
        count_is_estimate=results.estimated,
        capped=results.capped,
        access=results.access,
        corrections=list(results.corrections),
        page=results.page,
        pages=results.pages,
        results=None if results.access == "none" else [_case_out(case, token) for case in results.cases],
    )


@hearings_router.get("/hearings", response={200: CauseListOut, **errors(400, 404, 422)}, url_name="hearings")
def hearings(request: HttpRequest, court: str, date: str = "") -> CauseListOut:
    """One court's daily cause list (``court`` is a code such as DC or KCMAG; ``date`` YYYY-MM-DD, default today)."""
    try:
        day = datetime.strptime(date, "%Y-%m-%d").date() if date else selectors.hong_kong_today()  # noqa: DTZ007
    except ValueError:
        raise HttpError(400, f"'date' must be YYYY-MM-DD; got {date!r}.") from None
    the_court = Court.objects.filter(code=court.strip().upper()).first()
    if the_court is None:
        raise HttpError(404, f"No court with code {court!r}.")
    return CauseListOut(
        court=the_court.code,
        date=day,
        hearings=[_hearing_out(h, the_court) for h in selectors.hearings_for_day(court=the_court, day=day)],
    )


def _hearing_out(hearing: Hearing, court: Court) -> HearingOut:
    parties = cause_list_parties(hearing.case, court)
    return HearingOut(
        courtroom=hearing.courtroom,
        judge_en=hearing.judge_en,
        judge_zh=hearing.judge_zh,
        starts_at=hearing.starts_at,
        case_number=hearing.case.case_number,
        parties_en=parties["en"],
        parties_zh=parties["zh"],
        hearing_type=hearing.hearing_type,
        nature_en=hearing.nature_en or hearing.case.nature_en,
        nature_zh=hearing.nature_zh or hearing.case.nature_zh,
        representation_en=hearing.representation_en,
        representation_zh=hearing.representation_zh,
        status=hearing.status,
    )
