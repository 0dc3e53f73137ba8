from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.functional import lazy
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView
from django.views.i18n import set_language

from accounts import views as accounts_views
from icms.api import api
from icms.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # Browsers and crawlers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("favicon.ico"), permanent=True)),
    path("accessibility/", core_views.accessibility_statement, name="accessibility"),
    path("help/", core_views.help_page, name="help"),
    path("session/extend/", core_views.session_extend, name="session_extend"),
    path("registry-hours/", include("icms.calendar.urls")),
    path("cause-book/", include("causebook.urls")),
    path("filing/", include("filing.urls")),
    path("verify/", include("filing.urls_verify")),
    path("api/v1/", api.urls),
    path("payments/", include("payments.urls")),
    # The sandbox payment gateway: a stand-in provider's hosted page (docs/payments.md).
    path("sandbox-gateway/", include("payments.sandbox.urls")),
    # Django's language switch, POST only (its GET would redirect without switching): 405 otherwise.
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    # The staff site signs in through allauth, with MFA (accounts.middleware).
    path("admin/login/", accounts_views.admin_login, name="admin_login_via_allauth"),
    path("admin/", admin.site.urls),
]

if settings.DEV_OUTBOX_ENABLED:
    urlpatterns += [
        path("dev/outbox/", core_views.dev_outbox, name="dev_outbox"),
        path("dev/outbox/<str:message_id>/", core_views.dev_outbox_message, name="dev_outbox_message"),
    ]
