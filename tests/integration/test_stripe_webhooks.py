"""Stripe's webhooks (M10) through the HTTP endpoint, confirmed with Stripe (localstripe) before
they change money. localstripe cannot expire a hold by itself: the tests cancel the
PaymentIntent there first, as Stripe would, then deliver the signed event.
"""

import datetime as dt

import pytest
import stripe
import time_machine
from django.test import Client
from kombu.exceptions import OperationalError

from notifications.models import Message
from orders.models import OrderLine
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, Refund, StripeEvent
from payments.services.card_operations import card_operations_retry_due
from payments.services.webhooks import stripe_events_process_due
from payments.tasks import stripe_event_process
from tests.integration.conftest import despatch_body, order_body
from tests.payments.services.test_webhooks import charge_expired, signed

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


@pytest.fixture
def card_order(as_customer, card, coin):
    placed = as_customer.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": card()})
    )
    assert placed.status_code == 201, placed.json()
    return placed.json()["id"]


def _hold(order_id) -> Authorisation:
    return Authorisation.objects.get(order_payment__order_id=order_id)


def _deliver(event, django_capture_on_commit_callbacks):
    payload, header = signed(event)
    with django_capture_on_commit_callbacks(execute=True):
        return Client().post(
            "/webhooks/stripe/", payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
        )


def _stripe_cancels_the_hold(order_id) -> str:
    intent_id = _hold(order_id).payment_intent_id
    gateway.payment_intent_cancel(payment_intent_id=intent_id, idempotency_key=f"test-expire-{intent_id}")
    return intent_id


def _flagged(staff) -> list[dict]:
    answer = staff("finance").get("/api/v1/staff/stripe-events/flagged/")
    assert answer.status_code == 200, answer.json()
    return answer.json()["results"] if isinstance(answer.json(), dict) else answer.json()


def test_m10_m3_a_hold_stripe_ended_is_recorded_lapsed(card_order, django_capture_on_commit_callbacks):
    intent_id = _stripe_cancels_the_hold(card_order)

    answer = _deliver(charge_expired("evt_expired", intent_id), django_capture_on_commit_callbacks)

    assert answer.status_code == 200
    assert _hold(card_order).status == Authorisation.Status.LAPSED
    assert [e.kind for e in LedgerEntry.objects.filter(order_id=card_order)] == ["authorisation", "lapse"]


def test_m10_an_expiry_stripe_contradicts_changes_nothing_and_is_shown_to_finance(
    card_order, staff, django_capture_on_commit_callbacks
):
    intent_id = _hold(card_order).payment_intent_id  # still held at Stripe: the event is forged or stale

    _deliver(charge_expired("evt_forged", intent_id), django_capture_on_commit_callbacks)

    assert _hold(card_order).status == Authorisation.Status.AUTHORISED
    assert [e.kind for e in LedgerEntry.objects.filter(order_id=card_order)] == ["authorisation"]
    [flag] = _flagged(staff)
    assert (flag["event_id"], flag["order"]) == ("evt_forged", card_order)
    assert "still held" in flag["finance_flag"]


def test_m10_a_dispute_flags_the_order_for_finance(card_order, staff, django_capture_on_commit_callbacks):
    dispute = {
        "id": "evt_dispute",
        "type": "charge.dispute.created",
        "data": {
            "object": {
                "id": "dp_1",
                "object": "dispute",
                "charge": "ch_1",
                "payment_intent": _hold(card_order).payment_intent_id,
                "reason": "fraudulent",
            }
        },
    }

    _deliver(dispute, django_capture_on_commit_callbacks)

    [flag] = _flagged(staff)
    assert flag["order"] == card_order and "fraudulent" in flag["finance_flag"]


def test_m10_m8_a_refund_failure_stripe_contradicts_leaves_the_refund_paid(
    card_order, staff, django_capture_on_commit_callbacks
):
    warehouse = staff("warehouse")
    line_id = OrderLine.objects.get(order_id=card_order).pk
    warehouse.post(f"/api/v1/staff/orders/{card_order}/allocate/")
    assert warehouse.post(f"/api/v1/staff/orders/{card_order}/despatch/", despatch_body(line_id)).status_code == 200
    granted = staff("finance").post(
        "/api/v1/staff/refunds/", {"order_id": card_order, "amount_pence": 500, "request_id": "goodwill-1"}
    )
    assert granted.status_code == 201, granted.json()
    stripe_refund_id = CardOperation.objects.get(kind=CardOperation.Kind.REFUND).stripe_object_id
    failed = {
        "id": "evt_refund_failed",
        "type": "refund.failed",
        "data": {"object": {"id": stripe_refund_id, "object": "refund", "status": "failed"}},
    }

    _deliver(failed, django_capture_on_commit_callbacks)

    assert Refund.objects.get().status == Refund.Status.PAID  # Stripe says it succeeded
    [flag] = _flagged(staff)
    assert "Stripe says it is succeeded" in flag["finance_flag"]


