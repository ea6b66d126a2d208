"""O6: telling customers in writing when a line's delivery promise is missed or about to be."""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from mint_shop import clock
from mint_shop.actors import Actor
from orders import events
from orders.models import Order, OrderLine
from orders.services._common import tell_customer


def orders_notify_delays(*, actor: Actor) -> list[int]:
    """Each line not delivered (still in the warehouse or on its way) whose own promise is missed or
    within `MINT_DELAY_WARNING_DAYS` is told once, in one notice per order; from then the customer
    may cancel it (R8). Returns the orders told.

    Runs daily; a line already told is skipped, so running twice sends nothing new.
    """
    horizon = clock.days_after(clock.today(), settings.MINT_DELAY_WARNING_DAYS)
    late: dict[int, list[OrderLine]] = defaultdict(list)
    with transaction.atomic(durable=True):
        lines = (
            OrderLine.objects.select_for_update(of=("self",))
            .select_related("product")
            .filter(
                Q(shipment__isnull=True) | Q(shipment__delivered_at__isnull=True),
                withdrawn_at__isnull=True,
                contract_ended_at__isnull=True,
                promised_by__lte=horizon,
                delay_notified_at__isnull=True,
                order__status=Order.Status.PLACED,
            )
            .order_by("order_id", "pk")
        )
        for line in lines:
            late[line.order_id].append(line)
        now = clock.now()
        orders = Order.objects.select_related("customer").in_bulk(list(late))
        for order_id, order_lines in late.items():
            for line in order_lines:
                line.delay_notified_at = now
            OrderLine.objects.bulk_update(order_lines, ["delay_notified_at"])
            _tell(orders[order_id], order_lines, actor=actor)
    return list(late)


def _tell(order: Order, lines: list[OrderLine], *, actor: Actor) -> None:
    events.delay_notified(
        order=order,
        line_ids=[line.pk for line in lines],
        promised_by=min(line.promised_by for line in lines).isoformat(),
        actor=actor,
    )
    items = "\n".join(
        f"- {line.quantity} x {line.product.name}, promised by {line.promised_by:%d %B %Y}" for line in lines
    )
    tell_customer(
        order=order,
        kind="delay_notice",
        subject=f"Your order {order.pk} is delayed",
        body=(
            f"We are sorry: we cannot deliver these items of your order {order.pk} as promised:\n{items}\n"
            "You may cancel them now for a full refund, delivery included, or wait for them."
        ),
        dedupe_key=f"order:{order.pk}:delay_notice:{'-'.join(str(line.pk) for line in lines)}",
    )
