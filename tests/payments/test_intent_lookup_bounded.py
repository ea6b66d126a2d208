"""Looking for an earlier attempt's PaymentIntent costs one Stripe call however big the account (issue 14)."""

import uuid

import pytest

from payments import gateway
from tests.conftest import LocalStripe

pytestmark = pytest.mark.integration


def _intents(count: int, tag: str) -> list[str]:
    """`count` PaymentIntents in the account, each with its own operation key in the metadata."""
    client = gateway.stripe_client()
    keys = [f"{tag}-{uuid.uuid4()}" for _ in range(count)]
    for key in keys:
        client.v1.payment_intents.create(params={"amount": 100, "currency": "gbp", "metadata": {"mint_operation": key}})
    return keys


def _found(key: str) -> str | None:
    intent = gateway.payment_intent_find(metadata_key="mint_operation", value=key)
    return None if intent is None else intent.metadata["mint_operation"]


def test_looking_for_an_earlier_attempt_costs_one_call_however_many_payment_intents_exist(
    localstripe, stripe_requests
):
    early = _intents(3, "early")
    stripe_requests.clear()
    assert _found(early[1]) == early[1]
    calls_in_a_small_account = list(stripe_requests)

    _intents(230, "later")  # past two pages of Stripe's largest list page (100)
    stripe_requests.clear()
    assert _found(early[1]) == early[1]
    assert _found(str(uuid.uuid4())) is None

    assert [call[:2] for call in calls_in_a_small_account] == [("GET", "payment_intents/search")]
    assert [call[:2] for call in stripe_requests] == [("GET", "payment_intents/search")] * 2


def test_a_server_without_search_still_finds_the_earlier_attempt_by_listing(tmp_path, settings, stripe_requests):
    bare = LocalStripe(tmp_path / "state.pickle", search=False)  # localstripe as published: no search
    bare.start()
    try:
        settings.STRIPE_API_BASE = bare.url
        settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
        keys = _intents(2, "bare")
        stripe_requests.clear()
        found = gateway.payment_intent_find(metadata_key="mint_operation", value=keys[0])
    finally:
        bare.stop()
    assert found.metadata["mint_operation"] == keys[0]
    assert stripe_requests[0][:2] == ("GET", "payment_intents/search")
    assert [call[:2] for call in stripe_requests[1:]] == [("GET", "payment_intents")]
