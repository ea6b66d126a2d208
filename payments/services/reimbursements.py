"""Reimbursements: money the mint owes on top of the price, such as the postage for returning
damaged or sub-standard goods (R3, T&C 9.1).

Not a refund of a payment, so not capped by what was taken (M8): it is a payout finance makes
and marks paid with the bank's reference (`refund_payout_mark_paid`), ledgered as its own kind
(M9). One reimbursement per request id.
"""

from django.db import IntegrityError, transaction

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders.models import Order
from payments import errors
from payments.models import Refund
from payments.services.refunds import refund_for_request

_PURPOSE = Refund.Purpose.REIMBURSEMENT


def reimbursement_grant(*, order_id: int, amount_pence: int, request_id: str, reason: str, actor: Actor) -> Refund:
    """Owe the customer `amount_pence` on top of what they paid; the same request id always names the same one."""
    try:
        with transaction.atomic(durable=True):
            return reimbursement_grant_in_transaction(
                order_id=order_id, amount_pence=amount_pence, request_id=request_id, reason=reason, actor=actor
            )
    except IntegrityError:
        # The same request arrived twice at once: the other one made it.
        return refund_for_request(order_id=order_id, amount_pence=amount_pence, request_id=request_id, purpose=_PURPOSE)


def reimbursement_grant_in_transaction(
    *, order_id: int, amount_pence: int, request_id: str, reason: str, actor: Actor
) -> Refund:
    """`reimbursement_grant` inside the caller's transaction, so what is owed is written with the
    change that owes it (items sent in error, O12) and nothing lost after the commit."""
    if amount_pence <= 0 or not reason.strip():
        raise RuleViolation(errors.REIMBURSEMENT_INVALID, "A reimbursement needs a positive amount and a reason.")
    with transaction.atomic(savepoint=False):
        existing = refund_for_request(
            order_id=order_id, amount_pence=amount_pence, request_id=request_id, purpose=_PURPOSE
        )
        if existing:
            return existing
        order = Order.objects.get(pk=order_id)
        reimbursement = Refund.objects.create(
            order=order,
            request_id=request_id,
            purpose=_PURPOSE,
            amount_pence=amount_pence,
            # A card refund cannot go beyond what the card paid, so it is paid by bank.
            means=Refund.Means.PAYOUT,
            reason=reason,
            granted_by=actor.describe(),
        )
        reimbursement.payout_reference = f"REIMBURSE-{order.pk}-{reimbursement.pk}"
        reimbursement.save(update_fields=["payout_reference"])
        return reimbursement
