from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from icms import health

from . import devmail


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health.overall()
    return JsonResponse(body, status=200 if healthy else 503)


def _require_dev_outbox() -> None:
    # Belt and braces: the URL is not routed in production, and the view refuses too.
    if not settings.DEV_OUTBOX_ENABLED:
        raise Http404


@require_GET
def dev_outbox(request: HttpRequest) -> HttpResponse:
    _require_dev_outbox()
    return render(request, "core/dev_outbox.html", {"messages_sent": devmail.outbox_messages()})


@require_GET
def dev_outbox_message(request: HttpRequest, message_id: str) -> HttpResponse:
    _require_dev_outbox()
    message = devmail.outbox_message(message_id)
    if message is None:
        raise Http404
    return render(request, "core/dev_outbox_message.html", {"message": message})
