"""What cancellations tell promotions (promotions/registry.py): which lines were cancelled (X3 clawback)."""

from cancellations.models import CancellationLine
from promotions import registry


def lines_cancelled(*, line_ids: list[int]) -> set[int]:
    return set(CancellationLine.objects.filter(order_line_id__in=line_ids).values_list("order_line_id", flat=True))


def register() -> None:
    registry.register(registry.LINES_CANCELLED, lines_cancelled)
