"""The admin's page to withdraw a filed document from view (filing/services/withdrawal.py).

Reached from a submission's documents ("Withdraw from view"); needs the permission to
decide filings, and a reason, which the audit log and the document's record keep.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.http import client_ip

from ..models import Document, Submission
from ..services import document_reinstate, document_withdraw


class ReasonForm(forms.Form):
    """The reason for withdrawing a document from view, or for putting it back."""

    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: QueryDict | None, *, reinstating: bool) -> None:
        super().__init__(data)
        field = self.fields["reason"]
        if reinstating:
            field.label = _("Reason for putting it back in view")
            field.help_text = _("Kept in the audit log, beside the withdrawal and its reason.")
        else:
            field.label = _("Reason for withdrawing it from view")
            field.help_text = _("Kept on the document's record and in the audit log. The file itself is kept.")


def document_withdraw_view(
    model_admin: admin.ModelAdmin[Submission], request: HttpRequest, document_id: int
) -> HttpResponseBase:
    """The page for staff who may decide filings (SubmissionAdmin checks that before calling)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    document = get_object_or_404(Document.objects.select_related("submission__case__case_type"), pk=document_id)
    # The same page withdraws a document in view, and puts a withdrawn one back.
    reinstating = document.withdrawn_at is not None
    form = ReasonForm(request.POST if request.method == "POST" else None, reinstating=reinstating)
    if form.is_bound and form.is_valid():
        change = document_reinstate if reinstating else document_withdraw
        try:
            change(
                document=document,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            done = (
                gettext("%(title)s is back in view.")
                if reinstating
                else gettext("%(title)s is withdrawn from view. Its file is kept.")
            )
            model_admin.message_user(request, done % {"title": document.title})
            return HttpResponseRedirect(reverse("admin:filing_submission_change", args=[document.submission_id]))
    return TemplateResponse(
        request,
        "admin/filing/submission/withdraw.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": gettext("Put a document back in view")
            if reinstating
            else gettext("Withdraw a document from view"),
            "document": document,
            "form": form,
            "opts": model_admin.model._meta,
        },
    )
