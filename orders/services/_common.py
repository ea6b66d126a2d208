"""Pieces the order services share: locking, stock, withdrawing lines, writing to the customer."""

from collections import Counter

from django.db import connection
from django.db.models import Case, Exists, F, Q, When
from simple_history.utils import bulk_update_with_history

from catalogue.models import Product
from customers.models import Customer
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
    lines = (
        OrderLine.objects.select_for_update(of=("self",)).select_related("product").filter(order=order).order_by("pk")
    )
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


def require_on_sale(lines: list[OrderLine]) -> None:
    """P3: a line whose product was withdrawn from sale is neither allocated nor despatched."""
    stopped = [
        line
        for line in lines
        if line.withdrawn_because == OrderLine.WithdrawnBecause.PRODUCT_WITHDRAWN
        or line.product.withdrawn_at is not None
    ]
    if stopped:
        raise RuleViolation(
            errors.PRODUCT_WITHDRAWN,
            f"Line(s) {', '.join(str(line.pk) for line in stopped)}: the product was withdrawn from sale.",
        )


def require_no_price_question(lines: list[OrderLine]) -> None:
    if any(line.price_question_at and not line.price_answered_at for line in lines):
        raise RuleViolation(errors.PRICE_QUESTION_OPEN, "A line waits for the customer's answer to a new price.")


def stock_lock(product_ids: list[int]) -> dict[int, int | None]:
    """Lock the products' rows in pk order (so two orders never deadlock) and read their stock:
    None for a product withdrawn from sale (P3)."""
    rows = Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk")
    return {
        pk: None if withdrawn_at else stock
        for pk, stock, withdrawn_at in rows.values_list("pk", "stock", "withdrawn_at")
    }


def stock_apply(changes: dict[int, int]) -> None:
    """Add (negative: take) stock per locked product in one UPDATE, whatever the number of products.

    The caller has checked that nothing goes below zero; the column's check constraint backs it.
    """
    Product.objects.filter(pk__in=list(changes)).update(
        stock=Case(*(When(pk=pk, then=F("stock") + change) for pk, change in changes.items()))
    )


# PostgreSQL: lock the rows in pk order (so two orders never deadlock, whatever the plan) and
# take the stock where enough is left, the product is still on sale at the price the order was
# made at (P7), and the customer may still order (C3, C7), in one statement. The placement read
# those before its transaction; this re-reads them at the last moment, under the products' locks.
_TAKE_STOCK_SQL = """
WITH locked AS MATERIALIZED (
    SELECT id FROM catalogue_product WHERE id = ANY(%s) ORDER BY id FOR UPDATE
), wanted AS (
    SELECT * FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS wanted(id, quantity, price)
)
UPDATE catalogue_product AS product SET stock = product.stock - wanted.quantity
FROM locked JOIN wanted ON wanted.id = locked.id
WHERE product.id = locked.id AND product.stock >= wanted.quantity AND product.withdrawn_at IS NULL
AND product.price_pence = wanted.price
AND NOT EXISTS (
    SELECT 1 FROM customers_customer AS customer
    WHERE customer.id = %s AND (customer.restricted_at IS NOT NULL OR customer.deceased_at IS NOT NULL)
)
"""


def stock_take(wanted: dict[int, int], *, prices: dict[int, int], customer_id: int) -> bool:
    """P3: take the stock of every product in one conditional UPDATE under the rows' locks.

    True when all of it was taken; False when a product is short, withdrawn or no longer at
    `prices` (P7), or the customer has since been restricted or recorded as deceased (C3, C7):
    the caller refuses, and its transaction rolls the rest back. The database decides, so
    nothing is ever oversold whatever the concurrency; the column's check constraint backs it.
    """
    ids = sorted(wanted)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _TAKE_STOCK_SQL, [ids, ids, [wanted[pk] for pk in ids], [prices[pk] for pk in ids], customer_id]
            )
            taken = cursor.rowcount
    else:  # SQLite and the like lock the whole database for a write: no row order to keep
        enough = Q()
        for pk in ids:
            enough |= Q(pk=pk, stock__gte=wanted[pk], price_pence=prices[pk])
        barred = Customer.objects.filter(
            Q(restricted_at__isnull=False) | Q(deceased_at__isnull=False), pk=customer_id
        )
        taken = (
            Product.objects.filter(enough, ~Exists(barred), withdrawn_at__isnull=True)
            .update(stock=Case(*(When(pk=pk, then=F("stock") - wanted[pk]) for pk in ids)))
        )
    return taken == len(ids)


def lines_save(lines: list[OrderLine], fields: list[str], *, actor: Actor) -> None:
    """Every change to order lines keeps its history row (simple-history), in one UPDATE."""
    bulk_update_with_history(lines, OrderLine, fields, default_user=actor.user, default_change_reason=actor.describe())


def withdraw_lines(*, order: Order, lines: list[OrderLine], because: str, actor: Actor, contract_ended=False) -> None:
    """Lines leave the order: their stock goes back, and payments release or return their money.

    Before a contract they are simply withdrawn from the offer; `contract_ended` takes off lines
    already under contract that have not left (R1, R8, C5 cancellations, P3 withdrawals).
    The order is cancelled with its last live line.
    """
    if not lines:
        return
    if not contract_ended and any(line.accepted_at for line in lines):
        raise RuleViolation(errors.ALREADY_ACCEPTED, "A line is already under contract; it can only be cancelled.")
    if any(line.shipment_id for line in lines):
        raise RuleViolation(errors.ALREADY_DESPATCHED, "A line has already been despatched; it must come back.")
    take_off_order(order=order, lines=lines, because=because, actor=actor)
    hooks.notify(hooks.LINES_WITHDRAWN, order=order, lines=lines)


def take_off_order(*, order: Order, lines: list[OrderLine], because: str, actor: Actor) -> None:
    """Lines leave the order and their stock returns; an order left with no lines is cancelled."""
    now = clock.now()
    for line in lines:
        line.withdrawn_at = now
        line.withdrawn_because = because
    lines_save(lines, ["withdrawn_at", "withdrawn_because"], actor=actor)
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


def tell_customer(*, order: Order, kind: str, subject: str, body: str, dedupe_key: str, new: bool = False) -> Message:
    """A service message (D3) about the order, the one way every app writes to a customer about one:
    by letter for postal orders and customers who prefer post (or have no email), otherwise by email.
    `new`: the dedupe key names something made in this transaction, so no message can have it yet."""
    customer = order.customer
    if order.channel == Channel.POST or customer.preferred_contact == Channel.POST or not customer.email:
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
        new=new,
    )
