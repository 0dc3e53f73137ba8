from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "icms.core"
    label = "core"
    verbose_name = _("Portal operations")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401  (registers the database checks)
            dates,  # noqa: F401  (registers the check of the portal's date formats)
        )
        from .audit_events import AuditEventType
        from .email import EMAIL_KIND, email_failed, email_send
        from .outbox import register_kind
        from .outbox.alerts import staff_alert_failed, staff_alert_send
        from .outbox.dispatch import STAFF_ALERT
        from .third_party_labels import label_third_party_models

        label_third_party_models()

        register_kind(
            EMAIL_KIND,
            run=email_send,
            failed=email_failed,
            failed_event=AuditEventType.OUTBOX_EMAIL_FAILED,
            max_attempts=10,
            time_limit=60,
        )
        register_kind(
            STAFF_ALERT,
            run=staff_alert_send,
            failed=staff_alert_failed,
            failed_event=AuditEventType.OUTBOX_EMAIL_FAILED,
            time_limit=60,
        )
