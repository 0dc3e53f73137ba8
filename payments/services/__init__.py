"""State changes of payments: the only entry points views, tasks and the admin use.

The public API for filing and the cause book:

* :func:`payment_order_create` — an order for fee items, idempotent per key;
* :func:`payment_order_start` — to the gateway's hosted page (card, PPS, FPS);
* :func:`payment_order_pay_from_deposit` — from the member's branch sub-account;
* :func:`deposit_account_open_with_terms`, :func:`deposit_top_up_order_create` — a primary
  administrator opens the organisation's deposit account and tops it up through a gateway;
* :func:`refund_request_for_order` — the seam the filing review calls on a return;
* :func:`refund_unfiled_for_order` — paid for and never filed (bulk rows): paid back at once;
* :mod:`payments.hooks` — react when an order is paid or refunded.
"""

from .callbacks import gateway_callback_receive
from .deposits import deposit_account_open_with_terms, deposit_top_up_order_create
from .errors import InsufficientFunds, PaymentRefused
from .ledger import (
    balance_of,
    deposit_account_for_membership,
    deposit_account_open,
    deposit_top_up,
    ledger_adjust,
    ledger_credit_refund,
    ledger_debit,
)
from .orders import (
    payment_order_cancel,
    payment_order_create,
    payment_order_pay_from_deposit,
    payment_order_settle_nil,
    payment_order_start,
    payment_orders_expire,
)
from .receipts import receipt_allocate, receipt_render_and_store, receipt_rerender_and_store
from .refunds import (
    refund_approve,
    refund_complete,
    refund_execute_via_gateway,
    refund_reject,
    refund_request_for_order,
    refund_unfiled_for_order,
    second_charge_refund_start,
)

__all__ = [
    "InsufficientFunds",
    "PaymentRefused",
    "balance_of",
    "deposit_account_for_membership",
    "deposit_account_open",
    "deposit_account_open_with_terms",
    "deposit_top_up",
    "deposit_top_up_order_create",
    "gateway_callback_receive",
    "ledger_adjust",
    "ledger_credit_refund",
    "ledger_debit",
    "payment_order_cancel",
    "payment_order_create",
    "payment_order_pay_from_deposit",
    "payment_order_settle_nil",
    "payment_order_start",
    "payment_orders_expire",
    "receipt_allocate",
    "receipt_render_and_store",
    "receipt_rerender_and_store",
    "refund_approve",
    "refund_complete",
    "refund_execute_via_gateway",
    "refund_reject",
    "refund_request_for_order",
    "refund_unfiled_for_order",
    "second_charge_refund_start",
]
