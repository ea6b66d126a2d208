"""R3: goods coming back after a cancellation; who pays the postage; the refund then falls due (R5)."""

import datetime as dt

from django.db import transaction

from cancellations import errors
from cancellations.models import Cancellation, GoodsReturn
from cancellations.services._common import refund_fall_due
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation

# The customer pays to send back goods that were as sent; we pay when they were not (R3).
_OUR_FAULT = (GoodsReturn.Condition.DAMAGED, GoodsReturn.Condition.SUB_STANDARD)


def goods_return_record(
    *,
    cancellation_id: int,
    line_ids: list[int],
    received_on: dt.date,
    condition: str,
    actor: Actor,
    evidence_only: bool = False,
    return_postage_pence: int = 0,
    condition_notes: str = "",
) -> GoodsReturn:
    """The goods (or evidence of posting them) came back: record it; the refund is now owed."""
    if condition not in GoodsReturn.Condition.values:
        raise RuleViolation(
            errors.RETURN_CONDITION_INVALID, f"Condition is one of {', '.join(GoodsReturn.Condition.values)}."
        )
    if received_on > clock.today():
        raise RuleViolation(errors.RETURN_CONDITION_INVALID, "The return cannot be received in the future.")
    with transaction.atomic(durable=True):
        cancellation = (
            Cancellation.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(pk=cancellation_id)
            .first()
        )
        goods_return = GoodsReturn.objects.filter(cancellation=cancellation).first() if cancellation else None
        if goods_return is None:
            raise RuleViolation(errors.RETURN_LINE_UNKNOWN, f"No cancellation {cancellation_id} waits for goods.")
        expected = {
            line.order_line_id: line.order_line
            for line in cancellation.lines.filter(to_come_back=True).select_related("order_line__shipment")
        }
        if not line_ids or set(line_ids) != set(expected):
            raise RuleViolation(
                errors.RETURN_LINE_UNKNOWN,
                f"Cancellation {cancellation_id} expects lines {sorted(expected)} back, all in one return.",
            )
        if any(line.shipment is None or line.shipment.delivered_at is None for line in expected.values()):
            raise RuleViolation(
                errors.RETURN_LINE_NOT_DELIVERED, "A line was never delivered, so it cannot be returned."
            )
        if goods_return.received_on is not None:
            raise RuleViolation(errors.RETURN_ALREADY_RECEIVED, "This return is already recorded.")
        payer = GoodsReturn.PostagePaidBy.MINT if condition in _OUR_FAULT else GoodsReturn.PostagePaidBy.CUSTOMER
        if return_postage_pence and payer == GoodsReturn.PostagePaidBy.CUSTOMER:
            raise RuleViolation(
                errors.RETURN_POSTAGE_NOT_OURS, "The goods came back as sent: the customer pays the postage (R3)."
            )
        if return_postage_pence:
            # Owed on top of the price, so not capped by what is left to refund (M8): payments
            # reimburses it separately when the refund is granted.
            cancellation.return_postage_pence = return_postage_pence
            cancellation.refund_pence += return_postage_pence
            cancellation.save(update_fields=["return_postage_pence", "refund_pence"])
        goods_return.received_on = received_on
        goods_return.evidence_only = evidence_only
        goods_return.condition = condition
        goods_return.condition_notes = condition_notes
        goods_return.postage_paid_by = payer
        goods_return.recorded_by = actor.describe()
        goods_return.save()
        refund_fall_due(cancellation, on=received_on)
    return goods_return
