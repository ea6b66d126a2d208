"""Appending to the ledger (M9): the only writer of LedgerEntry."""

from payments.models import LedgerEntry

_DIRECTION = {
    LedgerEntry.Kind.CAPTURE: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.CHARGE: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.CHEQUE_CLEARED: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.TRANSFER: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.INSTALMENT: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.FINANCE_SETTLEMENT: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.REFUND_FAILED: LedgerEntry.Direction.IN,
    LedgerEntry.Kind.REFUND: LedgerEntry.Direction.OUT,
    LedgerEntry.Kind.REIMBURSEMENT: LedgerEntry.Direction.OUT,
}


def ledger_entry_build(
    *,
    order_id: int,
    kind: str,
    amount_pence: int,
    method: str,
    actor,
    reference: str = "",
    external_id: str = "",
    payment_intent_id: str = "",
) -> LedgerEntry:
    """An unsaved entry, for callers that append many at once (bulk_create)."""
    return LedgerEntry(
        order_id=order_id,
        kind=kind,
        direction=_DIRECTION.get(kind, LedgerEntry.Direction.HOLD),
        amount_pence=amount_pence,
        method=method,
        reference=reference[:100],
        external_id=external_id,
        payment_intent_id=payment_intent_id,
        actor=actor.describe(),
    )


def ledger_record(**fields) -> LedgerEntry:
    """Append one entry; call inside the transaction that makes the movement it records."""
    entry = ledger_entry_build(**fields)
    entry.save()
    return entry
