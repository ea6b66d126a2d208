"""Pieces the order services share: locking, stock, withdrawing lines, writing to the customer."""

from collections import Counter

from django.db.models import Case, F, When

from catalogue.models import Product
from mint_shop import clock
from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from notifications.models import Message
from notifications.services import message_queue
from orders import errors, events, hooks
from orders.models import Order, OrderLine


def lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update().select_related("customer").get(pk=order_id)


def lock_lines(order: Order, line_ids: list[int] | None = None) -> list[OrderLine]:
    """The order's lines, locked in pk order; naming a line not on the order is refused."""
    lines = OrderLine.objects.select_for_update().filter(order=order).order_by("pk")
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    lines = list(lines)
    if line_ids is not None and {line.pk for line in lines} != set(line_ids):
        raise RuleViolation(errors.LINES_UNKNOWN, "Some of those lines are not on this order.")
    return lines


def require_open(order: Order) -> None:
    if order.status != Order.Status.PLACED:
        raise RuleViolation(errors.ORDER_NOT_OPEN, f"The order is {order.get_status_display().lower()}.")


def require_live(lines: list[OrderLine]) -> None:
    if any(not line.live for line in lines):
        raise RuleViolation(errors.LINE_WITHDRAWN, "A line has already left the order.")


def stock_lock(product_ids: list[int]) -> dict[int, int]:
    """Lock the products' rows in pk order (so two orders never deadlock) and read their stock."""
    return dict(
        Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk").values_list("pk", "stock")
    )


def stock_apply(changes: dict[int, int]) -> None:
    """Add (negative: take) stock per locked product in one UPDATE, whatever the number of products.

    The caller has checked that nothing goes below zero; the column's check constraint backs it.
    """
    Product.objects.filter(pk__in=list(changes)).update(
        stock=Case(*(When(pk=pk, then=F("stock") + change) for pk, change in changes.items()))
    )


def withdraw_lines(*, order: Order, lines: list[OrderLine], because: str, actor: Actor) -> None:
    """Lines leave the offer before any contract: their stock goes back and payments release holds."""
    if not lines:
        return
    if any(line.accepted_at for line in lines):
        raise RuleViolation(errors.ALREADY_ACCEPTED, "A line is already under contract; it can only be cancelled.")
    take_off_order(order=order, lines=lines, because=because, actor=actor)
    hooks.notify(hooks.LINES_WITHDRAWN, order=order, lines=lines)


def take_off_order(*, order: Order, lines: list[OrderLine], because: str, actor: Actor) -> None:
    """Lines leave the order and their stock returns; an order left with no lines is cancelled."""
    now = clock.now()
    for line in lines:
        line.withdrawn_at = now
        line.withdrawn_because = because
    OrderLine.objects.bulk_update(lines, ["withdrawn_at", "withdrawn_because"])
    returned = Counter()
    for line in lines:
        returned[line.product_id] += line.quantity
    stock_lock(sorted(returned))
    stock_apply(dict(returned))
    events.lines_withdrawn(order=order, line_ids=[line.pk for line in lines], because=because, actor=actor)
    if not order.lines.filter(withdrawn_at__isnull=True).exists() and order.status == Order.Status.PLACED:
        order.status = Order.Status.CANCELLED
        order.save(update_fields=["status"])


def postal_address(order: Order) -> str:
    return "\n".join(part for part in (order.delivery_name, order.delivery_address, order.delivery_postcode) if part)


def tell_customer(*, order: Order, kind: str, subject: str, body: str, dedupe_key: str) -> Message:
    """A service message (D3) about the order: by letter for postal orders, otherwise by email."""
    customer = order.customer
    if order.channel == Channel.POST:
        channel = Message.Channel.LETTER
        recipient = postal_address(order)
    else:
        channel, recipient = Message.Channel.EMAIL, customer.email
    return message_queue(
        channel=channel,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body=body,
        dedupe_key=dedupe_key,
        customer=customer,
    )
