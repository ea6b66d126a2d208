"""Telling orders that payment made lines contracts (O3), or unmade them, after our commit.

The orders services run in their own transaction, so they are called once ours has committed.
"""

from functools import partial

from django.db import transaction

from mint_shop import clock
from payments import orders_link


def lines_accept_after_commit(*, order, funds_cleared: bool, actor) -> None:
    """The order's live lines are paid for; `funds_cleared`: every penny of them in cleared funds (O10)."""
    line_ids = list(order.lines.filter(withdrawn_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    transaction.on_commit(
        partial(
            orders_link.lines_accept,
            order_id=order.pk,
            line_ids=line_ids,
            accepted_at=clock.now(),
            funds_cleared=funds_cleared,
            actor=actor,
        )
    )


def lines_unaccept_after_commit(*, order, actor) -> None:
    line_ids = list(order.lines.order_by("pk").values_list("pk", flat=True))
    transaction.on_commit(partial(orders_link.lines_unaccept, order_id=order.pk, line_ids=line_ids, actor=actor))
