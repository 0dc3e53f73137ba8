from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from icms.core.languages import in_language

from .session_timeout import session_timing

# The names of the environments the ribbon shows, in the reader's language; another name shows as set.
ENVIRONMENT_LABELS = {
    "development": _("development"),
    "test": _("test"),
    "staging": _("staging"),
    "demo": _("demonstration"),
    "training": _("training"),
}


def site(request: HttpRequest) -> dict[str, object]:
    """Values every page needs: the site notice and the environment name."""
    return {
        "site_notice": in_language(settings.SITE_NOTICE_EN, settings.SITE_NOTICE_ZH),
        "icms_environment": settings.ICMS_ENVIRONMENT,
        "icms_environment_label": ENVIRONMENT_LABELS.get(settings.ICMS_ENVIRONMENT, settings.ICMS_ENVIRONMENT),
        "dev_outbox_enabled": settings.DEV_OUTBOX_ENABLED,
    }


def session_timeout(request: HttpRequest) -> dict[str, object]:
    """When the signed-in session ends (None when nobody is signed in): icms.core.session_timeout."""
    return {"session_timing": session_timing(request)}
