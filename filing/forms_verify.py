"""The public verification form, and an upload handler that hashes a file without keeping it.

:class:`HashingUploadHandler` replaces Django's upload handlers for the verification
page: each chunk goes into SHA-256 and is dropped, so no byte of the file is written
to memory beyond one chunk, to a temporary file, or to storage.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .sealing import drn_normalize

#: The example on the verification page: a valid DRN (its last two digits are the
#: ISO 7064 MOD 97-10 check digits of the first ten), so that trying it gives "not found"
#: rather than "not a valid number".
EXAMPLE_DRN = "1234 5678 9092"


class HashedUpload(UploadedFile):
    """What is left of an uploaded file after hashing: its name, size and SHA-256, no content."""

    def __init__(self, *, name: str, content_type: str, size: int, sha256: str, too_large: bool) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.sha256 = sha256
        self.too_large = too_large


def max_verify_bytes() -> int:
    # A sealed or issued copy is the original plus the court's band on every page
    # (filing.sealing.seal_allowance: 256 KiB and 1 KiB a page, 2.2 MiB at most): allow room.
    return int(settings.FILING_MAX_FILE_BYTES) * 2


class HashingUploadHandler(FileUploadHandler):
    """Hash each uploaded file as it streams in; keep nothing but the digest."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._hasher = hashlib.sha256()
        self._size = 0
        self._limit = max_verify_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._size += len(raw_data)
        if self._size <= self._limit:
            self._hasher.update(raw_data)
        # Returning None: no other handler receives (or stores) the chunk.

    def file_complete(self, file_size: int) -> HashedUpload:
        return HashedUpload(
            name=self.file_name or "",
            content_type=self.content_type or "",
            size=file_size,
            sha256=self._hasher.hexdigest(),
            too_large=file_size > self._limit,
        )


class VerifyForm(forms.Form):
    drn = forms.CharField(
        label=_("Document reference number (DRN)"),
        required=False,
        max_length=40,
        help_text=format_lazy(
            _("The 12 digits after “DRN” in the court stamp at the top of every page, for example {example}."),
            example=EXAMPLE_DRN,
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or choose the PDF file"),
        required=False,
        help_text=_("We work out its fingerprint (SHA-256) on our server and do not keep the file."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_drn(self) -> str:
        value: str = self.cleaned_data["drn"].strip()
        if not value:
            return ""
        try:
            return drn_normalize(value)
        except ValueError:
            raise forms.ValidationError(
                _(
                    "This is not a valid document reference number. Check that you typed all 12 digits "
                    "as printed in the stamp: the last two digits are a check on the others."
                ),
                code="invalid_drn",
            ) from None

    def clean_file(self) -> HashedUpload | None:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not isinstance(upload, HashedUpload):  # the view always installs the hashing handler
            raise forms.ValidationError(_("The file could not be read. Try again."), code="unread")
        if upload.too_large:
            raise forms.ValidationError(
                _("The file is too large to be a document from the court. Check that you chose the right file."),
                code="too_large",
            )
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        if cleaned.get("drn") and cleaned.get("file"):
            raise forms.ValidationError(_("Enter a number or choose a file, not both."), code="both")
        if not cleaned.get("drn") and not cleaned.get("file"):
            raise forms.ValidationError(_("Enter a document reference number or choose a file."), code="neither")
        return cleaned

    @property
    def sha256(self) -> str:
        upload = self.cleaned_data.get("file")
        return upload.sha256 if isinstance(upload, HashedUpload) else ""
