"""Stripe webhooks (M10)."""

import hashlib
import hmac
import json
import time

import pytest
from django.conf import settings

from mint_shop.errors import RuleViolation
from payments import errors, gateway
from payments.models import Authorisation, LedgerEntry, StripeEvent
from payments.services.webhooks import stripe_event_receive
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db


def signed(event: dict, secret: str | None = None) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe would send (HMAC-SHA256 of "t.body")."""
    payload = json.dumps(event).encode()
    timestamp = int(time.time())
    digest = hmac.new(
        (secret or settings.STRIPE_WEBHOOK_SECRET).encode(), f"{timestamp}.".encode() + payload, hashlib.sha256
    ).hexdigest()
    return payload, f"t={timestamp},v1={digest}"


def charge_expired(event_id: str, payment_intent_id: str) -> dict:
    return {
        "id": event_id,
        "type": "charge.expired",
        "data": {"object": {"id": "ch_x", "object": "charge", "payment_intent": payment_intent_id}},
    }


def test_m10_an_event_with_a_bad_signature_is_refused_and_nothing_stored(db):
    payload, header = signed(charge_expired("evt_bad", "pi_x"), secret="whsec_someone_else")
    with pytest.raises(RuleViolation) as refused:
        stripe_event_receive(payload=payload, signature=header)
    assert refused.value.rule == errors.WEBHOOK_SIGNATURE_INVALID
    assert not StripeEvent.objects.exists()


@pytest.mark.integration
def test_m10_charge_expired_lapses_the_hold_once_however_often_it_comes(card, place, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    intent_id = Authorisation.objects.get(order_payment__order=order).payment_intent_id
    gateway.payment_intent_cancel(payment_intent_id=intent_id, idempotency_key="test-expire")  # Stripe ends it
    payload, header = signed(charge_expired("evt_1", intent_id))

    for _ in range(3):
        with commit():
            stripe_event_receive(payload=payload, signature=header)

    assert StripeEvent.objects.get().outcome == "hold lapsed"
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.LAPSED
    assert LedgerEntry.objects.filter(order=order, kind="lapse").count() == 1
    assert order.payment.__class__.objects.get(order=order).charge_on_despatch_since is not None


@pytest.mark.integration
def test_m10_an_expiry_arriving_after_the_capture_changes_nothing(card, place, despatch, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    despatch(order, list(order.lines.all()))
    intent_id = Authorisation.objects.get(order_payment__order=order).payment_intent_id
    cancelled = {
        "id": "evt_2",
        "type": "payment_intent.canceled",
        "data": {"object": {"id": intent_id, "object": "payment_intent", "cancellation_reason": "automatic"}},
    }
    with commit():
        _receive(cancelled)
        _receive(charge_expired("evt_3", intent_id))

    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.CAPTURED
    assert [e.kind for e in LedgerEntry.objects.filter(order=order)] == ["authorisation", "capture"]
    assert set(StripeEvent.objects.values_list("outcome", flat=True)) == {"no live hold: nothing to do"}


def _receive(event):
    payload, header = signed(event)
    return stripe_event_receive(payload=payload, signature=header)
