from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from icms.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEV_OUTBOX_ENABLED:
    urlpatterns += [
        path("dev/outbox/", core_views.dev_outbox, name="dev_outbox"),
        path("dev/outbox/<str:message_id>/", core_views.dev_outbox_message, name="dev_outbox_message"),
    ]
