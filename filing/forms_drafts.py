"""Forms of a draft filing: who it is for, the filer's reference, and more document rows."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .forms import MAX_DOCUMENTS, BaseDocumentFormSet, DocumentForm, DocumentTypeField
from .models import DocumentType, Party


class PartyChoiceField(forms.ModelChoiceField[Party]):
    def label_from_instance(self, obj: Party) -> str:
        return str(obj)


class FilingDetailsForm(forms.Form):
    """The filer's own reference and, for a filing in a case, the party it is made for."""

    filer_reference = forms.CharField(
        label=_("Your reference"),
        max_length=60,
        required=False,
        help_text=_(
            "Your own reference for this filing, such as client and matter. "
            "It is shown on the acknowledgement and receipts."
        ),
    )
    for_party = PartyChoiceField(label=_("Filed for"), queryset=Party.objects.none(), required=False)

    def __init__(self, *args: Any, parties: QuerySet[Party] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PartyChoiceField, self.fields["for_party"])
        if parties is None:
            del self.fields["for_party"]
            return
        field.queryset = parties
        # A filer acting for several parties may file for all of them at once (a joint defence),
        # so the choice is never required; a notice that changes who acts must name its party
        # (filing.services.joining.filing_for_party_check).
        field.empty_label = _("All the parties you act for") if parties.count() > 1 else _("Not said")


class BaseDraftDocumentFormSet(BaseDocumentFormSet):
    """Rows for more documents: each optional, as the draft may have its documents already.

    Whether the filing has the documents it needs is checked on "Continue to review"
    (:func:`filing.services.drafts.draft_problems`), across what is stored and what is new.
    """

    def __init__(self, *args: Any, document_types: QuerySet[DocumentType], **kwargs: Any) -> None:
        self.document_types = document_types
        super().__init__(*args, **kwargs)

    def _construct_form(self, i: int, **kwargs: Any) -> DocumentForm:
        # The types this draft may file (a joining party's first filing: only those marked so).
        form = cast(DocumentForm, super()._construct_form(i, **kwargs))  # type: ignore[misc]
        cast(DocumentTypeField, form.fields["document_type"]).queryset = self.document_types
        return form

    def clean(self) -> None:
        return None


DraftDocumentFormSet = cast(
    type[BaseDraftDocumentFormSet],
    formset_factory(DocumentForm, formset=BaseDraftDocumentFormSet, extra=3, max_num=MAX_DOCUMENTS, validate_max=True),
)
