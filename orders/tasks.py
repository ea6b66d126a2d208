from celery import shared_task

from mint_shop.actors import Actor
from orders import services


@shared_task
def orders_notify_delays() -> int:
    """O6, daily: safe to run twice (an order told once is not told again)."""
    return len(services.orders_notify_delays(actor=Actor.system()))
