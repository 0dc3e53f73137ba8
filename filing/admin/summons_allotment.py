"""The review queue's action "Accept the selected summonses, allotting return days".

The clerk selects a department's new summonses of one magistracy (after a bulk filing,
hundreds), gives the first day, the time of the session, the courtroom and how many a
session takes, and they are accepted together by
:func:`filing.services.summons_allotment.summonses_accept_allotting`; this module only asks
and reports. Registered on :class:`filing.admin.review.SubmissionAdmin`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.court_dates import appearance_en, appearance_zh
from icms.core.http import client_ip
from icms.core.languages import is_chinese

from ..models import Submission
from ..services.summons_allotment import (
    MAX_PER_SESSION,
    AllotmentOutcome,
    AllotmentRefused,
    SessionPlan,
    summons_selection_court,
    summonses_accept_allotting,
)

#: The review queue's admin (filing/admin/review.py), which registers this action; named by
#: its base class, as review imports this module.
SubmissionAdmin = admin.ModelAdmin[Submission]

ACTION = "accept_summonses_allotting"


class SessionPlanForm(forms.Form):
    """The sessions the selected summonses fill (Hong Kong time)."""

    first_day = forms.DateField(
        label=_("First return day"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("If it is not a working day, the first working day after it."),
    )
    at = forms.TimeField(
        label=_("Time of the session"),
        initial=time(9, 30),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Hong Kong time, for example 09:30 for the morning list."),
    )
    courtroom = forms.CharField(label=_("Courtroom"), max_length=30, help_text=_("For example: Court No. 3."))
    per_session = forms.IntegerField(
        label=_("Summonses a session"),
        initial=30,
        min_value=1,
        max_value=MAX_PER_SESSION,
        help_text=_(
            "When a session is full (counting summonses already listed in it), the rest go to the same time "
            "on the next working day."
        ),
    )
    magistrate_en = forms.CharField(
        label=_("Magistrate (English)"),
        max_length=150,
        required=False,
        help_text=_(
            "Leave blank to list them before the magistrate already listed in that courtroom each day; "
            "a day with nobody listed refuses its summonses."
        ),
    )
    magistrate_zh = forms.CharField(label=_("Magistrate (Chinese)"), max_length=150, required=False)
    accepted_without_opening = forms.BooleanField(
        label=_("Accept without opening every document"),
        required=False,
        help_text=_(
            "Only if you have checked the summonses another way. The audit log records, for each one, "
            "that you accepted it without opening each document. Otherwise a summons with a document you "
            "have not opened is refused."
        ),
    )

    def plan(self) -> SessionPlan:
        data = self.cleaned_data
        return SessionPlan(
            first_day=data["first_day"],
            at=data["at"],
            courtroom=data["courtroom"],
            per_session=data["per_session"],
            magistrate_en=data["magistrate_en"],
            magistrate_zh=data["magistrate_zh"],
        )


def _plan_page(
    model_admin: SubmissionAdmin, request: HttpRequest, submissions: list[Submission], form: SessionPlanForm
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/filing/submission/allot_return_days.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Accept summonses and allot their return days"),
            "submissions": submissions,
            "court": submissions[0].case.case_type.court,
            "form": form,
            "opts": model_admin.model._meta,
            "action": ACTION,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        },
    )


def _report(model_admin: SubmissionAdmin, request: HttpRequest, outcome: AllotmentOutcome) -> None:
    """One message for the accepted, by session, and one per reason for the refused."""
    accepted, refused = len(outcome.accepted), len(outcome.refused)
    sessions = "; ".join(
        gettext("%(count)d on %(when)s") % {"count": count, "when": _when(moment)}
        for moment, count in outcome.per_session()
    )
    if accepted:
        model_admin.message_user(
            request,
            gettext(
                "Summonses accepted: %(count)d (%(sessions)s). The sealed summonses are being made; "
                "the prosecutor will be told."
            )
            % {"count": accepted, "sessions": sessions},
            messages.SUCCESS,
        )
    if not refused:
        return
    by_reason: dict[str, list[str]] = defaultdict(list)
    for submission, reason in outcome.refused:
        by_reason[reason].append(submission.reference)
    model_admin.message_user(
        request,
        gettext("Summonses refused: %(count)d. Each reason follows; those summonses are still in the queue.")
        % {"count": refused},
        messages.ERROR,
    )
    for reason, references in by_reason.items():
        model_admin.message_user(request, f"{', '.join(references)}: {reason}", messages.ERROR)


def _when(moment: datetime) -> str:
    """The session in the clerk's language, in the Judiciary's words."""
    return appearance_zh(moment) if is_chinese() else appearance_en(moment)


def _clerk(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # the admin site only lets signed-in staff this far
        raise PermissionDenied
    return user


@admin.action(description=_("Accept the selected summonses, allotting return days"), permissions=["decide"])
def accept_summonses_allotting(
    model_admin: SubmissionAdmin, request: HttpRequest, queryset: QuerySet[Submission]
) -> TemplateResponse | None:
    """First the form of the sessions; on a valid form, accept them all and report."""
    submissions = list(queryset.order_by(*model_admin.get_ordering(request)))
    try:
        summons_selection_court(submissions)
    except AllotmentRefused as refused:
        model_admin.message_user(request, " ".join(refused.messages), messages.ERROR)
        return None
    form = SessionPlanForm(request.POST if "first_day" in request.POST else None)
    if not (form.is_bound and form.is_valid()):
        return _plan_page(model_admin, request, submissions, form)
    try:
        outcome = summonses_accept_allotting(
            submissions=submissions,
            plan=form.plan(),
            clerk=_clerk(request),
            accepted_without_opening=form.cleaned_data["accepted_without_opening"],
            ip_address=client_ip(request),
        )
    except ValidationError as refused:  # AllotmentRefused: the plan, keyed by the form's fields
        if hasattr(refused, "error_dict"):
            for name, errors in refused.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, refused.messages)
        return _plan_page(model_admin, request, submissions, form)
    _report(model_admin, request, outcome)
    return None
