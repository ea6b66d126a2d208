"""Thin Celery tasks; each is safe to run twice."""

from celery import shared_task

from mint_shop.actors import Actor
from mint_shop.background import enqueue


@shared_task
def cancellation_refund_grant(cancellation_id: int) -> None:
    from cancellations.services import cancellation_refund_grant as grant

    grant(cancellation_id=cancellation_id, actor=Actor.system())


@shared_task
def cancellation_refunds_grant_due() -> int:
    """The sweep (M8): refunds owed whose grant never ran (its task lost) are asked of payments."""
    from cancellations.selectors import cancellations_owing_unasked

    ids = list(cancellations_owing_unasked().values_list("pk", flat=True)[:500])
    for cancellation_id in ids:
        enqueue(cancellation_refund_grant, cancellation_id)
    return len(ids)


@shared_task
def refund_deadlines_flag() -> list[int]:
    from cancellations.services import refund_deadlines_flag as flag

    return flag(actor=Actor.system())


@shared_task
def source_of_funds_orders_cancel() -> list[int]:
    from cancellations.services import source_of_funds_orders_cancel as cancel

    return cancel(actor=Actor.system())
