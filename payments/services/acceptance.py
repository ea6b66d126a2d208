"""Telling orders that payment made lines contracts (O3), or unmade them, in the transaction
that records the money: the contract and the money commit together, or neither does.

The caller has locked the order first (payments.locks).
"""

from mint_shop import clock
from orders.selectors import order_line_ids_live
from payments import orders_link


def lines_accept(*, order, funds_cleared: bool, actor) -> None:
    """The order's live lines are paid for (O3: withdrawn ones are neither owed nor accepted):
    each becomes a contract; `funds_cleared`: every penny of them in cleared funds (O10)."""
    line_ids = order_line_ids_live(order_id=order.pk)
    if line_ids:
        orders_link.lines_accept(
            order_id=order.pk, line_ids=line_ids, accepted_at=clock.now(), funds_cleared=funds_cleared, actor=actor
        )


def lines_unaccept(*, order, actor) -> None:
    line_ids = list(order.lines.order_by("pk").values_list("pk", flat=True))
    orders_link.lines_unaccept(order_id=order.pk, line_ids=line_ids, actor=actor)
