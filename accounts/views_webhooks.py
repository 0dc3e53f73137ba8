"""The organisation's webhook settings: its endpoints, their secrets, and the delivery log.

Only the organisation's administrators reach these pages; for anyone else every one of
them is a 404. A new or replaced secret is shown once, in the response to the POST that
made it (not after a redirect), as API tokens are.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from icms.core.http import AuthenticatedHttpRequest, client_ip, found_or_404

from .models import WebhookEndpoint
from .selectors import admin_membership_for_user
from .webhooks import endpoints as service
from .webhooks.delivery import webhook_delivery_resend
from .webhooks.events import EventType

DELIVERIES_PER_PAGE = 50


class EndpointFields(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("What receives the events, such as the name of your practice-management software."),
    )
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Events to send"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to receive every event, including kinds added later."),
    )


class EndpointCreateForm(EndpointFields):
    url = forms.CharField(
        label=gettext_lazy("Address (URL) of your endpoint"),
        max_length=500,
        help_text=gettext_lazy("It must start with https://. The portal posts each event there as JSON."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    field_order = ["url", "description", "event_types"]


class EndpointUpdateForm(EndpointFields):
    on = forms.BooleanField(label=gettext_lazy("On: send events to this endpoint"), required=False)


class SecretRotateForm(forms.Form):
    AT_ONCE = "at_once"
    OVERLAP = "overlap"

    when = forms.ChoiceField(
        label=gettext_lazy("When the old secret stops"),
        choices=[
            (AT_ONCE, gettext_lazy("At once: it may have been seen by someone else")),
            (OVERLAP, gettext_lazy("In 24 hours: both secrets sign deliveries while you update your software")),
        ],
        initial=AT_ONCE,
        widget=forms.RadioSelect,
    )


def _update_form(endpoint: WebhookEndpoint, data: object = None) -> EndpointUpdateForm:
    initial = {
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "on": endpoint.disabled_at is None,
    }
    return EndpointUpdateForm(data or None, initial=initial)  # type: ignore[arg-type]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request: AuthenticatedHttpRequest) -> HttpResponse:
    admin = found_or_404(admin_membership_for_user, request.user)
    form = EndpointCreateForm(request.POST or None)
    new_secret = ""
    made: WebhookEndpoint | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made, new_secret = service.webhook_endpoint_create(
                actor=request.user,
                url=data["url"],
                description=data["description"],
                event_types=data["event_types"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("url" if error.code in ("url", "http", "userinfo", "local", "private") else None, error)
        else:
            form = EndpointCreateForm()
    return render(
        request,
        "accounts/webhooks/list.html",
        {
            "organisation": admin.organisation,
            "form": form,
            "endpoints": service.endpoints_for_admin(user=request.user),
            "new_secret": new_secret,
            "made": made,
        },
    )


def _endpoint_page(
    request: AuthenticatedHttpRequest,
    endpoint: WebhookEndpoint,
    *,
    form: EndpointUpdateForm | None = None,
    rotate_form: SecretRotateForm | None = None,
    new_secret: str = "",
) -> HttpResponse:
    deliveries = found_or_404(service.deliveries_for_admin, user=request.user, endpoint_id=endpoint.pk)
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/webhooks/endpoint.html",
        {
            "endpoint": endpoint,
            "form": form or _update_form(endpoint),
            "rotate_form": rotate_form or SecretRotateForm(),
            "new_secret": new_secret,
            "previous_secret_signs": bool(service.signing_secrets(endpoint, now=timezone.now())[1:]),
            "page": page,
            "event_labels": dict(EventType.choices),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def webhook_endpoint(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = found_or_404(service.endpoint_for_admin, user=request.user, endpoint_id=endpoint_id)
    if request.method != "POST":
        return _endpoint_page(request, endpoint)
    form = _update_form(endpoint, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.webhook_endpoint_update(
                endpoint=endpoint,
                actor=request.user,
                description=data["description"],
                event_types=data["event_types"],
                on=data["on"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("accounts:webhook_endpoint", endpoint_id=endpoint.pk)
    return _endpoint_page(request, endpoint, form=form)


@never_cache
@login_required
@require_POST
def webhook_secret_rotate(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = found_or_404(service.endpoint_for_admin, user=request.user, endpoint_id=endpoint_id)
    form = SecretRotateForm(request.POST)
    if not form.is_valid():
        return _endpoint_page(request, endpoint, rotate_form=form)
    endpoint, secret = service.webhook_endpoint_secret_rotate(
        endpoint=endpoint,
        actor=request.user,
        overlap=form.cleaned_data["when"] == SecretRotateForm.OVERLAP,
        ip_address=client_ip(request),
    )
    return _endpoint_page(request, endpoint, new_secret=secret)


@login_required
@require_POST
def webhook_endpoint_delete(request: AuthenticatedHttpRequest, endpoint_id: int) -> HttpResponse:
    endpoint = found_or_404(service.endpoint_for_admin, user=request.user, endpoint_id=endpoint_id)
    service.webhook_endpoint_delete(endpoint=endpoint, actor=request.user, ip_address=client_ip(request))
    messages.success(
        request, _("The endpoint %(url)s is deleted. It receives no more events.") % {"url": endpoint.url}
    )
    return redirect("accounts:webhooks")


@login_required
@require_POST
def webhook_delivery_send_again(request: AuthenticatedHttpRequest, delivery_id: int) -> HttpResponse:
    delivery = found_or_404(service.delivery_for_admin, user=request.user, delivery_id=delivery_id)
    try:
        webhook_delivery_resend(delivery=delivery, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
    else:
        messages.success(request, _("The event is being sent again. Its result appears in the log below."))
    return redirect("accounts:webhook_endpoint", endpoint_id=delivery.endpoint_id)
