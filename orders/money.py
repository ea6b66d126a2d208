"""What an order and its lines cost, in one place (O3, M9, R4).

Every figure that orders show, payments ask for or take, and cancellations refund is built
from these: a line costs its quantity at its quoted price less its share of discounts (X2);
the order's charges (delivery, and the second delivery a part despatch adds, O7) are owed
once while any line is live. Withdrawn lines (declined, price refused, withdrawn by the
customer, cancelled, their product withdrawn) cost nothing.
"""

from collections.abc import Iterable


def line_goods_pence(line) -> int:
    """The line at its quoted price, before its share of discounts."""
    return line.quantity * line.unit_price_pence


def line_amount_pence(line) -> int:
    """What the line costs the customer: its goods less its share of the order's discounts."""
    return line_goods_pence(line) - line.discount_pence


def lines_amount_pence(lines: Iterable) -> int:
    return sum(line_amount_pence(line) for line in lines)


def live_lines(lines: Iterable) -> list:
    return [line for line in lines if line.withdrawn_at is None]


def order_charges_pence(order) -> int:
    """Delivery, and the second delivery charge a part despatch adds to the order (O7)."""
    return order.delivery_pence + order.part_despatch_charge_pence


def order_total_pence(order, lines: Iterable | None = None) -> int:
    """What the order costs now: its live lines and, while any is live, its charges.

    `lines` are the order's lines when the caller has them loaded (prefetched or locked).
    """
    kept = live_lines(order.lines.all() if lines is None else lines)
    return lines_amount_pence(kept) + order_charges_pence(order) if kept else 0
