"""The two orders services payments call (O3): one seam, so payments' tests can record the calls."""

from orders.services import order_lines_accept_by_payment, order_lines_unaccept_by_payment


def lines_accept(*, order_id: int, line_ids: list[int], accepted_at, funds_cleared: bool, actor) -> None:
    """Payment taken for these lines: each becomes a contract (O3); title waits for cleared funds (O10)."""
    order_lines_accept_by_payment(
        order_id=order_id, line_ids=line_ids, accepted_at=accepted_at, funds_cleared=funds_cleared, actor=actor
    )


def lines_unaccept(*, order_id: int, line_ids: list[int], actor) -> None:
    """The payment that made these lines contracts failed after all (a bounced cheque)."""
    order_lines_unaccept_by_payment(order_id=order_id, line_ids=line_ids, actor=actor)
