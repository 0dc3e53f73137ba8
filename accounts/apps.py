from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the audit receivers)
        from .webhooks.delivery import register_webhook_delivery

        # Each webhook delivery is outbox work, tried on its own schedule.
        register_webhook_delivery()
