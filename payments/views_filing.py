"""Paying a submission's filing fee: the filing screens post here."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from filing.selectors import filing_side_submission_for_user
from icms.core.http import AuthenticatedHttpRequest, found_or_404

from .filing_fees import SUBMISSION, submission_fee_items, submission_order
from .services import payment_order_create


@login_required
@require_POST
def submission_pay(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Create (once) the order for a submission's fee and go to its pay page."""
    submission = found_or_404(filing_side_submission_for_user, request.user, reference)
    if submission.submitted_by_id != request.user.pk:
        raise Http404  # the filer pays; others acting for the case see the status only
    items = submission_fee_items(submission)
    if not items:
        raise Http404
    order = submission_order(submission)
    if order is None:
        try:
            order = payment_order_create(
                purpose=SUBMISSION,
                court_level=submission.case.case_type.court.level,
                items=items,
                idempotency_key=f"submission-{submission.reference}",
                payer=request.user,
                purpose_ref=submission.reference,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("filing:submission", reference=submission.reference)
    return redirect("payments:order", token=order.access_token)
