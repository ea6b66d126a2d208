"""The two orders services payments call (O3), imported when called.

Orders sit below payments and own acceptance; they are imported lazily so this app
loads (and its tests run) on its own, and tests can record the calls here.
"""


def lines_accept(*, order_id: int, line_ids: list[int], accepted_at, actor) -> None:
    """Payment taken for these lines: each becomes a contract (O3)."""
    from orders.services import order_lines_accept_by_payment

    order_lines_accept_by_payment(order_id=order_id, line_ids=line_ids, accepted_at=accepted_at, actor=actor)


def lines_unaccept(*, order_id: int, line_ids: list[int], actor) -> None:
    """The payment that made these lines contracts failed after all (a bounced cheque)."""
    from orders.services import order_lines_unaccept_by_payment

    order_lines_unaccept_by_payment(order_id=order_id, line_ids=line_ids, actor=actor)
