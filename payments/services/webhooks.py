"""Stripe webhooks (M10): only signed events, each stored once, processed in the background;
processing looks at our own state, so a replay or an out-of-order event changes nothing more.
"""

import json
import logging
import time

import stripe
from django.conf import settings
from django.db import transaction

from mint_shop import clock
from mint_shop.actors import Actor
from mint_shop.background import enqueue_on_commit, sweep_grace
from mint_shop.errors import RuleViolation
from payments import errors, gateway
from payments.models import Authorisation, CardOperation, StripeEvent
from payments.services.card import authorisation_lapse, deadline_passed
from payments.services.card_operations import REFUND_NOT_PAID
from payments.services.refunds import refund_card_failed

logger = logging.getLogger(__name__)

def _refuse_a_future_timestamp(signature: str) -> None:
    """The SDK refuses a signature older than its tolerance but not one dated ahead: a replay window
    held open by a forged clock. Stripe signs as it sends, so a time beyond the tolerance is refused."""
    stamps = [part[2:] for part in signature.split(",") if part.startswith("t=")]
    if stamps and stamps[0].isdigit() and int(stamps[0]) > time.time() + stripe.Webhook.DEFAULT_TOLERANCE:
        raise RuleViolation(errors.WEBHOOK_SIGNATURE_INVALID, "The Stripe-Signature is dated in the future.")


def stripe_event_receive(*, payload: bytes, signature: str) -> tuple[StripeEvent, bool]:
    """Verify the signature and store the event once; the worker processes it after commit."""
    _refuse_a_future_timestamp(signature)
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
        try:
            stripe_event_process(event_pk=event_pk)
        except Exception:  # one event Stripe cannot be asked about now must not stop the others
            logger.exception("Stripe event %s not processed; the next sweep tries again", event_pk)
    return len(due)


def stripe_event_process(*, event_pk: int) -> StripeEvent:
    """Act on one stored event, once Stripe has confirmed what it says. The action itself is
    idempotent, so a second run is harmless."""
    event = StripeEvent.objects.get(pk=event_pk)
    if event.processed_at:
        return event
    outcome, order_id, flag = _act(event)
    StripeEvent.objects.filter(pk=event.pk, processed_at__isnull=True).update(
        processed_at=clock.now(), outcome=outcome[:200], order_id=order_id, finance_flag=flag[:300]
    )
    event.refresh_from_db()
    return event


def _act(event: StripeEvent) -> tuple[str, int | None, str]:
    """(outcome, order id, flag for finance). The payload is only a hint of what to look at:
    what changes money is what Stripe itself says when asked (a forged or stale event
    changes nothing and is shown to finance)."""
    obj = event.payload.get("data", {}).get("object", {})
    if event.type == "charge.expired":
        return _hold_ended(obj.get("payment_intent") or "")
    if event.type == "payment_intent.canceled" and obj.get("cancellation_reason") == "automatic":
        return _hold_ended(obj.get("id") or "")
    if event.type in ("refund.failed", "refund.updated"):
        said_failed = event.type == "refund.failed" or obj.get("status") in REFUND_NOT_PAID
        return _refund_changed(obj.get("id") or "", said_failed=said_failed)
    if event.type == "charge.dispute.created":
        return _dispute_opened(obj)
    return "ignored", None, ""


def _order_of_intent(payment_intent_id: str) -> int | None:
    if not payment_intent_id:
        return None
    return (
        CardOperation.objects.filter(payment_intent_id=payment_intent_id)
        .values_list("order_payment__order_id", flat=True)
        .first()
    )


def _hold_ended(payment_intent_id: str) -> tuple[str, int | None, str]:
    """M3: a hold is recorded lapsed only when Stripe's PaymentIntent can no longer be captured."""
    authorisation = Authorisation.objects.filter(payment_intent_id=payment_intent_id).first()
    if authorisation is None or not payment_intent_id:
        return "no hold of ours: nothing to do", None, ""
    order_id = _order_of_intent(payment_intent_id)
    intent = gateway.payment_intent_retrieve(payment_intent_id)
    if intent.status == "requires_capture" and not deadline_passed(authorisation):
        return (
            "contradicted by Stripe: the hold is still capturable",
            order_id,
            f"Stripe says PaymentIntent {payment_intent_id} is still held: the event was not acted on",
        )
    lapsed = authorisation_lapse(payment_intent_id=payment_intent_id, actor=Actor.system())
    return ("hold lapsed" if lapsed else "no live hold: nothing to do"), order_id, ""


def _refund_changed(refund_id: str, *, said_failed: bool) -> tuple[str, int | None, str]:
    """M8: a card refund Stripe confirms failed (or cancelled) goes back to finance's queue."""
    operation = CardOperation.objects.filter(kind=CardOperation.Kind.REFUND, stripe_object_id=refund_id).first()
    if operation is None or not refund_id:
        return "no refund of ours: nothing to do", None, ""
    order_id = operation.order_payment.order_id
    status = gateway.refund_retrieve(refund_id).status
    if status in REFUND_NOT_PAID:
        refund_card_failed(operation=operation, actor=Actor.system())
        return "refund failed at Stripe: back with finance", order_id, f"Stripe could not pay refund {refund_id}"
    if said_failed:
        return (
            "contradicted by Stripe: the refund did not fail",
            order_id,
            f"The event says refund {refund_id} failed; Stripe says it is {status}: the event was not acted on",
        )
    return f"refund {status} at Stripe: nothing to do", order_id, ""


def _dispute_opened(dispute: dict) -> tuple[str, int | None, str]:
    """A chargeback: no money state changes here (Stripe moves the money); finance is told."""
    order_id = _order_of_intent(dispute.get("payment_intent") or "")
    charge = dispute.get("charge") or ""
    if order_id is None and charge:
        paid_by = CardOperation.objects.filter(stripe_object_id=charge)
        order_id = paid_by.values_list("order_payment__order_id", flat=True).first()
    reason = dispute.get("reason") or "no reason given"
    return "dispute opened: order flagged for finance", order_id, f"Dispute on charge {charge} ({reason})"
