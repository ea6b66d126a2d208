"""The one order in which an order and its payment rows are locked.

Every transaction that locks any of these rows takes them in this order, skipping the ones it
does not need, so two of them can never wait on each other (a deadlock):

1. the order (`orders.Order`): always first. Orders' services lock it first (allocation,
   despatch, withdrawal, acceptance); payments locks it first too, even in the worker that
   records what Stripe said, and in the sweeps that end holds. Appending a ledger entry, a
   refund or anything else that refers to the order takes a key-share lock on it, so a
   transaction that locked a payment row first and the order second (as the worker did when
   recording a card hold) would wait on an allocation holding the order and wanting the hold.
2. the order's lines, in primary-key order (`orders.services.lock_lines`);
3. its `OrderPayment`;
4. its `Authorisation` (the card hold);
5. its `CardOperation`s, in primary-key order;
6. its `Refund`s.

Several orders at once (a sweep) are locked in primary-key order. A transaction that locks one
row and nothing else (the worker claiming a card operation before calling Stripe) cannot be
part of a deadlock and needs no order lock. A deadlock or a
serialisation failure that still happens is retried (`mint_shop.db.retry_on_conflict`).
"""

from orders.models import Order
from payments.models import Authorisation, OrderPayment


def order_lock(order_id: int) -> Order:
    """Step 1: the order row, before any of its payment rows."""
    return Order.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order_id)


def payment_rows_lock(order_id: int) -> tuple[Order, OrderPayment, Authorisation | None]:
    """Steps 1, 3 and 4: the order, its payment and its card hold (None when not paid by card)."""
    order = order_lock(order_id)
    order_payment = OrderPayment.objects.select_for_update().get(order_id=order_id)
    authorisation = Authorisation.objects.select_for_update().filter(order_payment=order_payment).first()
    return order, order_payment, authorisation


def orders_lock(order_ids) -> list[int]:
    """Step 1 for many orders (a sweep): in primary-key order."""
    return list(
        Order.objects.select_for_update().filter(pk__in=set(order_ids)).order_by("pk").values_list("pk", flat=True)
    )
