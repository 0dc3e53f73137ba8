"""Why a payment action was refused, in words a user can read."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class PaymentRefused(ValidationError):
    """A payment action that cannot be done; the message says why, for the user."""


class InsufficientFunds(PaymentRefused):
    """The deposit account cannot pay this without going below zero."""
