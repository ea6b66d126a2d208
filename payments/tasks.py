"""Payments' Celery tasks: thin, each loads by id and calls a service; safe to run twice."""

from celery import shared_task

from mint_shop.actors import Actor
from payments.services import card, card_operations, instalments, release, webhooks


@shared_task
def card_operation_perform(operation_id: int) -> str:
    return card_operations.card_operation_perform(operation_id=operation_id).status


@shared_task
def card_operations_perform(operation_ids: list[int]) -> int:
    for operation_id in operation_ids:
        card_operations.card_operation_perform(operation_id=operation_id)
    return len(operation_ids)


@shared_task
def card_operations_retry_due() -> int:
    """Every minute: Stripe calls that could not get through (down, timed out, 429) are tried again."""
    return card_operations.card_operations_retry_due()


@shared_task
def authorisations_end_due() -> dict:
    """M3: holds past Stripe's deadline lapse; holds past the release day are released."""
    actor = Actor.system()
    lapsed = card.authorisations_lapse_overdue(actor=actor)
    released = release.preauthorisation_release_stale(actor=actor)
    return {"lapsed": lapsed, "released": released}


@shared_task
def stripe_event_process(event_pk: int) -> str:
    return webhooks.stripe_event_process(event_pk=event_pk).outcome


@shared_task
def stripe_events_process_due() -> int:
    """Every minute: stored Stripe events whose processing was never started (M10)."""
    return webhooks.stripe_events_process_due()


@shared_task
def instalments_daily() -> dict:
    """M5: reminders before due dates, then missed instalments and arrears."""
    actor = Actor.system()
    return {
        "reminded": instalments.instalments_remind(actor=actor),
        "missed": instalments.instalments_mark_missed(actor=actor),
    }
