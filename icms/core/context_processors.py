from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, object]:
    """Values every page needs: the site notice and the environment name."""
    notice = settings.SITE_NOTICE_ZH if (get_language() or "").startswith("zh") else settings.SITE_NOTICE_EN
    return {
        "site_notice": notice or settings.SITE_NOTICE_EN,
        "icms_environment": settings.ICMS_ENVIRONMENT,
        "dev_outbox_enabled": settings.DEV_OUTBOX_ENABLED,
    }
