"""R3: goods coming back after a cancellation; who pays the postage; the refund then falls due (R5).

A line cancelled while on its way (R8, C5) comes back too: refused at the door, or returned once it
arrives. Each rule the return is checked by has its own named check.
"""

import datetime as dt

from django.db import transaction

from cancellations import errors
from cancellations.eligibility import seal_reason
from cancellations.models import Cancellation, GoodsReturn
from cancellations.services._common import faulty_line_ids, refund_fall_due
from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from mint_shop.money import MAX_PENCE, format_pence
from orders.models import OrderLine

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
    seal_broken: bool = False,
) -> GoodsReturn:
    """The goods (or evidence of posting them) came back: record it; the refund is now owed."""
    _check_condition(condition, received_on)
    payer = GoodsReturn.PostagePaidBy.MINT if condition in _OUR_FAULT else GoodsReturn.PostagePaidBy.CUSTOMER
    _check_postage(payer, return_postage_pence)
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
        expected = _check_all_lines_expected(cancellation, line_ids)
        _check_not_received(goods_return)
        if seal_broken:
            _check_seal(cancellation, expected)
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
        goods_return.seal_broken = seal_broken
        goods_return.postage_paid_by = payer
        goods_return.recorded_by = actor.describe()
        goods_return.save()
        refund_fall_due(cancellation, on=received_on)
    return goods_return


def _check_condition(condition: str, received_on: dt.date) -> None:
    """R3: the goods' state is recorded, on a day that has happened."""
    if condition not in GoodsReturn.Condition.values:
        raise RuleViolation(
            errors.RETURN_CONDITION_INVALID, f"Condition is one of {', '.join(GoodsReturn.Condition.values)}."
        )
    if received_on > clock.today():
        raise RuleViolation(errors.RETURN_CONDITION_INVALID, "The return cannot be received in the future.")


def _check_postage(payer: str, return_postage_pence: int) -> None:
    """R3: return postage is the customer's unless the goods were damaged or sub-standard."""
    if not 0 <= return_postage_pence <= MAX_PENCE:
        raise RuleViolation(
            errors.RETURN_POSTAGE_INVALID, f"Return postage is between £0.00 and {format_pence(MAX_PENCE)}."
        )
    if return_postage_pence and payer == GoodsReturn.PostagePaidBy.CUSTOMER:
        raise RuleViolation(
            errors.RETURN_POSTAGE_NOT_OURS, "The goods came back as sent: the customer pays the postage (R3)."
        )


def _check_all_lines_expected(cancellation: Cancellation, line_ids: list[int]) -> list[OrderLine]:
    """R3: everything the cancellation asked back comes back in one return (delivered or still on its way)."""
    expected = {
        line.order_line_id: line.order_line
        for line in cancellation.lines.filter(to_come_back=True).select_related("order_line__product")
    }
    if not line_ids or set(line_ids) != set(expected):
        raise RuleViolation(
            errors.RETURN_LINE_UNKNOWN,
            f"Cancellation {cancellation.pk} expects lines {sorted(expected)} back, all in one return.",
        )
    return list(expected.values())


def _check_not_received(goods_return: GoodsReturn) -> None:
    if goods_return.received_on is not None:
        raise RuleViolation(errors.RETURN_ALREADY_RECEIVED, "This return is already recorded.")


def _check_seal(cancellation: Cancellation, lines: list[OrderLine]) -> None:
    """P6 / R6: a hygiene seal broken on return ends the right to cancel that product, unless the
    examination found it faulty (R7); the goods go back to the customer and nothing is recorded."""
    if cancellation.right != Cancellation.Right.COOLING_OFF:
        return  # a missed promise (R8) or our own cancellation (C5) owes the refund whatever the seal
    faulty = faulty_line_ids(cancellation.order)
    for line in lines:
        reason = seal_reason(line)
        if reason and line.pk not in faulty:
            raise RuleViolation(errors.NOT_CANCELLABLE, f"Line {line.pk}: {reason}")
