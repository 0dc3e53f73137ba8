"""Machine-readable copies of the filer's papers: the acknowledgement as JSON (issue 15, part 5).

The same facts as the PDF (:func:`filing.acknowledgement.acknowledgement_facts`, built from the
values the PDF is rendered from), behind the same access check as the PDF's download: the
filing side only, a 404 for anyone else.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from icms.core.http import AuthenticatedHttpRequest, found_or_404
from icms.core.storage import DOWNLOAD_HEADERS

from . import selectors
from .acknowledgement import acknowledgement_current, acknowledgement_facts


def json_download(facts: object, *, filename: str) -> HttpResponse:
    """A JSON attachment with the download headers every document download carries (nosniff, no-store)."""
    response = HttpResponse(
        json.dumps(facts, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response


@login_required
@require_GET
def acknowledgement_json(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The acknowledgement in force, as JSON (the filing side only)."""
    submission = found_or_404(selectors.filing_side_submission_for_user, request.user, reference)
    version = acknowledgement_current(submission)
    if version is None:
        raise Http404
    facts = acknowledgement_facts(submission, version=version)
    return json_download(facts, filename=f"acknowledgement-{submission.reference}.json")
