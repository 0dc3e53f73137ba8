"""Reading the cause book and the daily cause list, always for a given user.

Who sees what (icms-reference §3-4; issue 7):

* **The count** of cases matching a search is free to everyone.
* **The results** are shown to staff, to holders of a paid, unexpired result token for
  that same search, and, free, to parties and their representatives for their *own*
  cases (:func:`filing.access.cases_visible_to`); everyone else pays the search fee.
* **A case page** follows the same rule: staff, those who may act for the case, or a
  token whose result set holds the case. Anything else is ``NotFound`` (a 404).
* **The daily cause list** is public.

Only accepted cases (with a number; active or closed) are ever in the cause book.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from urllib.parse import parse_qsl

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.selectors import is_staff_user
from filing.access import AnyUser, cases_visible_to, organisation_cases
from filing.models import Case, Court, Party
from icms.core.lookups import NotFound, get_visible
from icms.core.time import HONG_KONG

from .cause_list import CauseListRow, cause_list_rows
from .models import CalendarKeys, Hearing, SearchPurchase
from .query import SearchQuery
from .reference import reference
from .search import Fragment, Hits, find_cases
from .summaries import CaseSummary, case_summaries, purchase_with_page

Access = Literal["all", "own", "none"]


@dataclass(frozen=True)
class SearchResults:
    """A search as the user may see it: the count always, the cases only per ``access``.

    ``access`` is "all" (staff or a paid token), "own" (the user's own matching cases,
    free) or "none" (count only). ``own_total`` counts the user's own matches.
    """

    query: SearchQuery
    total: int
    capped: bool
    access: Access
    cases: list[CaseSummary] = field(default_factory=list)
    own_total: int = 0
    page: int = 1
    page_size: int = 20
    corrections: tuple[str, ...] = ()
    purchase: SearchPurchase | None = None
    #: ``total`` is an honest estimate ("about 136,700"), not an exact count.
    estimated: bool = False

    @property
    def shown_total(self) -> int:
        """How many cases can be paged through: the best 1,000 at most."""
        shown = self.total if self.access == "all" else self.own_total
        if self.purchase is not None and self.purchase.case_ids is not None:
            shown = len(self.purchase.case_ids)
        return min(shown, int(settings.CAUSEBOOK_MAX_MATCHES))

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.shown_total / self.page_size)) if self.page_size else 1

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _scope_sql(queryset: QuerySet[Case]) -> Fragment:
    sql, params = queryset.values("pk").query.sql_with_params()
    return sql, list(params)


def hydrate_cases(case_ids: Sequence[int]) -> list[Case]:
    """Cases with court, type and ordered parties, in the order of ``case_ids``. Two queries.

    Callers must already have decided that the user may see these cases.
    """
    if not case_ids:
        return []
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("case_type__court")
        .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("side", "ordinal", "pk")))
    )
    by_id = {case.pk: case for case in cases}
    return [by_id[pk] for pk in case_ids if pk in by_id]


def purchase_for_token(*, token: str) -> SearchPurchase | None:
    """The paid, unexpired purchase with ``token``, or None (unknown, unpaid or expired)."""
    if not token or len(token) > 64:
        return None
    return SearchPurchase.objects.filter(token=token, expires_at__gt=timezone.now()).first()


def purchase_page(*, token: str, page: int, now: datetime) -> tuple[SearchPurchase, list[CaseSummary] | None] | None:
    """The purchase with ``token`` whatever its state (for its own status page only), and, while
    access lasts at ``now``, the cases of ``page`` of its kept result set, read with it in one
    round trip (issue 16); None for the cases otherwise. Hand both to :func:`cause_book_search`.
    """
    if not token or len(token) > 64:
        return None
    page_size = int(settings.CAUSEBOOK_PAGE_SIZE)
    return purchase_with_page(token, offset=(max(1, page) - 1) * page_size, limit=page_size, now=now)


def cause_book_search(
    *,
    user: AnyUser,
    query: SearchQuery,
    page: int = 1,
    token: str = "",
    purchase: SearchPurchase | None = None,
    page_cases: list[CaseSummary] | None = None,
) -> SearchResults:
    """Run ``query`` for ``user``: the count, and the page of results they may see.

    ``token`` is a result token from a paid search (or ``purchase``, the purchase already
    looked up by its token); it opens the results only for the search it was bought for,
    and only while access lasts. ``page_cases``: the cases of ``page`` of the purchase's
    kept result set, already read with it (:func:`purchase_page`).
    """
    page = max(1, page)
    page_size = int(settings.CAUSEBOOK_PAGE_SIZE)
    if purchase is None and token:
        purchase = purchase_for_token(token=token)
    if purchase is not None and (
        purchase.query != query.normal_form() or purchase.expires_at is None or purchase.expires_at <= timezone.now()
    ):
        purchase = None
    if query.mode == "empty":
        return SearchResults(query=query, total=0, capped=False, access="none", page_size=page_size)
    access: Access = "all" if is_staff_user(user) or purchase is not None else "none"
    offset = (page - 1) * page_size
    if purchase is not None and purchase.case_ids is not None:
        # The bought result set, as kept when the fee was paid: no search per page.
        if page_cases is None:
            page_cases = case_summaries(purchase.case_ids[offset : offset + page_size])
        return SearchResults(
            query=query,
            total=max(purchase.result_count, len(purchase.case_ids)),
            capped=purchase.capped,
            access="all",
            cases=page_cases,
            page=page,
            page_size=page_size,
            purchase=purchase,
            estimated=purchase.count_is_estimate,
        )
    if access == "all":
        hits = find_cases(query, limit=page_size, offset=offset)
        return SearchResults(
            query=query,
            total=hits.total,
            capped=hits.capped,
            access="all",
            cases=case_summaries(hits.case_ids),
            page=page,
            page_size=page_size,
            corrections=hits.corrections,
            purchase=purchase,
            estimated=hits.estimated,
        )
    everything = find_cases(query)
    own: Hits | None = None
    if user.is_authenticated and everything.total:
        own = find_cases(query, scope=_scope_sql(cases_visible_to(user)), limit=page_size, offset=offset)
    if own is None or not own.total:
        return SearchResults(
            query=query,
            total=everything.total,
            capped=everything.capped,
            access="none",
            corrections=everything.corrections,
            page_size=page_size,
            estimated=everything.estimated,
        )
    return SearchResults(
        query=query,
        total=everything.total,
        capped=everything.capped,
        access="own",
        cases=case_summaries(own.case_ids),
        own_total=own.total,
        page=page,
        page_size=page_size,
        corrections=everything.corrections,
        estimated=everything.estimated,
    )


def cause_book_case(*, user: AnyUser, case_id: int, token: str = "") -> Case:
    """The cause book entry of one case, if ``user`` may see it; else ``NotFound``.

    Staff and those who may act for the case see it free; anyone else needs a paid token
    whose result set holds the case. Drafts and cases pending acceptance are never here.
    """
    public = Case.objects.filter(pk=case_id, number__isnull=False, status__in=["active", "closed"])
    if is_staff_user(user) or (user.is_authenticated and cases_visible_to(user).filter(pk=case_id).exists()):
        allowed = True
    else:
        purchase = purchase_for_token(token=token) if token else None
        if purchase is None:
            allowed = False
        elif purchase.case_ids is not None:
            allowed = case_id in purchase.case_ids
        else:
            allowed = bool(find_cases(purchase_query(purchase), scope=("SELECT %s", [case_id])).total)
    if not allowed:
        raise NotFound
    cases = hydrate_cases(list(public.values_list("pk", flat=True)))
    if not cases:
        raise NotFound
    return cases[0]


def _params(normal_form: str) -> dict[str, str]:
    return dict(parse_qsl(normal_form))


def purchase_query(purchase: SearchPurchase) -> SearchQuery:
    """The search a purchase was bought for."""
    return SearchQuery.from_params(_params(purchase.query))


# --- The daily cause list -------------------------------------------------------------


def cause_list_courts() -> list[Court]:
    """Every court, District Court first, for the cause list's court picker (kept: causebook/reference.py)."""
    return list(reference().courts)


