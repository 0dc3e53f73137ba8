"""What the sandbox gateway and its adapter agree on: the signing secret, the session salt,
the signature header and the event names. Both sides import this module, so neither
imports the other (the adapter asks the sandbox to refund; the sandbox calls back)."""

from __future__ import annotations

from typing import Final

from django.conf import settings

SESSION_SALT: Final = "payments.sandbox.session"
SIGNATURE_HEADER: Final = "X-Sandbox-Signature"


def sandbox_secret() -> str:
    return str(settings.PAYMENT_SANDBOX_SECRET)
