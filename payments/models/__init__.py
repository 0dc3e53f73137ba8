"""Fee schedule, concessions, payment orders, gateway events, deposit ledgers, refunds, receipts.

Money is ``Decimal`` in HKD (``DecimalField(max_digits=12, decimal_places=2)``). Balances
are never stored: a deposit account's balance is the sum of its ledger rows. Statuses
change only through :mod:`payments.services`, by guarded conditional updates.
"""

from .common import ZERO, CourtLevel, PaymentMethod, PaymentPurpose, new_reference, new_token
from .deposits import DepositAccount, LedgerEntry
from .fee_schedule import ConcessionPeriod, FeeItem
from .orders import GatewayEvent, PaymentOrder, ReceivedOrderManager, Refund
from .receipts import Receipt, ReceiptSequence

__all__ = [
    "ZERO",
    "ConcessionPeriod",
    "CourtLevel",
    "DepositAccount",
    "FeeItem",
    "GatewayEvent",
    "LedgerEntry",
    "PaymentMethod",
    "PaymentOrder",
    "PaymentPurpose",
    "Receipt",
    "ReceiptSequence",
    "ReceivedOrderManager",
    "Refund",
    "new_reference",
    "new_token",
]
