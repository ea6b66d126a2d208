import datetime as dt
import logging

from celery import shared_task

from mint_shop import clock
from mint_shop.background import enqueue
from notifications import selectors, services

logger = logging.getLogger(__name__)


@shared_task
def message_send(message_id: int) -> str:
    """Send one message; a failure is retried by the sweep once its backoff has run out."""
    try:
        return services.message_send(message_id=message_id).status
    except services.MessageDeliveryFailed:
        return "retry after backoff"


@shared_task
def outbox_send_pending() -> int:
    """Beat sweep: queue again any message still pending a minute after it was recorded, once
    its backoff (if it failed) has run out."""
    now = clock.now()
    ids = list(
        selectors.message_list_stuck_pending(older_than=now - dt.timedelta(minutes=1), now=now).values_list(
            "pk", flat=True
        )[:500]
    )
    queued = sum(enqueue(message_send, message_id) for message_id in ids)
    logger.info("outbox sweep: %d pending message(s) queued again", queued)
    return queued
