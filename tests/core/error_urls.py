"""Views that fail on purpose, to show the error pages with DEBUG off."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def server_error(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a failure the error page must not show")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def bad_request(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a malformed request")


urlpatterns = [
    path("boom/", server_error),
    path("forbidden/", forbidden),
    path("bad/", bad_request),
    path("", include("icms.urls")),
]
