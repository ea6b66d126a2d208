"""The one place that talks to Stripe, through the official SDK.

`make run` and the tests point it at a localstripe process (STRIPE_API_BASE); with a real
STRIPE_SECRET_KEY and no STRIPE_API_BASE it talks to Stripe itself. Every call that moves
money carries an idempotency key derived from our own records, so a retry never charges twice;
because localstripe ignores those keys, the services also look before they act
(`payments.services.card`).
"""

import datetime as dt
import logging

import stripe
from django.conf import settings
from stripe import StripeClient

# Answers that say "try again later": the network, a timeout, a 429, Stripe's own 5xx.
RETRYABLE_ERRORS = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)
# The card or its bank said no, or wants the customer present (M3: hold and tell them).
DECLINE_ERRORS = (stripe.CardError,)

logger = logging.getLogger(__name__)


def stripe_client() -> StripeClient:
    base_addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else {}
    return StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base_addresses,
        max_network_retries=0,  # our tasks retry, with backoff and a record of each attempt
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def customer_create(*, mint_customer_id: int, email: str):
    """A Stripe customer to save cards on. Moves no money: a retry's spare customer is harmless."""
    return stripe_client().v1.customers.create(
        params={"email": email, "metadata": {"mint_customer": str(mint_customer_id)}}
    )


def payment_method_attach(*, payment_method_id: str, customer_id: str):
    """Save the card to the Stripe customer, for the later merchant-initiated charge (M2)."""
    return stripe_client().v1.payment_methods.attach(payment_method_id, params={"customer": customer_id})


def payment_intent_create(
    *,
    amount_pence: int,
    customer_id: str,
    payment_method_id: str,
    metadata: dict,
    idempotency_key: str,
    manual_capture: bool,
):
    """Authorise (manual capture, M2) or charge a saved card off-session (M3, charge on despatch)."""
    params = {
        "amount": amount_pence,
        "currency": "gbp",
        "customer": customer_id,
        "payment_method": payment_method_id,
        "confirm": True,
        "metadata": metadata,
    }
    if manual_capture:
        # The customer is present: keep the card for the merchant-initiated charge later.
        params["capture_method"] = "manual"
        params["payment_method_options"] = {"card": {"setup_future_usage": "off_session"}}
    else:
        params["off_session"] = True
    return stripe_client().v1.payment_intents.create(params=params, options={"idempotency_key": idempotency_key})


def payment_intent_authorise(*, amount_pence: int, customer_id: str, payment_method_id: str, idempotency_key: str):
    """Authorise (hold) an amount on a saved card, to be captured later (M2)."""
    return payment_intent_create(
        amount_pence=amount_pence,
        customer_id=customer_id,
        payment_method_id=payment_method_id,
        metadata={},
        idempotency_key=idempotency_key,
        manual_capture=True,
    )


def payment_intent_retrieve(payment_intent_id: str):
    return stripe_client().v1.payment_intents.retrieve(payment_intent_id)


def payment_intent_find(*, metadata_key: str, value: str):
    """The PaymentIntent an earlier attempt made, found by our metadata, or None.

    Only asked when an attempt may have reached Stripe without our hearing the answer. One call
    whatever the size of the account: Stripe's Search API on the metadata (`make run` and the
    tests: the same search, added to localstripe by `mint_shop.localstripe_run`). Search is
    eventually consistent (usually under a minute behind), so "not found" is not proof: the caller
    then repeats the create with the operation's own idempotency key, which Stripe answers with the
    object the first attempt made (keys are kept at least 24 hours). A server without search
    (localstripe run bare, an account where Stripe offers none) gets the old paged listing,
    logged, because it grows with the account.
    """
    query = f"metadata['{metadata_key}']:'{_search_literal(value)}'"
    try:
        found = stripe_client().v1.payment_intents.search(params={"query": query, "limit": 1})
    except stripe.InvalidRequestError as exc:
        if exc.http_status not in (400, 404):
            raise
        logger.warning("PaymentIntent search unavailable (%s): listing every PaymentIntent instead", exc)
        return _payment_intent_find_by_listing(metadata_key=metadata_key, value=value)
    return found.data[0] if found.data else None


