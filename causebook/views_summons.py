"""Enquire Summons (查詢傳票): the public page where a summons defendant finds their return day.

No sign-in. A POST, so that the ID's characters are never in a URL (nor so in a log); the
answer is the page itself (the enquiry changes nothing but the rate-limit counters). Every
wrong pair gets the same page with the same status (400); too many enquiries, 429; an
enquiry that cannot be counted while Redis is down, 503 with ``Retry-After`` (the limit
fails closed), the form kept as typed.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from icms.core.http import client_ip

from .forms_summons import SummonsEnquiryForm
from .summons_enquiry import (
    UNAVAILABLE_RETRY_AFTER_SECONDS,
    EnquiryLocked,
    EnquiryRefused,
    EnquiryUnavailable,
    summons_enquire,
    summons_enquiry_page_state,
)


@require_http_methods(["GET", "POST"])
def summons_enquiry(request: HttpRequest) -> HttpResponse:
    """GET: the form, or why there is none (locked; unavailable while Redis is down).

    POST: the summons's court, return day, courtroom and offence for a right pair.
    """
    ip_address = client_ip(request)
    form = SummonsEnquiryForm(request.POST if request.method == "POST" else None)
    found = None
    status = 200
    state = "open"
    if request.method == "GET":
        # Said before the form is filled in: while no enquiry can be counted, none is answered.
        state = summons_enquiry_page_state(ip_address=ip_address)
        status = 503 if state == "unavailable" else 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                found = summons_enquire(
                    number=form.cleaned_data["summons_number"],
                    id_last_four=form.cleaned_data["id_last_four"],
                    ip_address=ip_address,
                )
            except EnquiryUnavailable as unavailable:
                form.add_error(None, unavailable)
                status = 503
            except EnquiryLocked as locked:
                form.add_error(None, locked)
                status = 429
            except EnquiryRefused as refused:
                form.add_error(None, refused)
            else:
                status = 200
    context = {
        "form": form,
        "found": found,
        "locked": state == "locked",
        "unavailable": state == "unavailable",
    }
    response = render(request, "causebook/summons_enquiry.html", context, status=status)
    if status == 503:
        response["Retry-After"] = str(UNAVAILABLE_RETRY_AFTER_SECONDS)
        # Already reported, once per 30 s (summons_enquiry._refused_in_outage): not an ERROR per
        # request from django.request, which a flood of enquiries during an outage would multiply.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
