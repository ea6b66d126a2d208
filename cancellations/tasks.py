"""Thin Celery tasks; each is safe to run twice."""

from celery import shared_task

from mint_shop.actors import Actor


@shared_task
def cancellation_refund_grant(cancellation_id: int) -> None:
    from cancellations.services import cancellation_refund_grant as grant

    grant(cancellation_id=cancellation_id, actor=Actor.system())


@shared_task
def refund_deadlines_flag() -> list[int]:
    from cancellations.services import refund_deadlines_flag as flag

    return flag(actor=Actor.system())


@shared_task
def source_of_funds_orders_cancel() -> list[int]:
    from cancellations.services import source_of_funds_orders_cancel as cancel

    return cancel(actor=Actor.system())
