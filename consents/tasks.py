from celery import shared_task

from consents import retention
from mint_shop.actors import Actor


@shared_task
def retention_apply() -> int:
    """Daily (D8): anonymise or delete what the schedule no longer lets us keep; safe to run twice."""
    return len(retention.retention_apply(actor=Actor.system()))
