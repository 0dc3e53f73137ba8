from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxGatewayConfig(AppConfig):
    """The sandbox payment gateway: a stand-in payment service provider (docs/payments.md)."""

    name = "payments.sandbox"
    label = "payments_sandbox"
    verbose_name = _("Sandbox payment gateway")
