"""Causebook's parts of lower apps' pages (:mod:`icms.core.panels`), registered in ``CausebookConfig.ready``.

* ``"case_file"`` (filing's case file): the case's hearings, each with its notice, and the
  address of the case's calendar; the way to apply for copies and certificates;
* ``"account_dashboard"`` (accounts): the addresses of the user's own hearings calendar
  and, for an organisation's administrators, the organisation's.

The addresses carry signed keys (:mod:`causebook.ical`) so that a calendar program can
fetch them without signing in; they are absolute, on the portal's public address. The
dashboard's panel also offers new addresses, which stop the old ones.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import Organisation, User
from accounts.selectors import is_staff_user
from filing.models import Case
from icms.core.email import absolute_url
from icms.core.lookups import NotFound
from icms.core.panels import Panel

from . import ical, selectors


def case_hearings_panel(*, case: Case, user: object, **_context: object) -> Panel | None:
    """The hearings of a numbered case and its calendar address, on the case file of those who act for it."""
    if case.number is None or not isinstance(user, User):
        return None
    feed = reverse("causebook:case_hearings_feed", args=[case.pk])
    key = ical.feed_key(user_id=user.pk, case_id=case.pk, generation=selectors.calendar_generation(user_id=user.pk))
    return "causebook/panels/case_hearings.html", {
        "hearings": selectors.case_hearings_for_party(case=case),
        "feed_url": absolute_url(f"{feed}?{urlencode({'key': key})}"),
    }


def dashboard_calendars_panel(*, user: object, **_context: object) -> Panel | None:
    """The user's hearings calendar, and their organisation's if they administer one. Nothing for staff."""
    if not isinstance(user, User) or not user.is_authenticated or is_staff_user(user):
        return None
    generation = selectors.calendar_generation(user_id=user.pk)
    mine = absolute_url(
        reverse("causebook:my_hearings_feed")
        + "?"
        + urlencode({"key": ical.user_feed_key(user_id=user.pk, generation=generation)})
    )
    organisation: Organisation | None = None
    organisation_url = ""
    try:
        organisation = selectors.administered_organisation(user=user)
    except NotFound:
        pass
    else:
        key = ical.organisation_feed_key(user_id=user.pk, organisation_id=organisation.pk, generation=generation)
        path = reverse("causebook:organisation_hearings_feed", args=[organisation.pk])
        organisation_url = absolute_url(f"{path}?{urlencode({'key': key})}")
    return "causebook/panels/calendars.html", {
        "renew_url": reverse("causebook:calendar_addresses_renew"),
        "my_url": mine,
        "organisation": organisation,
        "organisation_url": organisation_url,
    }


def case_copies_panel(*, case: Case, user: object, **_context: object) -> Panel | None:
    """The way to apply for copies and certificates of a numbered case, on the case file of those who act for it."""
    if case.number is None or not isinstance(user, User) or is_staff_user(user):
        return None
    from .copies import applications_for_user, is_summons_case

    return "causebook/panels/case_copies.html", {
        "url": reverse("causebook:case_copies", args=[case.pk]),
        "summons": is_summons_case(case),
        "count": applications_for_user(user).filter(case=case).count(),
    }


def register_causebook_panels() -> None:
    from icms.core.panels import register_panel

    register_panel("case_file", case_hearings_panel)
    register_panel("case_file", case_copies_panel)
    register_panel("account_dashboard", dashboard_calendars_panel)
