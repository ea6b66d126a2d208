"""What orders tell promotions (promotions/registry.py): read-only answers about purchases (X3)."""

from orders.models import OrderLine
from promotions import registry


def ranges_bought(*, customer_id: int) -> set[str]:
    """The ranges the customer has ordered from, lines withdrawn from the offer aside."""
    return set(
        OrderLine.objects.filter(order__customer_id=customer_id, withdrawn_at__isnull=True)
        .values_list("product__range__code", flat=True)
        .distinct()
    )


def lines_withdrawn(*, line_ids: list[int]) -> set[int]:
    return set(OrderLine.objects.filter(pk__in=line_ids, withdrawn_at__isnull=False).values_list("pk", flat=True))


def register() -> None:
    registry.register(registry.RANGES_BOUGHT, ranges_bought)
    registry.register(registry.LINES_CANCELLED, lines_withdrawn)
