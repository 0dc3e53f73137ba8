"""Demo payments: the demo law firm's deposit accounts (main, CEN and KLN branches) with
top-ups, and a few orders paid from them with receipts. Loading twice changes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import Organisation, User
from payments import services
from payments.models import LedgerEntry

TOP_UPS = {None: "5000.00", "CEN": "2000.00", "KLN": "1500.00"}
ORDERS = [
    # (person key, idempotency key, purpose, court, items)
    ("firm_user_central", "demo-search-1", "search", "DC", ["DC-SEARCH", "DC-SEARCH"]),
    ("firm_user_central", "demo-writ-1", "submission", "DC", ["DC-WRIT"]),
    ("firm_user_kowloon", "demo-inspect-1", "inspection", "DC", ["DC-INSPECT"]),
]


@transaction.atomic
def load(people: dict[str, object]) -> int:
    """Returns the number of paid demo orders."""
    firm = people.get("firm")
    if not isinstance(firm, Organisation):
        return 0
    group = Group.objects.filter(name="Accounts officer").first()
    officer = group.user_set.order_by("pk").first() if group else None
    if not isinstance(officer, User):
        return 0
    for branch, amount in TOP_UPS.items():
        account = services.deposit_account_open(organisation=firm, branch_code=branch)
        if not LedgerEntry.objects.filter(account=account).exists():
            services.deposit_top_up(
                account=account, amount=Decimal(amount), reference=f"DEMO-{branch or 'MAIN'}", officer=officer
            )
    paid = 0
    for person, key, purpose, court, items in ORDERS:
        user = people.get(person)
        if not isinstance(user, User):
            continue
        order = services.payment_order_create(
            purpose=purpose, court_level=court, items=items, idempotency_key=key, payer=user, purpose_ref=key.upper()
        )
        services.payment_order_pay_from_deposit(order=order, user=user)
        paid += 1
    return paid
