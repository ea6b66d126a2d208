"""The one place that talks to Stripe, through the official SDK.

`make run` and the tests point it at a localstripe process (STRIPE_API_BASE); with a real
STRIPE_SECRET_KEY and no STRIPE_API_BASE it talks to Stripe itself. Every call that moves
money carries an idempotency key derived from our own records, so a retry never charges twice.
"""

from django.conf import settings
from stripe import StripeClient


def stripe_client() -> StripeClient:
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {}
    return StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base_addresses, max_network_retries=0)


def payment_intent_authorise(
    *, amount_pence: int, customer_id: str, payment_method_id: str, idempotency_key: str
):
    """Authorise (hold) an amount on a saved card, to be captured later (M2)."""
    return stripe_client().v1.payment_intents.create(
        params={
            "amount": amount_pence,
            "currency": "gbp",
            "customer": customer_id,
            "payment_method": payment_method_id,
            "capture_method": "manual",
            "confirm": True,
        },
        options={"idempotency_key": idempotency_key},
    )


def payment_intent_capture(*, payment_intent_id: str, amount_pence: int, idempotency_key: str):
    """Capture part or all of a held amount (M4); Stripe releases the rest."""
    return stripe_client().v1.payment_intents.capture(
        payment_intent_id,
        params={"amount_to_capture": amount_pence},
        options={"idempotency_key": idempotency_key},
    )
