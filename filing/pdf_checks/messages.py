"""Why a file is refused: the stable codes and the messages that say how to fix the file."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Rejection(enum.StrEnum):
    """Why a file was refused. The values are stable codes: the API and the tests use them."""

    EMPTY = "empty"
    FILE_TOO_LARGE = "file_too_large"
    SUBMISSION_TOO_LARGE = "submission_too_large"
    NOT_PDF = "not_pdf"
    POLYGLOT = "polyglot"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    RESTRICTED = "restricted"
    NO_PAGES = "no_pages"
    TOO_MANY_PAGES = "too_many_pages"
    # What the file unpacks to (docs/filing.md, "Bounds").
    STREAM_TOO_LARGE = "stream_too_large"
    CONTENT_TOO_LARGE = "content_too_large"
    IMAGE_TOO_LARGE = "image_too_large"
    TOO_COMPLEX = "too_complex"
    # Active content (docs/filing.md, "Active content and links").
    JAVASCRIPT = "javascript"
    LAUNCH_ACTION = "launch_action"
    EMBEDDED_FILE = "embedded_file"
    XFA_FORM = "xfa_form"
    LINK_TO_FILE = "link_to_file"
    LINK_NOT_WEB = "link_not_web"
    FORM_SUBMISSION = "form_submission"
    IMPORT_DATA = "import_data"
    RICH_MEDIA = "rich_media"


MESSAGES: Final[Mapping[Rejection, _StrPromise]] = {
    Rejection.EMPTY: _("This file is empty (0 bytes). Check that you chose the right file, and upload it again."),
    Rejection.FILE_TOO_LARGE: _(
        "This file is %(size)s; the limit is %(limit)s a file. Split it into smaller PDFs, or scan it "
        "at a lower resolution, and upload them again."
    ),
    Rejection.SUBMISSION_TOO_LARGE: _(
        "These files add up to %(size)s; the limit is %(limit)s a submission. Send some of the documents "
        "in a further submission."
    ),
    Rejection.NOT_PDF: _(
        "This file is not a PDF, even if its name ends in .pdf. Open it, save or print it as a PDF, and "
        "upload the new file."
    ),
    Rejection.POLYGLOT: _(
        "This file contains data in another format as well as the PDF, which is not allowed. Open it, "
        "print it to a new PDF, and upload the new file."
    ),
    Rejection.DAMAGED: _(
        "This PDF is incomplete or damaged and cannot be read. Open it, print it to a new PDF, and upload "
        "the new file. If it will not open, ask whoever made it for a new copy."
    ),
    Rejection.ENCRYPTED: _(
        "This file is password-protected. Remove the password (print it to a new PDF) and upload it again."
    ),
    Rejection.RESTRICTED: _(
        "This file is encrypted with security restrictions, for example on printing or copying. Remove "
        "the security settings (print it to a new PDF) and upload it again."
    ),
    Rejection.NO_PAGES: _("This PDF has no pages. Check that you chose the right file, and upload it again."),
    Rejection.TOO_MANY_PAGES: _(
        "This PDF has %(pages)s pages; the limit is %(limit)s pages a file. Split it into smaller PDFs "
        "and upload them as separate parts."
    ),
    Rejection.STREAM_TOO_LARGE: _(
        "One part of this PDF (a page, an image or a font) unpacks to more than %(limit)s, the limit for "
        "any one part. Scan the document again at 300 dpi or less, or print it to a new PDF, and upload "
        "the new file."
    ),
    Rejection.CONTENT_TOO_LARGE: _(
        "This PDF unpacks to more than %(limit)s when it is opened, the limit for a file. Split it into "
        "smaller PDFs, or scan it again at 300 dpi or less, and upload the new files."
    ),
    Rejection.IMAGE_TOO_LARGE: _(
        "This PDF contains an image of %(width)s by %(height)s pixels; the limit is %(limit)s megapixels an "
        "image. Scan the page again at 300 dpi or less, or reduce the image, and upload the new file."
    ),
    Rejection.TOO_COMPLEX: _(
        "This PDF is built in an unusual way (for example, an internal list with more than 100,000 "
        "entries), so the court could not stamp it if it is accepted. Print it to a new PDF and upload "
        "the new file."
    ),
    Rejection.JAVASCRIPT: _(
        "This PDF contains JavaScript, which is not allowed. Print it to a new PDF, which removes "
        "scripts, and upload the new file."
    ),
    Rejection.LAUNCH_ACTION: _(
        "This PDF contains an action that opens other programs or files, which is not allowed. Print it "
        "to a new PDF and upload the new file."
    ),
    Rejection.EMBEDDED_FILE: _(
        "This PDF has files attached or embedded in it, which is not allowed. Remove the attachments, or "
        "print it to a new PDF, and upload each attachment as a document of its own."
    ),
    Rejection.XFA_FORM: _(
        "This PDF is a dynamic (XFA) form, which is not allowed. Fill it in, print it to a new PDF, and "
        "upload the new file."
    ),
    Rejection.LINK_TO_FILE: _(
        "This PDF contains a link or action that opens another file, for example on your computer or a "
        "network drive, which is not allowed. Remove the link, or print the document to a new PDF, and "
        "upload the new file."
    ),
    Rejection.LINK_NOT_WEB: _(
        "This PDF contains a link that is not a web or email address, for example a link to a file, a "
        "network drive or a program. Links may only go to web pages (http:// or https://) or email "
        "addresses (mailto:). Change or remove the link, or print the document to a new PDF, and upload "
        "the new file."
    ),
    Rejection.FORM_SUBMISSION: _(
        "This PDF contains a form that sends its contents over the internet, which is not allowed. Fill "
        "in the form, print it to a new PDF, and upload the new file."
    ),
    Rejection.IMPORT_DATA: _(
        "This PDF contains a form that loads data from another file, which is not allowed. Fill in the "
        "form, print it to a new PDF, and upload the new file."
    ),
    Rejection.RICH_MEDIA: _(
        "This PDF contains video, sound, 3D or Flash content, which is not allowed. Print it to a new PDF, "
        "which keeps only the pages, and upload the new file."
    ),
}


class PdfRejected(ValidationError):
    """A file failed a check. ``code`` is a stable :class:`Rejection` value; ``message``
    (with ``params``) is translatable and tells the user how to fix the file."""

    def __init__(self, rejection: Rejection, *, params: dict[str, Any] | None = None) -> None:
        super().__init__(MESSAGES[rejection], code=rejection.value, params=params)
        self.rejection = rejection

    @property
    def user_message(self) -> str:
        """The message in the active language, with its parameters filled in."""
        text = str(self.message)
        return text % self.params if self.params else text
