"""The receipt as JSON (issue 15, part 5): the PDF's facts (:func:`payments.rendering.receipt_facts`),
behind the same check as the PDF: the order's unguessable link, and a registered payer's only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from filing.views_json import json_download
from icms.core.http import found_or_404

from . import selectors
from .rendering import receipt_facts


@require_GET
def receipt_json(request: HttpRequest, token: str) -> HttpResponse:
    receipt = found_or_404(selectors.receipt_for_token, user=request.user, token=token)
    return json_download(receipt_facts(receipt), filename=f"receipt-{receipt.number}.json")