def _search_literal(value: str) -> str:
    """A value inside a Search query's quotes: Stripe escapes quotes and backslashes with a backslash."""
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _payment_intent_find_by_listing(*, metadata_key: str, value: str):
    for intent in stripe_client().v1.payment_intents.list(params={"limit": 100}).auto_paging_iter():
        if (intent.to_dict().get("metadata") or {}).get(metadata_key) == value:
            return intent
    return None


def payment_intent_capture(*, payment_intent_id: str, amount_pence: int, idempotency_key: str):
    """Capture part or all of a held amount (M4); Stripe releases the rest."""
    return stripe_client().v1.payment_intents.capture(
        payment_intent_id,
        params={"amount_to_capture": amount_pence},
        options={"idempotency_key": idempotency_key},
    )


def payment_intent_cancel(*, payment_intent_id: str, idempotency_key: str):
    """Release a hold (M3, O4)."""
    return stripe_client().v1.payment_intents.cancel(payment_intent_id, options={"idempotency_key": idempotency_key})


def refund_create(*, payment_intent_id: str, amount_pence: int, metadata: dict, idempotency_key: str):
    return stripe_client().v1.refunds.create(
        params={"payment_intent": payment_intent_id, "amount": amount_pence, "metadata": metadata},
        options={"idempotency_key": idempotency_key},
    )


def refund_retrieve(refund_id: str):
    return stripe_client().v1.refunds.retrieve(refund_id)


def refund_find(*, payment_intent_id: str, metadata_key: str, value: str):
    refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment_intent_id, "limit": 100})
    for refund in refunds.auto_paging_iter():
        if (refund.to_dict().get("metadata") or {}).get(metadata_key) == value:
            return refund
    return None


def balance_transactions(*, created_from: int | None = None):
    """The balance transactions made from `created_from` (a Unix time; all when None) as dicts (M9)."""
    params = {"limit": 100} | ({"created": {"gte": created_from}} if created_from is not None else {})
    for txn in stripe_client().v1.balance_transactions.list(params=params).auto_paging_iter():
        yield txn.to_dict()


def latest_charge(intent) -> dict | None:
    """The intent's charge as a dict: Stripe gives an id unless expanded, localstripe the object."""
    charge = intent.to_dict().get("latest_charge")
    if isinstance(charge, str):
        return stripe_client().v1.charges.retrieve(charge).to_dict()
    return charge


def card_fingerprint(intent) -> str:
    """The fingerprint of the intent's card: the same card number has the same one whoever saved it (X3)."""
    method = intent.to_dict().get("payment_method")
    if isinstance(method, str):
        method = stripe_client().v1.payment_methods.retrieve(method).to_dict()
    return ((method or {}).get("card") or {}).get("fingerprint") or ""


def capture_deadline(intent, charge: dict | None) -> tuple[dt.datetime, bool]:
    """Stripe's deadline for capturing this hold, and whether we had to assume it (M3).

    Stripe reports it as payment_method_details.card.capture_before; a server that does not
    (localstripe) gets the shortest usual online hold, 7 days from authorisation.
    """
    card = ((charge or {}).get("payment_method_details") or {}).get("card") or {}
    if card.get("capture_before"):
        return dt.datetime.fromtimestamp(card["capture_before"], tz=dt.UTC), False
    created = dt.datetime.fromtimestamp((charge or intent.to_dict())["created"], tz=dt.UTC)
    return created + dt.timedelta(days=settings.MINT_CARD_HOLD_ASSUMED_DAYS), True


def js_url() -> str:
    """Where staff pages load Stripe.js from: js.stripe.com, or localstripe's stand-in in development."""
    if settings.STRIPE_JS_URL:
        return settings.STRIPE_JS_URL
    if settings.STRIPE_API_BASE:
        return f"{settings.STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
    return "https://js.stripe.com/v3/"


def setup_intent_create():
    """A SetupIntent for Stripe's card field: the browser confirms it with the card and we learn only the
    pm_… id, never the card (PCI SAQ A)."""
    return stripe_client().v1.setup_intents.create(params={"payment_method_types": ["card"], "usage": "off_session"})
