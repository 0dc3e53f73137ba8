"""The bulk-filing upload: a manifest and the summons PDFs (a ZIP, or several files)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is an UploadedFile."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,.pdf,application/zip,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class BulkUploadForm(forms.Form):
    manifest = forms.FileField(
        label=_("Manifest (CSV or XLSX)"),
        help_text=_("One row per summons, with the template's columns, in English or Chinese."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": _("Choose the manifest: the CSV or XLSX file listing the summonses.")},
    )
    pdfs = MultipleFileField(
        label=_("Summons PDFs"),
        help_text=_(
            "A ZIP of the PDFs, or the PDFs themselves (up to 100 files; use a ZIP for more). Each PDF's file name "
            "is the one in the manifest's pdf_filename column."
        ),
        error_messages={"required": _("Choose the summons PDFs: a ZIP file, or the PDF files.")},
    )
