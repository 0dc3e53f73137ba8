"""What the payment models share: court levels, purposes and methods, references and tokens."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ZERO = Decimal("0.00")


class CourtLevel(models.TextChoices):
    DISTRICT = "DC", _("District Court")
    MAGISTRATES = "MC", _("Magistrates' Courts")


def new_token() -> str:
    """An unguessable token for links that grant access (256 bits)."""
    return secrets.token_urlsafe(32)


def new_reference(prefix: str) -> str:
    """A short public reference such as ``PO-7KX3M9QD2A`` (not a secret; 50 bits)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return prefix + "-" + "".join(secrets.choice(alphabet) for _ in range(10))


class PaymentPurpose(models.TextChoices):
    SUBMISSION = "submission", _("Court filing")
    SEARCH = "search", pgettext_lazy("payment purpose", "Search")
    INSPECTION = "inspection", _("Document inspection")
    DEPOSIT_TOP_UP = "deposit_top_up", _("Deposit account top-up")
    COPY = "copy", _("Copy or certificate")
    BULK_FILING = "bulk_filing", _("Bulk filing of summonses")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Credit or debit card")
    PPS = "pps", _("PPS")
    FPS = "fps", _("FPS")
    DEPOSIT = "deposit", _("Deposit account")
