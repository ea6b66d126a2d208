"""The stripe SDK, through our gateway, against a real localstripe process."""

import pytest

from payments import gateway

pytestmark = pytest.mark.integration


def _customer_with_card():
    client = gateway.stripe_client()
    customer = client.v1.customers.create(params={"email": "ada@example.com"})
    card = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    client.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    return customer.id, card.id


def test_m2_a_payment_intent_is_authorised_then_captured_in_part(localstripe):
    customer_id, card_id = _customer_with_card()
    intent = gateway.payment_intent_authorise(
        amount_pence=5000, customer_id=customer_id, payment_method_id=card_id, idempotency_key="order-1-auth"
    )
    assert intent.status == "requires_capture"

    captured = gateway.payment_intent_capture(
        payment_intent_id=intent.id, amount_pence=3000, idempotency_key="order-1-capture"
    )
    assert captured.status == "succeeded"
    charge = captured.to_dict()["charges"]["data"][0]
    assert charge["amount"] - charge["amount_refunded"] == 3000
