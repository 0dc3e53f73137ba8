"""Deployment checks of the fee schedule.

The public pages and receipts show each fee as the schedule holds it, without a
"not verified" mark: the admin keeps ``FeeItem.verified``, and ``check --deploy`` refuses
a deployment while any item in force is unverified, so the gazetted amounts are entered
and confirmed first. Superseded and future versions do not count. The demo and
development portals show the environment ribbon instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError
from django.utils import timezone

from icms.core.time import HONG_KONG

FEES_TAG = "fees"


@register(FEES_TAG, deploy=True)
def check_fee_items_in_force_are_verified(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """icms.E040: every fee item in force today (Hong Kong) has its amount verified.

    A database that cannot be read yet (not created or not migrated, as at build time)
    is not reported here: ``migrate`` and the database checks report it.
    """
    from .fees import items_in_force
    from .models import CourtLevel

    today = timezone.now().astimezone(HONG_KONG).date()
    try:
        unverified = [
            item
            for level in CourtLevel.values
            for item in items_in_force(level, today).filter(verified=False).order_by("code")
        ]
    except DatabaseError:
        return []
    if not unverified:
        return []
    listed = ", ".join(f"{item.court_level} {item.code} (HK${item.standard_amount:,.2f})" for item in unverified)
    return [
        Error(
            f"{len(unverified)} fee item(s) in force are not verified: {listed}. The public pages and receipts "
            "would show these amounts as the fees payable.",
            hint="Enter the gazetted amounts in the admin (Fees and payments > Fee items) and tick "
            "'amount verified' on each, or end the items that do not apply.",
            obj="payments.FeeItem",
            id="icms.E040",
        )
    ]
