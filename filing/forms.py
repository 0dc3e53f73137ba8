"""Forms of the filer's screens. They collect input; the services decide."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms import BaseFormSet, formset_factory
from django.forms.renderers import BaseRenderer
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# The new-case form lives in its own module; imported here as the filer's forms always were.
from .forms_new_case import NewCaseForm, new_case_initial, role_name
from .models import Case, CaseType, DocumentType

__all__ = [
    "BaseDocumentFormSet",
    "CaseAssignForm",
    "DocumentFormSet",
    "NewCaseForm",
    "SubmissionKeyForm",
    "new_case_initial",
    "role_name",
]

MAX_DOCUMENTS = 10


class SubmissionKeyForm(forms.Form):
    """The filing form's one-time key: a hidden UUID made on the server when the form is shown.

    A second POST of the same form (a double click, a second tab, a retry after a
    timeout) carries the same key, and ``submission_create`` answers it with the first
    submission instead of filing again. A form re-shown after an error keeps its key:
    nothing was filed with it yet.
    """

    submission_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form has expired. Check your submissions, then fill in the form again if needed."),
            "invalid": _("This form has expired. Check your submissions, then fill in the form again if needed."),
        },
    )

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        super().__init__(data, initial={"submission_key": uuid.uuid4()}, **kwargs)

    def fresh(self) -> SubmissionKeyForm:
        """This form if its key is usable, else a new, unbound one with a new key."""
        return self if not self.is_bound or self.is_valid() else SubmissionKeyForm()


class DocumentTypeField(forms.ModelChoiceField[DocumentType]):
    def label_from_instance(self, obj: DocumentType) -> str:
        return obj.name  # in the reader's language


class DocumentForm(forms.Form):
    document_type = DocumentTypeField(queryset=DocumentType.objects.none(), label=_("Document type"))
    title = forms.CharField(
        label=_("Title"),
        max_length=255,
        help_text=_("As it appears on the document, for example “Defence of the 1st Defendant”."),
    )
    file = forms.FileField(
        label=_("PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(
        self, *args: Any, case_type: CaseType, opens_case: bool, error_group: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.error_group = error_group
        # The limit is a setting (FILING_MAX_FILE_BYTES): say what it is, not what it once was.
        self.fields["file"].help_text = _("PDF only, not password-protected, up to %(size)s.") % {
            "size": filesizeformat(settings.FILING_MAX_FILE_BYTES)
        }
        types = DocumentType.objects.filter(case_type=case_type, active=True).order_by("ordering")
        field = cast(DocumentTypeField, self.fields["document_type"])
        field.queryset = types if opens_case else types.filter(starts_case=False)


class BaseDocumentFormSet(BaseFormSet[DocumentForm]):
    # Set by formset_factory (and by Django's __init__); django-stubs does not declare it.
    renderer: BaseRenderer

    def __init__(self, *args: Any, case_type: CaseType, opens_case: bool, **kwargs: Any) -> None:
        self.case_type = case_type
        self.opens_case = opens_case
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Each row's errors name it ("Document 2: …"), next to the field and in the summary (icms_forms).
        group = _("Document %(number)s") % {"number": index + 1} if index is not None else ""
        return {"case_type": self.case_type, "opens_case": self.opens_case, "error_group": group}

    @property
    def empty_form(self) -> DocumentForm:
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            case_type=self.case_type,
            opens_case=self.opens_case,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def clean(self) -> None:
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not filled:
            raise forms.ValidationError(_("Add at least one document."))
        if self.opens_case and not any(f.cleaned_data["document_type"].starts_case for f in filled):
            raise forms.ValidationError(
                _("A new case needs its originating document, such as the writ of summons or the application.")
            )


# formset_factory returns a subclass of the formset it is given; django-stubs types it as the base.
DocumentFormSet = cast(
    type[BaseDocumentFormSet],
    formset_factory(DocumentForm, formset=BaseDocumentFormSet, extra=3, max_num=MAX_DOCUMENTS, validate_max=True),
)


class CaseChoiceField(forms.ModelChoiceField[Case]):
    """A case, shown by its number (or, before it has one, the case itself) and its nature."""

    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.case_number or obj} — {obj.nature_en}"


class CaseAssignForm(forms.Form):
    """An administrator assigns one of the organisation's cases to an Organisation User."""

    case = CaseChoiceField(label=_("Case"), queryset=None, empty_label=None)

    def __init__(self, *args: Any, cases: QuerySet[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(CaseChoiceField, self.fields["case"]).queryset = cases
