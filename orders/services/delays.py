"""O6: telling customers in writing when a delivery promise is missed or about to be."""

from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from orders import events
from orders.models import Order, OrderLine
from orders.services._common import tell_customer


def orders_notify_delays(*, actor: Actor) -> list[int]:
    """Send each late or nearly late order its delay notice, once; the customer may then cancel (R8).

    Runs daily; an order already told is skipped, so running twice sends nothing new.
    """
    horizon = clock.days_after(clock.today(), settings.MINT_DELAY_WARNING_DAYS)
    told = []
    with transaction.atomic(durable=True):
        orders = (
            Order.objects.select_for_update(of=("self",))
            .select_related("customer")
            .filter(
                status=Order.Status.PLACED,
                promised_by__lte=horizon,
                delay_notified_at__isnull=True,
                pk__in=OrderLine.objects.filter(withdrawn_at__isnull=True, shipment__isnull=True).values("order_id"),
            )
            .order_by("pk")
        )
        now = clock.now()
        for order in orders:
            order.delay_notified_at = now
            order.delay_cancellable_from = now
            order.save(update_fields=["delay_notified_at", "delay_cancellable_from"])
            events.delay_notified(order=order, promised_by=order.promised_by.isoformat(), actor=actor)
            tell_customer(
                order=order,
                kind="delay_notice",
                subject=f"Your order {order.pk} is delayed",
                body=(
                    f"We are sorry: we cannot deliver your order {order.pk} by {order.promised_by:%d %B %Y} "
                    "as promised. You may cancel it now for a full refund, delivery included, or wait for it."
                ),
                dedupe_key=f"order:{order.pk}:delay_notice",
            )
            told.append(order.pk)
    return told
