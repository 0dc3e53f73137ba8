"""Registry staff keep the daily cause list here, and issue or refuse applications for copies and
certificates; every change goes through a service (audited).

A hearing is fixed from its case's page ("Fix a hearing", :func:`causebook.hearings.hearing_fix`):
the listing and the notice to the parties in one step. Each listing's "Adjourn" and "Vacate"
issue their notices too. The change form is only for correcting a listing's details
without telling anyone ("Correct a listing (no notice)"); there is no separate add form,
so a clerk never enters a hearing twice.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from filing.models import Case
from icms.core.admin_base import ReadOnlyAdmin
from icms.core.admin_scale import RegisterListAdmin
from icms.core.http import client_ip

from .admin_forms import HearingAdjournForm, HearingFixForm, HearingVacateForm
from .copies import CERTIFICATE_KINDS, application_label
from .copy_issue import copy_application_issue, copy_application_refuse
from .forms_copies import CopyIssueForm, CopyRefuseForm
from .hearings import hearing_adjourn, hearing_fix, hearing_vacate
from .models import CopyApplication, Hearing, SearchPurchase
from .services import hearing_delete, hearing_save, hearing_validate


class HearingForm(forms.ModelForm[Hearing]):
    class Meta:
        model = Hearing
        fields = [
            "case",
            "court",
            "courtroom",
            "judge_en",
            "judge_zh",
            "starts_at",
            "hearing_type",
            "nature_en",
            "nature_zh",
            "representation_en",
            "representation_zh",
            "status",
        ]

    def _post_clean(self) -> None:
        # After the instance is built from the form: the service's listing rules, shown as form errors.
        # django-stubs leaves out these two private hooks of Django's ModelForm, which this one extends.
        super()._post_clean()  # type: ignore[misc]
        if not self.errors:
            try:
                hearing_validate(self.instance)
            except ValidationError as error:
                self._update_errors(error)  # type: ignore[attr-defined]


def _staff(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


@admin.register(Hearing)
class HearingAdmin(RegisterListAdmin[Hearing]):
    """Hearings in date order. The registry walks them day by day, so the date hierarchy stays:
    RegisterListAdmin finds its years, months and days by index probes, not by reading every row."""

    form = HearingForm
    list_display = ["starts_at", "court", "courtroom", "case", "hearing_type", "status", "listing_actions"]
    list_filter = ["court", "status", "hearing_type"]
    list_select_related = ["court", "case__case_type"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["case"]
    search_fields = ["courtroom", "judge_en", "judge_zh"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Hearings are fixed from the case's page, with their notice (hearing_fix): never added bare.
        return False

    def save_model(self, request: HttpRequest, obj: Hearing, form: Any, change: bool) -> None:
        hearing_save(hearing=obj, actor=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        context = {
            "title": gettext("Correct a listing (no notice)"),
            "subtitle": gettext(
                "Corrects the record only: the parties are not told. To change a hearing's date, "
                "adjourn it; to cancel it, vacate it."
            ),
            **(extra_context or {}),
        }
        return super().changeform_view(request, object_id, form_url, context)

    @admin.display(description=_("actions"))
    def listing_actions(self, hearing: Hearing) -> str:
        if hearing.status != Hearing.Status.LISTED:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:causebook_hearing_adjourn", args=[hearing.pk]),
            gettext("Adjourn"),
            reverse("admin:causebook_hearing_vacate", args=[hearing.pk]),
            gettext("Vacate"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("fix/<int:case_id>/", view(self.fix_view), name="causebook_hearing_fix"),
            path("<int:hearing_id>/adjourn/", view(self.adjourn_view), name="causebook_hearing_adjourn"),
            path("<int:hearing_id>/vacate/", view(self.vacate_view), name="causebook_hearing_vacate"),
            *super().get_urls(),
        ]

    def _form_page(self, request: HttpRequest, *, case: Case, form: forms.Form, **context: Any) -> HttpResponse:
        return TemplateResponse(
            request,
            "admin/causebook/hearing/hearing_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "case": case,
                "form": form,
                "media": self.media + form.media,
                "case_url": reverse("admin:filing_case_change", args=[case.pk]),
                **context,
            },
        )

    def _done(self, request: HttpRequest, case: Case, message: str) -> HttpResponse:
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:filing_case_change", args=[case.pk]))

    def fix_view(self, request: HttpRequest, case_id: int) -> HttpResponse:
        """GET: the form, the court the case's; POST: fix the hearing and issue its notice."""
        if not request.user.has_perm("causebook.add_hearing"):
            raise PermissionDenied
        case = get_object_or_404(Case.objects.select_related("case_type__court"), pk=case_id)
        form = HearingFixForm(request.POST if request.method == "POST" else None, case=case)
        if form.is_bound and form.is_valid():
            try:
                hearing = hearing_fix(
                    case=case, actor=_staff(request), ip_address=client_ip(request), **form.cleaned_data
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                message = gettext("Hearing fixed for %(when)s. The notice of hearing was issued to the parties.")
                return self._done(request, case, message % {"when": hearing.label_time})
        title = gettext("Fix a hearing in %(case)s") % {"case": case.case_number}
        return self._form_page(request, case=case, form=form, title=title, submit=gettext("Fix and issue the notice"))

    def _listed(self, request: HttpRequest, hearing_id: int) -> Hearing:
        if not request.user.has_perm("causebook.change_hearing"):
            raise PermissionDenied
        return get_object_or_404(Hearing.objects.select_related("case__case_type__court", "court"), pk=hearing_id)

    def adjourn_view(self, request: HttpRequest, hearing_id: int) -> HttpResponse:
        hearing = self._listed(request, hearing_id)
        form = HearingAdjournForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                new = hearing_adjourn(
                    hearing=hearing,
                    new_starts_at=data["new_starts_at"],
                    courtroom=data["courtroom"] or None,
                    reason=data["reason"],
                    actor=_staff(request),
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                _add_errors(form, error, rename={"starts_at": "new_starts_at"})
            else:
                message = gettext("Hearing adjourned to %(when)s. The notice was issued to the parties.")
                return self._done(request, hearing.case, message % {"when": new.label_time})
        title = gettext("Adjourn the hearing of %(when)s") % {"when": hearing.label_time}
        return self._form_page(
            request, case=hearing.case, form=form, hearing=hearing, title=title, submit=gettext("Adjourn")
        )

    def vacate_view(self, request: HttpRequest, hearing_id: int) -> HttpResponse:
        hearing = self._listed(request, hearing_id)
        form = HearingVacateForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                hearing_vacate(
                    hearing=hearing,
                    reason=form.cleaned_data["reason"],
                    actor=_staff(request),
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                message = gettext("Hearing of %(when)s vacated. The notice was issued to the parties.")
                return self._done(request, hearing.case, message % {"when": hearing.label_time})
        title = gettext("Vacate the hearing of %(when)s") % {"when": hearing.label_time}
        return self._form_page(
            request, case=hearing.case, form=form, hearing=hearing, title=title, submit=gettext("Vacate")
        )

    def delete_model(self, request: HttpRequest, obj: Hearing) -> None:
        hearing_delete(hearing=obj, actor=request.user, ip_address=client_ip(request))  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Hearing]) -> None:
        for hearing in queryset.select_related("case__case_type"):
            self.delete_model(request, hearing)


def _add_errors(form: forms.Form, error: ValidationError, *, rename: dict[str, str] | None = None) -> None:
    """The service's refusal on the form: on its field when the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        name = (rename or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)


@admin.register(SearchPurchase)
class SearchPurchaseAdmin(ReadOnlyAdmin[SearchPurchase]):
    """Read-only: purchases change only through payment."""

    list_display = ["query", "result_count", "user", "paid_at", "expires_at", "payment_reference"]
    list_select_related = ["user"]
    readonly_fields = [
        "query",
        "result_count",
        "capped",
        "user",
        "paid_at",
        "expires_at",
        "payment_reference",
        "created_at",
    ]
    exclude = ["token"]


# --- Applications for copies, certified true copies and certificates ----------------------


class CopyQueueFilter(admin.SimpleListFilter):
    """The registry's queue by default: paid applications waiting to be issued, oldest payment first."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("paid", _("Waiting to be issued (paid)")), ("all", _("All applications"))]

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "paid") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[CopyApplication]) -> QuerySet[CopyApplication]:
        if self.value() == "all":
            return queryset
        return queryset.filter(status=CopyApplication.Status.PAID).order_by("paid_at", "pk")


