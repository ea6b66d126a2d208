"""Stripe webhooks (M10): only signed events, each stored once, processed in the background;
processing looks at our own state, so a replay or an out-of-order event changes nothing more.
"""

import json

import stripe
from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import enqueue_on_commit, sweep_grace
from mint_shop.errors import RuleViolation
from payments import errors
from payments.models import StripeEvent
from payments.services.card import authorisation_lapse


def stripe_event_receive(*, payload: bytes, signature: str) -> tuple[StripeEvent, bool]:
    """Verify the signature and store the event once; the worker processes it after commit."""
    try:
        stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (stripe.SignatureVerificationError, ValueError):
        raise RuleViolation(errors.WEBHOOK_SIGNATURE_INVALID, "The Stripe-Signature header does not verify.") from None
    event = json.loads(payload)
    from payments.tasks import stripe_event_process as task

    with transaction.atomic(durable=True):
        stored, created = StripeEvent.objects.get_or_create(
            event_id=event["id"], defaults={"type": event.get("type", ""), "payload": event}
        )
        if stored.processed_at is None:
            # New, or stored during an outage and not yet processed: Stripe's retry starts it again.
            enqueue_on_commit(task, stored.pk)
    return stored, created


def stripe_events_process_due(*, limit: int = 500) -> int:
    """The sweep: every stored event not yet processed once the grace time has passed."""
    due = list(
        StripeEvent.objects.filter(processed_at__isnull=True, received_at__lte=clock.now() - sweep_grace())
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for event_pk in due:
        stripe_event_process(event_pk=event_pk)
    return len(due)


def stripe_event_process(*, event_pk: int) -> StripeEvent:
    """Act on one stored event. The action itself is idempotent, so a second run is harmless."""
    event = StripeEvent.objects.get(pk=event_pk)
    if event.processed_at:
        return event
    outcome = _act(event)
    StripeEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(processed_at=clock.now(), outcome=outcome)
    event.refresh_from_db()
    return event


def _act(event: StripeEvent) -> str:
    obj = event.payload.get("data", {}).get("object", {})
    if event.type == "charge.expired":
        intent_id = obj.get("payment_intent") or ""
    elif event.type == "payment_intent.canceled" and obj.get("cancellation_reason") == "automatic":
        intent_id = obj.get("id") or ""
    else:
        return "ignored"
    lapsed = authorisation_lapse(payment_intent_id=intent_id, actor=Actor.system())
    return "hold lapsed" if lapsed else "no live hold: nothing to do"
