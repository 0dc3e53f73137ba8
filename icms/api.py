"""The JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Paths and field names named in the issues are a contract: keep them stable.
Interactive docs are off: they would load scripts from a CDN, which the CSP forbids.
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from ninja import NinjaAPI

from causebook.api import hearings_router
from causebook.api import router as causebook_router
from filing.api import router as filing_router
from filing.api_filings import router as filings_router
from icms.calendar.api import router as calendar_router
from icms.core.lookups import NotFound
from payments.api import router as fees_router
from payments.api_payments import router as payments_router

api = NinjaAPI(
    title="iCMS portal API",
    version="1",
    description="Deemed receipt, fees, filings, cases, verification and hearings (OASIS LegalXML ECF operations, "
    "in REST form). Start a case or file into one, upload its documents, submit it, pay from a deposit account, "
    "and download the acknowledgement, sealed copies and receipts, with a token (Authorization: Bearer). "
    'Every POST takes an Idempotency-Key header. Errors are {"detail": "..."}. See docs/api.md.',
    urls_namespace="api",
    docs_url=None,
    # The schema is read only: a POST (or any other method) to it is a 405, as on every GET endpoint.
    docs_decorator=require_GET,
)
api.add_router("/calendar/", calendar_router, tags=["calendar"])
api.add_router("/fees/", fees_router, tags=["fees"])
api.add_router("/causebook/", causebook_router, tags=["cause book"])
api.add_router("/", hearings_router, tags=["hearings"])
api.add_router("/", filing_router, tags=["filing"])
api.add_router("/", filings_router, tags=["filing"])
api.add_router("/", payments_router, tags=["payments"])


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    """A selector's refusal is a 404, with the body ninja gives ``Http404``."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)
