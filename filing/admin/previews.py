"""Serving a document to staff in the browser: audited, inline, never sniffed."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest

from accounts.models import User
from icms.core.http import client_ip
from icms.core.storage import _safe_filename, open_document

from ..models import CourtDocument, Document
from ..staff_access import Copy, staff_document_open

# Shown inline so the browser's PDF viewer opens it. No "sandbox" here, unlike downloads:
# Chromium refuses to run its PDF viewer in a sandboxed document. The PDF still cannot
# run script in the portal's origin: nothing may load. Only the portal's own pages may
# frame it (the review page's inline preview): "frame-ancestors 'self'", and
# X-Frame-Options SAMEORIGIN for browsers without CSP (the site-wide default is DENY).
PREVIEW_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "default-src 'none'; object-src 'self'; frame-ancestors 'self'",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


def preview_response(
    request: HttpRequest, *, document: Document | CourtDocument, copy: Copy, filename: str
) -> FileResponse:
    """Audit the opening (``filing.document_viewed_by_staff``), then stream the PDF inline."""
    staff = request.user
    assert isinstance(staff, User)  # noqa: S101  (admin_view admits only signed-in staff)
    key = staff_document_open(staff=staff, document=document, copy=copy, ip_address=client_ip(request))
    response = FileResponse(
        open_document(key), as_attachment=False, filename=_safe_filename(filename), content_type="application/pdf"
    )
    for header, value in PREVIEW_HEADERS.items():
        response[header] = value
    return response
