"""What an order and its lines cost, in one place.

Orders will add a per-line discount (X2, `discount_pence`); it is taken off here, so every
amount payments asks for or takes follows it.
"""


def line_amount_pence(line) -> int:
    return line.quantity * line.unit_price_pence - getattr(line, "discount_pence", 0)


def order_charges_pence(order) -> int:
    """Delivery, and the second delivery charge a part despatch adds to the order (O7)."""
    return order.delivery_pence + order.part_despatch_charge_pence


def order_total_pence(order) -> int:
    return sum(line_amount_pence(line) for line in order.lines.all()) + order_charges_pence(order)
