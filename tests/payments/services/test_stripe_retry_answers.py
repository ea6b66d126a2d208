"""Answers Stripe gives a retried call that are not a refusal (issue 14, bounded calls to Stripe).

A retry after a timeout may reach Stripe while the first request with the same idempotency key is
still executing: Stripe answers 409 `idempotency_error` and saves nothing ("safe to retry", Stripe's
idempotency guide). Search lags writes, so the retry's look-up may miss the first attempt's
PaymentIntent. Neither is the card being declined.
"""

import datetime as dt
import json

import pytest
import stripe
import time_machine

from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment
from payments.services.card_operations import card_operations_retry_due
from tests.payments.factories import order_with_lines

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

IN_PROGRESS = json.dumps(
    {
        "error": {
            "type": "idempotency_error",
            "message": "There is currently another in-progress request using this Stripe-Idempotency-Key.",
        }
    }
)
NOTHING_FOUND = json.dumps(
    {"object": "search_result", "data": [], "has_more": False, "url": "/v1/payment_intents/search"}
)


@pytest.fixture
def stripe_script(monkeypatch):
    """Script what Stripe answers the SDK: per (method, path), a list of 'pass', 'timeout-after',
    'in-progress' or 'lagging-search', used one per request; unlisted requests pass through."""
    script: dict[tuple[str, str], list[str]] = {}

    class Scripted(stripe.RequestsClient):
        def request(self, method, url, headers, post_data=None):
            key = (method.upper(), url.split("?")[0].split("/v1/", 1)[-1])
            step = script.get(key, []).pop(0) if script.get(key) else "pass"
            if step == "in-progress":
                return IN_PROGRESS, 409, {}
            if step == "lagging-search":
                return NOTHING_FOUND, 200, {}
            answer = super().request(method, url, headers, post_data)
            if step == "timeout-after":  # Stripe acted, the answer never came back
                raise stripe.APIConnectionError("Request timed out")
            return answer

    monkeypatch.setattr(gateway.stripe, "RequestsClient", Scripted)
    return script


def _intents_for(operation) -> list:
    return [
        intent
        for intent in gateway.stripe_client().v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if intent.to_dict()["metadata"].get("mint_operation") == str(operation.key)
    ]


def _sweep_later(commit, minutes):
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=minutes), tick=False), commit():
        return card_operations_retry_due()


def test_authorisation_retried_while_the_first_request_still_runs_at_stripe_is_not_a_decline(
    card, place, commit, stripe_script
):
    payment_method = card()
    stripe_script[("POST", "payment_intents")] = ["timeout-after", "in-progress"]
    stripe_script[("GET", "payment_intents/search")] = ["lagging-search"]
    order = place(order_with_lines(2500), stripe_payment_method_id=payment_method)
    operation = CardOperation.objects.get(order_payment__order=order, kind=CardOperation.Kind.AUTHORISE)

    assert _sweep_later(commit, 5) == 1  # Stripe: "another request with this key is in progress"
    operation.refresh_from_db()
    assert operation.status == CardOperation.Status.PENDING
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.PENDING
    assert OrderPayment.objects.get(order=order).held_at is None  # no hold, no "we could not take payment"

    assert _sweep_later(commit, 120) == 1  # the search has caught up: the first attempt's hold
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.AUTHORISED
    assert [intent.status for intent in _intents_for(operation)] == ["requires_capture"]
    assert LedgerEntry.objects.filter(order=order, kind="authorisation").count() == 1