def hong_kong_today() -> date:
    return timezone.now().astimezone(HONG_KONG).date()


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=HONG_KONG)
    return start, start + timedelta(days=1)


def hearings_for_day(*, court: Court, day: date) -> list[Hearing]:
    """One court's daily cause list: public. Ordered by courtroom, then time. Two queries."""
    start, end = _day_bounds(day)
    hearings = (
        Hearing.objects.filter(court=court, starts_at__gte=start, starts_at__lt=end)
        .select_related("case__case_type")
        .prefetch_related(Prefetch("case__parties", queryset=Party.objects.order_by("side", "ordinal", "pk")))
        .order_by("courtroom", "starts_at", "pk")
    )
    return list(hearings)


def cause_list_for_day(*, court: Court, day: date) -> list[CauseListRow]:
    """One court's daily cause list as the page prints it (:mod:`causebook.cause_list`): public. One query."""
    start, end = _day_bounds(day)
    return cause_list_rows(court=court, start=start, end=end)


def hearings_for_case(*, user: AnyUser, case_id: int) -> tuple[Case, list[Hearing]]:
    """A case's hearings, for those who may act for it (the iCalendar feed). Else ``NotFound``."""
    case = get_visible(cases_visible_to(user).select_related("case_type"), pk=case_id)
    hearings = list(Hearing.objects.filter(case=case).select_related("court").order_by("starts_at", "pk"))
    return case, hearings


