"""P3 (T&C 5.1): a product withdrawn from sale stops its open lines before despatch."""

from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.money import format_pence
from orders import hooks
from orders.models import Order, OrderLine
from orders.money import lines_amount_pence, order_charges_pence
from orders.services._common import lock_lines, lock_order, tell_customer, withdraw_lines


def product_lines_stop(*, product, actor: Actor) -> list[OrderLine]:
    """Inside catalogue's withdrawal: each open order's lines of the product leave it.

    They are never allocated or despatched; their stock returns; payments release the hold
    with the order's last live line, and money taken for them is refunded (with the delivery
    when nothing of the order is left to send). The customer is told; staff see the lines in
    the queue of lines stopped by a withdrawal (`order_lines_stopped_by_withdrawal`).
    """
    stopped = []
    with transaction.atomic(savepoint=False):
        order_ids = (
            OrderLine.objects.filter(
                product=product, withdrawn_at__isnull=True, shipment__isnull=True, order__status=Order.Status.PLACED
            )
            .order_by("order_id")
            .values_list("order_id", flat=True)
            .distinct()
        )
        for order_id in order_ids:  # orders locked in pk order, as every path locks them
            order = lock_order(order_id)
            lines = [
                line
                for line in lock_lines(order)
                if line.product_id == product.pk and line.live and line.shipment_id is None
            ]
            withdraw_lines(
                order=order,
                lines=lines,
                because=OrderLine.WithdrawnBecause.PRODUCT_WITHDRAWN,
                actor=actor,
                contract_ended=True,
            )
            refund = _refund_paid_lines(order, lines)
            _tell(order, product, lines, refund)
            stopped += lines
    return stopped


def _refund_paid_lines(order: Order, lines: list[OrderLine]) -> int:
    """The customer is not charged for withdrawn lines (P3): what was paid for them comes back."""
    paid = [line for line in lines if line.paid_at is not None]
    if not paid:
        return 0
    nothing_left = not order.lines.filter(withdrawn_at__isnull=True).exists() and not order.shipments.exists()
    amount = lines_amount_pence(paid) + (order_charges_pence(order) if nothing_left else 0)
    hooks.notify(
        hooks.MONEY_BACK_DUE,
        order=order,
        amount_pence=amount,
        request_id=f"p3-order-{order.pk}-lines-{'-'.join(str(line.pk) for line in paid)}",
        reason="product withdrawn from sale (P3)",
        reimbursement=False,
    )
    return amount


def _tell(order: Order, product, lines: list[OrderLine], refund_pence: int) -> None:
    money = (
        f"We will refund the {format_pence(refund_pence)} you paid for them."
        if refund_pence
        else "You will not be charged for them, and any amount held on your card for them is released."
    )
    tell_customer(
        order=order,
        kind="product_withdrawn",
        subject=f"An item on your order {order.pk} is no longer available",
        body=(
            f"We are sorry: {product.name} has been withdrawn from sale, so we have taken "
            f"{sum(line.quantity for line in lines)} of it off your order {order.pk}. {money}"
        ),
        dedupe_key=f"order:{order.pk}:product_withdrawn:{product.pk}",
    )
