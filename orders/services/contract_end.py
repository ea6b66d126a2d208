"""What cancellations ask of orders: lines that have not left come off when a contract ends (R1, R8, C5),
and a faulty line's replacement or repair goes out as a new line (R7).

Cancellations sit above orders and never write orders' rows; they call this inside their own
transaction, with the order locked, so the cancellation and the lines leaving the order are one
change.
"""

from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors, events
from orders.models import Order, OrderLine
from orders.services._common import lock_lines, stock_apply, stock_lock, take_off_order


def order_lines_end_by_cancellation(*, order: Order, line_ids: list[int], actor: Actor) -> list[OrderLine]:
    """The lines' contracts are cancelled: those still in the warehouse leave the order, so they are never
    despatched, and their stock returns; those that have left stay on it, to come back, and are told of
    no delay (O6). Returns the lines that left.

    Runs inside the caller's transaction (`savepoint=False`); the order must already be locked.
    """
    if not line_ids:
        return []
    with transaction.atomic(savepoint=False):
        lines = lock_lines(order, line_ids)
        if any(not line.live or line.contract_ended_at for line in lines):
            raise RuleViolation(errors.LINE_WITHDRAWN, "A line has already left the order or been cancelled.")
        for line in lines:
            line.contract_ended_at = clock.now()
        OrderLine.objects.bulk_update(lines, ["contract_ended_at"])
        waiting = [line for line in lines if line.shipment_id is None]
        if waiting:
            take_off_order(
                order=order, lines=waiting, because=OrderLine.WithdrawnBecause.CONTRACT_CANCELLED, actor=actor
            )
    return waiting


def order_line_add_remedy(*, order: Order, line_id: int, replacement: bool, actor: Actor) -> OrderLine:
    """R7: an accepted replacement (from stock) or repair (the same item back) of a faulty line goes as
    a new line at no charge, which the warehouse allocates and despatches like any other.

    Runs inside the caller's transaction (`savepoint=False`); the order must already be locked.
    """
    with transaction.atomic(savepoint=False):
        (faulty,) = lock_lines(order, [line_id])
        if replacement:
            if stock_lock([faulty.product_id])[faulty.product_id] < faulty.quantity:
                raise RuleViolation(errors.OUT_OF_STOCK, "None left to replace it with: offer a repair or a refund.")
            stock_apply({faulty.product_id: -faulty.quantity})
        now = clock.now()
        remedy = OrderLine.objects.create(
            order=order,
            product_id=faulty.product_id,
            quantity=faulty.quantity,
            unit_price_pence=0,
            engraving_text=faulty.engraving_text,
            remedy_for=faulty,
            accepted_at=now,
            accepted_via=OrderLine.AcceptedVia.REMEDY,
            paid_at=now,
            promised_by=clock.days_after(clock.today(), settings.MINT_DELIVERY_PROMISE_DAYS),
        )
        events.remedy_line_added(order=order, line_id=remedy.pk, remedy_for=faulty.pk, actor=actor)
        if order.status == Order.Status.COMPLETED:
            order.status = Order.Status.PLACED  # something is on its way again
            order.save(update_fields=["status"])
    return remedy