@admin.register(CopyApplication)
class CopyApplicationAdmin(admin.ModelAdmin[CopyApplication]):
    """Read-only records; staff decide each paid application with "Issue" or "Refuse" (causebook/copy_issue.py)."""

    list_display = ["reference", "kind", "copies", "status", "case", "what", "who", "fee_amount", "paid_at", "decide"]
    list_filter = [CopyQueueFilter, "status", "kind"]
    list_select_related = ["case__case_type", "document", "court_document", "applicant"]
    search_fields = ["reference", "applicant_email", "applicant__email", "payment_reference"]
    change_form_template = "admin/causebook/copyapplication/change_form.html"
    exclude = ["access_token"]

    def get_readonly_fields(self, request: HttpRequest, obj: CopyApplication | None = None) -> list[str]:
        return [f.name for f in CopyApplication._meta.fields if f.name != "access_token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applicants apply on the portal, and pay first

    def has_change_permission(self, request: HttpRequest, obj: CopyApplication | None = None) -> bool:
        return False  # the record changes only by issuing or refusing (the views below)

    def has_delete_permission(self, request: HttpRequest, obj: CopyApplication | None = None) -> bool:
        return False

    @admin.display(description=_("document"))
    def what(self, application: CopyApplication) -> str:
        target = application.document or application.court_document
        return str(target) if target is not None else "—"

    @admin.display(description=_("applicant"))
    def who(self, application: CopyApplication) -> str:
        if application.applicant is not None:
            return str(application.applicant)
        return f"{application.applicant_name} <{application.applicant_email}> ({gettext('public')})"

    @admin.display(description=_("actions"))
    def decide(self, application: CopyApplication) -> str:
        links = []
        if application.status == CopyApplication.Status.PAID:
            issue = pgettext("issue a document", "Issue")
            links.append((reverse("admin:causebook_copyapplication_issue", args=[application.pk]), issue))
        if application.status in (CopyApplication.Status.PAID, CopyApplication.Status.AWAITING_PAYMENT):
            links.append((reverse("admin:causebook_copyapplication_refuse", args=[application.pk]), gettext("Refuse")))
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:application_id>/issue/", view(self.issue_view), name="causebook_copyapplication_issue"),
            path("<int:application_id>/refuse/", view(self.refuse_view), name="causebook_copyapplication_refuse"),
            *super().get_urls(),
        ]

    def _application(self, request: HttpRequest, application_id: int) -> CopyApplication:
        if not request.user.has_perm("causebook.change_copyapplication"):
            raise PermissionDenied
        return get_object_or_404(
            CopyApplication.objects.select_related("case__case_type__court", "document", "court_document"),
            pk=application_id,
        )

    def _decide_page(
        self, request: HttpRequest, application: CopyApplication, form: forms.Form, **context: Any
    ) -> HttpResponse:
        return TemplateResponse(
            request,
            "admin/causebook/copyapplication/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "application": application,
                "label": application_label(application),
                "form": form,
                "media": self.media + form.media,
                "change_url": reverse("admin:causebook_copyapplication_change", args=[application.pk]),
                **context,
            },
        )

    def issue_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        """GET: what will be issued; POST: issue it (certificates with the particulars entered)."""
        application = self._application(request, application_id)
        form = CopyIssueForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                document = copy_application_issue(
                    application=application,
                    staff=_staff(request),
                    particulars=form.cleaned_data["particulars"],
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                message = gettext("%(reference)s issued with DRN %(drn)s.")
                self.message_user(
                    request, message % {"reference": application.reference, "drn": document.drn}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:causebook_copyapplication_changelist"))
        title = gettext("Issue %(reference)s") % {"reference": application.reference}
        certificate = application.kind in CERTIFICATE_KINDS
        submit = pgettext("issue a document", "Issue")
        return self._decide_page(
            request, application, form, title=title, submit=submit, certificate=certificate, issuing=True
        )

    def refuse_view(self, request: HttpRequest, application_id: int) -> HttpResponse:
        application = self._application(request, application_id)
        form = CopyRefuseForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            try:
                copy_application_refuse(
                    application=application,
                    staff=_staff(request),
                    reason=form.cleaned_data["reason"],
                    ip_address=client_ip(request),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                message = gettext("%(reference)s refused. The applicant is told; a paid fee goes to be refunded.")
                self.message_user(request, message % {"reference": application.reference}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:causebook_copyapplication_changelist"))
        title = gettext("Refuse %(reference)s") % {"reference": application.reference}
        return self._decide_page(request, application, form, title=title, submit=gettext("Refuse"))
