"""The order's event log: one writer per kind, called in the transaction of the change it records."""

from mint_shop.actors import Actor
from mint_shop.rows import row_create
from orders.models import Order, OrderEvent

Kind = OrderEvent.Kind


def _append(order: Order, kind: Kind, actor: Actor, **data) -> OrderEvent:
    return row_create(
        OrderEvent(
            order=order, kind=kind, actor=actor.describe(), actor_kind=actor.kind, actor_user=actor.user, data=data
        )
    )


def order_placed(*, order: Order, actor: Actor) -> OrderEvent:
    return _append(order, Kind.PLACED, actor, channel=order.channel)


def order_declined(*, order: Order, reason: str, actor: Actor) -> OrderEvent:
    return _append(order, Kind.DECLINED, actor, reason=reason)


def lines_withdrawn(*, order: Order, line_ids: list[int], because: str, actor: Actor) -> OrderEvent:
    return _append(order, Kind.LINES_WITHDRAWN, actor, lines=line_ids, because=because)


def lines_allocated(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, Kind.LINES_ALLOCATED, actor, lines=line_ids)


def lines_paid(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, Kind.LINES_PAID, actor, lines=line_ids)


def lines_payment_reversed(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, Kind.LINES_PAYMENT_REVERSED, actor, lines=line_ids)


def title_passed(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, Kind.TITLE_PASSED, actor, lines=line_ids)


def part_despatch_requested(*, order: Order, charge_pence: int, actor: Actor) -> OrderEvent:
    return _append(order, Kind.PART_DESPATCH_REQUESTED, actor, charge_pence=charge_pence)


def shipment_despatched(*, order: Order, shipment_id: int, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, Kind.DESPATCHED, actor, shipment=shipment_id, lines=line_ids)


def shipment_delivered(*, order: Order, shipment_id: int, evidence: str, actor: Actor) -> OrderEvent:
    return _append(order, Kind.DELIVERED, actor, shipment=shipment_id, evidence=evidence)


def delay_notified(*, order: Order, line_ids: list[int], promised_by: str, actor: Actor) -> OrderEvent:
    return _append(order, Kind.DELAY_NOTIFIED, actor, lines=line_ids, promised_by=promised_by)


def remedy_line_added(*, order: Order, line_id: int, remedy_for: int, actor: Actor) -> OrderEvent:
    return _append(order, Kind.REMEDY_LINE_ADDED, actor, line=line_id, remedy_for=remedy_for)


def price_question_asked(*, order: Order, line_ids: list[int], actor: Actor) -> OrderEvent:
    return _append(order, Kind.PRICE_QUESTION_ASKED, actor, lines=line_ids)


def price_question_answered(*, order: Order, line_ids: list[int], agreed: bool, actor: Actor) -> OrderEvent:
    return _append(order, Kind.PRICE_QUESTION_ANSWERED, actor, lines=line_ids, agreed=agreed)


def non_receipt_reported(*, order: Order, shipment_id: int, late: bool, actor: Actor) -> OrderEvent:
    return _append(order, Kind.NON_RECEIPT_REPORTED, actor, shipment=shipment_id, late=late)


def sent_in_error_recorded(*, order: Order, shipment_id: int, remedy: str, actor: Actor) -> OrderEvent:
    return _append(order, Kind.SENT_IN_ERROR, actor, shipment=shipment_id, remedy=remedy)
