"""Rules of deposit accounts that organisations open and top up themselves (issue 17).

Data, not code scattered in views: change them here (and the terms' version with their text).
"""

from __future__ import annotations

from decimal import Decimal

from .models import PaymentMethod

#: The version of the deposit account terms in ``templates/payments/deposit_terms.html``.
#: Change it whenever the text changes: each acceptance records the version accepted.
DEPOSIT_TERMS_VERSION = "2026-12"

#: [P] Top-up limits of a single online top-up, in HK$. Product rules, NOT VERIFIED: the
#: Judiciary publishes no limits for iCMS deposit accounts (icms-reference §3 says only that
#: organisations may hold one). The minimum keeps card fees in proportion; the maximum stays
#: under the per-transaction limits that Hong Kong card acquirers and FPS banks commonly set.
TOP_UP_MINIMUM = Decimal("100.00")
TOP_UP_MAXIMUM = Decimal("200000.00")

#: The ways to top up online, through the payment gateway (issue 17: "by card or FPS").
TOP_UP_METHODS: tuple[str, ...] = (PaymentMethod.CARD, PaymentMethod.FPS)

#: The fee-line code of a top-up order: not a fee item, so never quoted from the schedule.
TOP_UP_LINE_CODE = "DEPOSIT-TOP-UP"
