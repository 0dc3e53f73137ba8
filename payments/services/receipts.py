"""Receipts: numbered without gaps per year under a row lock, rendered to PDF after commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from icms.core.audit import AuditEventType, audit_record
from icms.core.time import HONG_KONG

from .. import hooks
from ..models import PaymentOrder, Receipt, ReceiptSequence


def receipt_allocate(*, order: PaymentOrder) -> Receipt:
    """Give a paid order its receipt number (``R2026-000001``) inside the paying transaction.

    The year's sequence row is locked while the number is taken, so numbers are
    gapless: a transaction that rolls back gives its number back with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("receipt_allocate must run inside the transaction that paid the order.")
    existing = Receipt.objects.filter(order=order).first()
    if existing is not None:
        return existing
    if order.received_at is None:
        raise RuntimeError(f"Order {order.reference} has not been received.")
    year = order.received_at.astimezone(HONG_KONG).year
    ReceiptSequence.objects.get_or_create(year=year)
    ReceiptSequence.objects.select_for_update().filter(year=year).update(last_number=F("last_number") + 1)
    sequence = ReceiptSequence.objects.get(year=year).last_number
    receipt = Receipt.objects.create(order=order, year=year, sequence=sequence)
    audit_record(event_type=AuditEventType.PAYMENTS_RECEIPT_ISSUED, target=order, after={"receipt": receipt.number})
    from .follow_up import receipt_render_owe

    receipt_render_owe(receipt)
    return receipt


def receipt_render_and_store(*, receipt_id: int) -> bool:
    """Render the receipt's bilingual PDF and store it, once. True if this call stored it.

    Claimed by a conditional UPDATE of the empty storage key: a second delivery of the
    task renders nothing, and a file written by a loser of a race is deleted.
    """
    from icms.core.storage import stored_once

    from ..rendering import render_receipt_pdf

    receipt = Receipt.objects.select_related("order").get(pk=receipt_id)
    if receipt.storage_key:
        hooks.receipt_rendered(receipt)  # idempotent: a retry after a failed hook finishes it
        return False
    pdf = render_receipt_pdf(receipt)
    unrendered = Receipt.objects.filter(pk=receipt.pk, storage_key="")
    with stored_once(
        pdf,
        prefix="receipts",
        claim=lambda stored: unrendered.update(storage_key=stored.key, rendered_at=timezone.now()),
    ) as stored:
        if stored is None:
            return False  # another worker stored it first
    receipt.refresh_from_db()
    hooks.receipt_rendered(receipt)
    return True


def receipt_rerender_and_store(*, receipt_id: int) -> bool:
    """Render the receipt again as the order now stands (with its refunds) and store it.

    The receipt row is locked while it is rendered, so two refreshes store one after the
    other and the last one shows the latest state. The earlier PDF is kept: the payer's
    message box links to the receipt as it was issued. Not rendered yet? The first
    rendering shows the refunds anyway.
    """
    from icms.core.storage import StoredFiles

    from ..rendering import render_receipt_pdf

    if not Receipt.objects.filter(pk=receipt_id).exclude(storage_key="").exists():
        return receipt_render_and_store(receipt_id=receipt_id)
    # A copy stored for a transaction that then fails is deleted (StoredFiles).
    with StoredFiles() as files:
        receipt = Receipt.objects.select_for_update().select_related("order").get(pk=receipt_id)
        stored = files.save(render_receipt_pdf(receipt), prefix="receipts")
        Receipt.objects.filter(pk=receipt.pk).update(storage_key=stored.key, rendered_at=timezone.now())
        audit_record(
            event_type=AuditEventType.PAYMENTS_RECEIPT_RERENDERED,
            target=receipt.order,
            before={"storage_key": receipt.storage_key},
            after={"receipt": receipt.number, "storage_key": stored.key},
        )
    return True
