from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icms import health

from . import accessibility, devmail
from .forms import AccessibilityReportForm
from .ratelimit import rate_limit_hit
from .services import accessibility_report_create
from .session_timeout import session_timing


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


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    """Help and contact: linked from the same place in every page's footer (WCAG 3.2.6)."""
    return render(request, "core/help.html", {"support_email": settings.SUPPORT_EMAIL})


@require_http_methods(["GET", "POST"])
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, and its form to report a problem (into the admin's queue)."""
    status = 200
    rate_limited = False
    if request.method == "POST":
        form = AccessibilityReportForm(request.POST)
        if form.is_valid():
            if rate_limit_hit(
                scope="accessibility-report",
                request=request,
                limit=accessibility.REPORT_LIMIT,
                window=accessibility.REPORT_WINDOW_SECONDS,
            ):
                rate_limited = True
                status = 429
            else:
                accessibility_report_create(
                    page=form.cleaned_data["page"],
                    description=form.cleaned_data["description"],
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=get_language() or settings.LANGUAGE_CODE,
                    user=request.user,
                )
                messages.success(
                    request, _("Thank you. Your report has been sent to the team that looks after this portal.")
                )
                return HttpResponseRedirect(reverse("accessibility"))
    else:
        form = AccessibilityReportForm(initial={"page": request.GET.get("page", "")[:500]})
    context = {
        "form": form,
        "rate_limited": rate_limited,
        "standard": accessibility.STANDARD,
        "last_tested": accessibility.LAST_TESTED,
        "statement_prepared": accessibility.STATEMENT_PREPARED,
        "statement_reviewed": accessibility.STATEMENT_REVIEWED,
        "support_email": settings.SUPPORT_EMAIL,
    }
    return render(request, "core/accessibility.html", context, status=status)


@never_cache
@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """Keep a signed-in session going (the timeout warning's "Stay signed in"); CSRF-checked.

    Any request restarts the idle clock (accounts.middleware moves the stored end when it
    would move by more than a minute; icms.core.session_timeout); this one also says when
    the session now ends.
    """
    timing = session_timing(request)
    if timing is None:
        return JsonResponse({"signed_in": False}, status=401)
    request.session.modified = True
    return JsonResponse(
        {
            "signed_in": True,
            "expires_in": timing.expires_in,
            "warn_before": timing.warn_before,
            "expires_at": timing.expires_at.isoformat(timespec="seconds"),
        }
    )