def user_may_see_hearings(*, user: AnyUser, case: Case) -> bool:
    """Whether ``user`` may subscribe to the case's hearings feed (those who may act for it)."""
    return bool(user.is_authenticated) and cases_visible_to(user).filter(pk=case.pk).exists()


def public_hearings_for_case(*, case: Case) -> list[Hearing]:
    """The case's listings from today on: what the public cause lists show anyway."""
    start, _ = _day_bounds(hong_kong_today())
    return list(Hearing.objects.filter(case=case, starts_at__gte=start).select_related("court").order_by("starts_at"))


# --- Hearing calendars of a user and of an organisation ----------------------------------


def calendar_generation(*, user_id: int) -> int:
    """The generation of the user's calendar addresses: only keys of this generation open a feed."""
    return CalendarKeys.objects.filter(user_id=user_id).values_list("generation", flat=True).first() or 0


def feed_key_user(*, user_id: int, generation: int) -> User | None:
    """The active user a feed key names, if the key is of their addresses' current generation."""
    if generation != calendar_generation(user_id=user_id):
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


#: How far back a subscribed calendar reaches: past hearings stay a while, then drop off.
FEED_HISTORY = timedelta(days=366)


def _feed_hearings(cases: QuerySet[Case]) -> list[Hearing]:
    since = timezone.now() - FEED_HISTORY
    return list(
        Hearing.objects.filter(case__in=cases.values("pk"), starts_at__gte=since)
        .select_related("case__case_type", "court")
        .order_by("starts_at", "pk")
    )


def hearings_for_user(*, user: AnyUser) -> list[Hearing]:
    """The hearings of every case ``user`` may act for (their own calendar feed).

    Not for staff, who may see every case: the daily cause list is theirs. ``NotFound`` then.
    """
    if not user.is_authenticated or is_staff_user(user):
        raise NotFound
    return _feed_hearings(cases_visible_to(user))


def administered_organisation(*, user: AnyUser, organisation_id: int | None = None) -> Organisation:
    """The approved organisation ``user`` administers now (that one, if ``organisation_id``); else ``NotFound``."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound
    memberships = Membership.objects.filter(
        user=user,
        deactivated_at__isnull=True,
        organisation__status=Organisation.Status.APPROVED,
        role__in=[Membership.Role.PRIMARY_ADMIN, Membership.Role.SECONDARY_ADMIN],
    ).select_related("organisation")
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    membership = memberships.order_by("created_at").first()
    if membership is None:
        raise NotFound
    return membership.organisation


def hearings_for_organisation(*, user: AnyUser, organisation_id: int) -> tuple[Organisation, list[Hearing]]:
    """The hearings of every case the organisation is on record in, for its administrators only."""
    organisation = administered_organisation(user=user, organisation_id=organisation_id)
    return organisation, _feed_hearings(organisation_cases(organisation))


def case_hearings_for_party(*, case: Case) -> list[Hearing]:
    """Every listing of a case, for its case file (the caller has scoped the case to the user)."""
    return list(Hearing.objects.filter(case=case).select_related("court", "notice").order_by("starts_at", "pk"))