def test_m10_an_event_stored_while_the_broker_was_down_is_processed_by_stripes_retry_or_the_sweep(
    card_order, monkeypatch, settings, django_capture_on_commit_callbacks
):
    def broker_down(*args):
        raise OperationalError("Error 111 connecting to the broker. Connection refused.")

    intent_id = _stripe_cancels_the_hold(card_order)
    monkeypatch.setattr(stripe_event_process, "delay", broker_down)
    event = charge_expired("evt_outage", intent_id)

    assert _deliver(event, django_capture_on_commit_callbacks).status_code == 200  # stored, not yet processed
    assert StripeEvent.objects.get().processed_at is None
    monkeypatch.undo()
    assert _deliver(event, django_capture_on_commit_callbacks).status_code == 200  # Stripe tries again
    assert StripeEvent.objects.get().outcome == "hold lapsed"

    monkeypatch.setattr(stripe_event_process, "delay", broker_down)
    _deliver(charge_expired("evt_outage_2", intent_id), django_capture_on_commit_callbacks)
    settings.MINT_SWEEP_GRACE_SECONDS = 0
    assert stripe_events_process_due() == 1
    assert StripeEvent.objects.get(event_id="evt_outage_2").outcome == "no live hold: nothing to do"


def _stripe_fails_refunds(monkeypatch):
    """Stripe failed the refund after first accepting it (localstripe always pays refunds, so its
    later answers are read as Stripe would give them)."""

    def failed(read):
        def run(*args, **kwargs):
            stripe_refund = read(*args, **kwargs)
            if stripe_refund is not None:
                stripe_refund["status"] = "failed"
            return stripe_refund

        return run

    monkeypatch.setattr(gateway, "refund_retrieve", failed(gateway.refund_retrieve))
    monkeypatch.setattr(gateway, "refund_find", failed(gateway.refund_find))


def test_m10_m8_a_refund_stripe_failed_before_its_answer_was_recorded_goes_back_to_finance(
    card_order, staff, monkeypatch, settings, django_capture_on_commit_callbacks
):
    warehouse = staff("warehouse")
    line_id = OrderLine.objects.get(order_id=card_order).pk
    warehouse.post(f"/api/v1/staff/orders/{card_order}/allocate/")
    assert warehouse.post(f"/api/v1/staff/orders/{card_order}/despatch/", despatch_body(line_id)).status_code == 200
    made = {}

    def answer_lost(**kwargs):  # Stripe made the refund; its answer never reached us
        made["refund"] = gateway_refund_create(**kwargs)
        raise stripe.APIConnectionError("timed out")

    gateway_refund_create = gateway.refund_create
    monkeypatch.setattr(gateway, "refund_create", answer_lost)
    granted = staff("finance").post(
        "/api/v1/staff/refunds/", {"order_id": card_order, "amount_pence": 500, "request_id": "goodwill-2"}
    )
    assert granted.status_code == 201, granted.json()
    monkeypatch.setattr(gateway, "refund_create", gateway_refund_create)
    _stripe_fails_refunds(monkeypatch)
    failed = {
        "id": "evt_refund_failed_early",
        "type": "refund.failed",
        "data": {"object": {"id": made["refund"].id, "object": "refund", "status": "failed"}},
    }

    _deliver(failed, django_capture_on_commit_callbacks)
    settings.MINT_SWEEP_GRACE_SECONDS = 0
    with time_machine.travel(dt.timedelta(minutes=15)):
        card_operations_retry_due()
        stripe_events_process_due()

    refund = Refund.objects.get(request_id="goodwill-2")
    assert refund.status == Refund.Status.FAILED
    due = staff("finance").get("/api/v1/staff/refunds/due/").json()["results"]
    assert [row["id"] for row in due] == [refund.pk]
    kinds = [e.kind for e in LedgerEntry.objects.filter(order_id=card_order)]
    assert kinds.count("refund") == kinds.count("refund_failed")  # no money shown going back that did not
    assert not Message.objects.filter(kind="refund_made").exists()
