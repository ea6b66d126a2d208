"""Issue 14: the costly and sensitive writes are throttled, the rates are settings, a 429 is in the error shape."""

import hashlib
import hmac
import json

import pytest
from rest_framework.test import APIClient

from customers.models import Customer
from payments.models import StripeEvent
from tests.customers.api.test_account_api import registration
from tests.payments.services.test_webhooks import signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "register": "2/hour", "data_requests": "2/day",
             "webhook_failures": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    yield
    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_registration_beyond_its_rate_is_a_429_in_the_error_shape_and_writes_nothing(rates):
    client = APIClient()
    for number in (1, 2):
        body = registration(email=f"person{number}@example.com", last_name=f"Person{number}")
        assert client.post("/api/v1/register/", body, format="json").status_code == 202
    response = client.post("/api/v1/register/", registration(email="third@example.com"), format="json")
    assert response.status_code == 429 and "Retry-After" in response
    assert (response.json()["code"], response.json()["rule"]) == ("throttled", "access")
    assert Customer.objects.count() == 2


def test_registration_throttle_is_not_evaded_by_a_forged_x_forwarded_for(rates):
    """Without a trusted proxy, a client's own X-Forwarded-For must not make it a new caller each time."""
    client = APIClient()
    for number in (1, 2, 3):
        body = registration(email=f"person{number}@example.com", last_name=f"Person{number}")
        response = client.post("/api/v1/register/", body, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert response.status_code == 429
    assert Customer.objects.count() == 2


def test_registration_throttle_behind_one_proxy_counts_the_address_the_proxy_saw(rates, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient()
    for number in (1, 2, 3):  # the caller forges the first address; the proxy appends the one it saw
        body = registration(email=f"person{number}@example.com", last_name=f"Person{number}")
        response = client.post("/api/v1/register/", body, format="json",
                               HTTP_X_FORWARDED_FOR=f"203.0.113.{number}, 198.51.100.7")
    assert response.status_code == 429
    other = client.post("/api/v1/register/", registration(email="else@example.com", last_name="Else"), format="json",
                        HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 202


def test_data_requests_throttle_counts_the_customer_whichever_session_they_use(rates):
    from consents.models import DataRequest
    from tests.factories import CustomerFactory

    customer = CustomerFactory()
    answers = []
    for kind in ("access", "portability", "objection"):
        session = APIClient()  # a new sign-in (session) each time
        session.force_login(customer.user)
        answers.append(session.post("/api/v1/me/data-requests/", {"kind": kind}, format="json"))
    assert [answer.status_code for answer in answers] == [201, 201, 429]
    assert "Retry-After" in answers[-1] and answers[-1].json()["code"] == "throttled"
    assert DataRequest.objects.count() == 2


def _sms_webhook(client, body: bytes, secret: str, address: str):
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.generic("POST", "/webhooks/sms/inbound/", body, content_type="application/json",
                          HTTP_X_MINT_SIGNATURE=signature, REMOTE_ADDR=address)


def _stripe_webhook(client, event_id: str, secret: str | None, address: str):
    payload, header = signed({"id": event_id, "type": "customer.created", "data": {"object": {}}}, secret=secret)
    return client.post("/webhooks/stripe/", data=payload, content_type="application/json",
                       HTTP_STRIPE_SIGNATURE=header, REMOTE_ADDR=address)


def test_sms_webhooks_with_bad_signatures_are_throttled_per_address_and_well_signed_ones_never(rates, settings):
    client, body = APIClient(), json.dumps({"from": "+447700900001", "body": "HELLO"}).encode()
    forger, elsewhere = "203.0.113.9", "198.51.100.7"
    refusals = [_sms_webhook(client, body, "forged", forger).status_code for _ in range(3)]
    assert refusals == [403, 403, 429]
    throttled = _sms_webhook(client, body, "forged", forger)
    assert (throttled.status_code, throttled.json()["code"], throttled.json()["rule"]) == (429, "throttled", "access")
    assert "Retry-After" in throttled
    # The provider's own well-signed texts from the same address still pass; another address is not counted.
    assert _sms_webhook(client, body, settings.MINT_SMS_WEBHOOK_SECRET, forger).status_code == 200
    assert _sms_webhook(client, body, "forged", elsewhere).status_code == 403


def test_stripe_webhooks_with_bad_signatures_are_throttled_and_signed_events_still_stored(rates):
    client, forger = APIClient(), "203.0.113.9"
    codes = [_stripe_webhook(client, f"evt_forged_{n}", "whsec_wrong", forger).status_code for n in range(3)]
    assert codes == [400, 400, 429]
    assert _stripe_webhook(client, "evt_real", None, forger).status_code == 200
    assert list(StripeEvent.objects.values_list("event_id", flat=True)) == ["evt_real"]
