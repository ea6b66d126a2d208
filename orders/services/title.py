"""O10 (T&C 6.2): title to a line passes to the customer once, automatically, when the last of
its conditions comes true:

- its price is paid in full in cleared funds (`funds_cleared_at`, reported by payments: the last
  instalment paid, the cheque cleared rather than banked, the transfer received, the card taken);
- the customer's AML identity check has passed (C4);
- a product bought during its pre-sale has been despatched (P5).

Each of those moments calls `title_pass_due` inside the transaction that made it true, holding
the order's lock, so whichever comes last passes title; a line's title never passes twice.
"""

from simple_history.utils import bulk_update_with_history

from catalogue.models import Product
from customers.selectors import customer_aml_identity_passed
from mint_shop import clock
from mint_shop.actors import Actor
from orders import events
from orders.models import Order, OrderLine
from orders.services._common import lock_lines, lock_order


def _bought_on_presale(order: Order, lines: list[OrderLine]) -> set[int]:
    """The ids of the lines whose product was bought before its launch (P5)."""
    launches = dict(Product.objects.filter(pk__in={line.product_id for line in lines}).values_list("pk", "launch_date"))
    ordered_on = clock.london_date(order.placed_at)
    return {line.pk for line in lines if launches[line.product_id] and ordered_on < launches[line.product_id]}


def title_pass_due(*, order: Order, lines: list[OrderLine], actor: Actor) -> list[OrderLine]:
    """Pass title on those of the (locked) lines whose conditions now all hold; returns them."""
    waiting = [line for line in lines if line.live and line.title_passed_at is None and line.funds_cleared_at]
    if not waiting:
        return []
    presale = _bought_on_presale(order, waiting)
    due = [line for line in waiting if line.pk not in presale or line.shipment_id]
    if not due or not customer_aml_identity_passed(customer=order.customer):
        return []
    now = clock.now()
    for line in due:
        line.title_passed_at = now
    bulk_update_with_history(due, OrderLine, ["title_passed_at"])
    events.title_passed(order=order, line_ids=[line.pk for line in due], actor=actor)
    return due


def orders_title_pass_on_aml_passed(*, customer, actor: Actor) -> None:
    """customers' AML_IDENTITY_PASSED hook: title that waited only for the check passes now.

    Runs inside compliance's transaction; the orders are locked one at a time in pk order.
    """
    order_ids = (
        OrderLine.objects.filter(
            order__customer=customer,
            funds_cleared_at__isnull=False,
            title_passed_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        .values_list("order_id", flat=True)
        .distinct()
        .order_by("order_id")
    )
    for order_id in list(order_ids):
        order = lock_order(order_id)
        title_pass_due(order=order, lines=lock_lines(order), actor=actor)
