from celery import shared_task

from customers import services
from mint_shop.actors import Actor


@shared_task
def call_recordings_purge_expired() -> int:
    """Daily (C10, D8): recordings and transcripts past the retention period go, files included."""
    return services.call_recordings_purge_expired(actor=Actor.system())
