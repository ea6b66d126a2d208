"""The order's event log: one writer per kind, called in the transaction of the change it records."""

from mint_shop.actors import Actor
from orders.models import Order, OrderEvent


def _append(order: Order, kind: str, actor: Actor, **data) -> OrderEvent:
    return OrderEvent.objects.create(order=order, kind=kind, actor=actor.describe(), data=data)


def order_placed(*, order: Order, actor: Actor) -> OrderEvent:
    return _append(order, "placed", actor, channel=order.channel)


def order_declined(*, order: Order, reason: str, actor: Actor) -> OrderEvent:
    return _append(order, "declined", actor, reason=reason)


def lines_withdrawn(*, order: Order, line_ids: list[int], because: str, actor: Actor) -> OrderEvent:
    return _append(order, "lines_withdrawn", actor, lines=line_ids, because=because)


def lines_allocated(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, "lines_allocated", actor, lines=line_ids)


def lines_paid(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, "lines_paid", actor, lines=line_ids)


def lines_payment_reversed(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, "lines_payment_reversed", actor, lines=line_ids)


def title_passed(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, "title_passed", actor, lines=line_ids)


def part_despatch_requested(*, order: Order, charge_pence: int, actor: Actor) -> OrderEvent:
    return _append(order, "part_despatch_requested", actor, charge_pence=charge_pence)


def shipment_despatched(*, order: Order, shipment_id: int, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, "despatched", actor, shipment=shipment_id, lines=line_ids)


def shipment_delivered(*, order: Order, shipment_id: int, evidence: str, actor: Actor) -> OrderEvent:
    return _append(order, "delivered", actor, shipment=shipment_id, evidence=evidence)


def delay_notified(*, order: Order, line_ids: list[int], promised_by: str, actor: Actor) -> OrderEvent:
    return _append(order, "delay_notified", actor, lines=line_ids, promised_by=promised_by)


def remedy_line_added(*, order: Order, line_id: int, remedy_for: int, actor: Actor) -> OrderEvent:
    return _append(order, "remedy_line_added", actor, line=line_id, remedy_for=remedy_for)


def price_question_asked(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, "price_question_asked", actor, lines=line_ids)


def price_question_answered(*, order: Order, line_ids: list[int], agreed: bool, actor: Actor) -> OrderEvent:
    return _append(order, "price_question_answered", actor, lines=line_ids, agreed=agreed)


def non_receipt_reported(*, order: Order, shipment_id: int, late: bool, actor: Actor) -> OrderEvent:
    return _append(order, "non_receipt_reported", actor, shipment=shipment_id, late=late)


def sent_in_error_recorded(*, order: Order, shipment_id: int, remedy: str, actor: Actor) -> OrderEvent:
    return _append(order, "sent_in_error", actor, shipment=shipment_id, remedy=remedy)
