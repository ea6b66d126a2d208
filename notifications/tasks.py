import datetime as dt
import logging

from celery import shared_task
from django.conf import settings

from mint_shop import clock
from notifications import selectors, services

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(services.MessageDeliveryFailed,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=settings.MINT_OUTBOX_MAX_ATTEMPTS,
)
def message_send(message_id: int) -> str:
    return services.message_send(message_id=message_id).status


@shared_task
def outbox_send_pending() -> int:
    """Beat sweep: queue again any message still pending a minute after it was recorded."""
    ids = list(
        selectors.message_list_stuck_pending(older_than=clock.now() - dt.timedelta(minutes=1)).values_list(
            "pk", flat=True
        )[:500]
    )
    for message_id in ids:
        message_send.delay(message_id)
    logger.info("outbox sweep: %d pending message(s) queued again", len(ids))
    return len(ids)
