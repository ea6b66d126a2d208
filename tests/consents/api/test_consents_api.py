import hashlib
import hmac
import json

import pytest

from consents import services
from consents.models import MarketingConsent
from consents.selectors import marketing_consent_allows
from consents.unsubscribe import unsubscribe_token_make, unsubscribe_url
from mint_shop.actors import Actor
from tests.customers.helpers import api
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SECRET = "test-sms-secret"


def consent(customer, channel):
    MarketingConsent.objects.create(customer=customer, channel=channel, granted=True, basis="consent",
                                    source="web_form", changed_at="2026-11-01T10:00:00Z", actor_kind="customer")


def test_d1_a_customer_gives_and_withdraws_consent_in_the_account():
    customer = CustomerFactory()
    client = api(customer.user)
    given = client.post("/api/v1/me/consents/", {"channel": "sms", "granted": True,
                                                 "wording": "Text me offers"}, format="json")
    assert given.status_code == 200
    assert (given.json()["source"], given.json()["basis"]) == ("account", "consent")
    client.post("/api/v1/me/consents/", {"channel": "sms", "granted": False}, format="json")
    assert [(c["channel"], c["granted"]) for c in client.get("/api/v1/me/consents/").json()] == [("sms", False)]
    assert client.post("/api/v1/me/consents/", {"channel": "fax", "granted": True}, format="json").status_code == 400


@pytest.mark.parametrize("method", ["get", "post"])
def test_d2_the_unsubscribe_link_works_without_logging_in_and_only_once(method):
    customer = CustomerFactory()
    consent(customer, "email")
    url = unsubscribe_url(customer=customer, base_url="https://mint.example")
    assert url.startswith("https://mint.example/api/v1/unsubscribe/")
    path = url.removeprefix("https://mint.example")
    client = api()
    client.enforce_csrf_checks = True
    first = getattr(client, method)(path)
    assert first.status_code == 200
    assert not marketing_consent_allows(customer=customer, channel="email")
    again = getattr(client, method)(path)
    assert (again.status_code, again.json()["code"], again.json()["rule"]) == (409, "unsubscribe_token_used", "D2")


def test_d2_a_forged_unsubscribe_token_is_a_400_and_changes_nothing():
    customer = CustomerFactory()
    consent(customer, "email")
    token = unsubscribe_token_make(customer=customer)
    response = api().get(f"/api/v1/unsubscribe/{token[:-2]}xx/")
    assert (response.status_code, response.json()["code"]) == (400, "unsubscribe_token_invalid")
    assert marketing_consent_allows(customer=customer, channel="email")


def _sms(payload: dict, secret: str = SECRET, as_json: bool = True):
    body = json.dumps(payload).encode() if as_json else "&".join(f"{k}={v}" for k, v in payload.items()).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return api().generic(
        "POST", "/webhooks/sms/inbound/", body,
        content_type="application/json" if as_json else "application/x-www-form-urlencoded",
        HTTP_X_MINT_SIGNATURE=signature,
    )


@pytest.fixture(autouse=True)
def sms_secret(settings):
    settings.MINT_SMS_WEBHOOK_SECRET = SECRET


@pytest.mark.parametrize("as_json", [True, False])
def test_d2_stop_texted_from_a_known_number_opts_out_through_the_webhook(as_json):
    customer = CustomerFactory(mobile_phone="+447911123456")
    consent(customer, "sms")
    response = _sms({"from": "+447911123456", "body": " stop "}, as_json=as_json)
    assert (response.status_code, response.json()) == (200, {"opted_out": 1})
    assert not marketing_consent_allows(customer=customer, channel="sms")


@pytest.mark.parametrize("payload", [{"from": "+447911999999", "body": "STOP"},
                                     {"from": "+447911123456", "body": "Where is my order?"},
                                     {"from": "rubbish", "body": "STOP"}, {}])
def test_d2_unknown_numbers_and_other_texts_are_a_logged_no_op_with_200(payload, caplog):
    customer = CustomerFactory(mobile_phone="+447911123456")
    consent(customer, "sms")
    caplog.set_level("INFO", logger="consents.services")
    response = _sms(payload)
    assert (response.status_code, response.json()) == (200, {"opted_out": 0})
    assert marketing_consent_allows(customer=customer, channel="sms")
    assert "nothing changed" in caplog.text


def test_d2_an_unsigned_or_wrongly_signed_sms_is_refused():
    customer = CustomerFactory(mobile_phone="+447911123456")
    consent(customer, "sms")
    assert _sms({"from": "+447911123456", "body": "STOP"}, secret="guess").status_code == 403
    assert marketing_consent_allows(customer=customer, channel="sms")


def test_d2_customer_service_records_an_opt_out_received_by_letter(staff_user):
    clerk = staff_user("customer_service")
    customer = CustomerFactory()
    consent(customer, "post")
    client = api(clerk)
    response = client.post(f"/api/v1/staff/customers/{customer.pk}/consents/",
                           {"channel": "post", "granted": False, "source": "letter",
                            "wording": "Letter of 20 November"}, format="json")
    assert response.status_code == 200
    assert (response.json()["source"], response.json()["captured_by"]) == ("letter", clerk.pk)
    history = client.get(f"/api/v1/staff/customers/{customer.pk}/consents/history/").json()["results"]
    assert [h["granted"] for h in history] == [False, True]
    bad = client.post(f"/api/v1/staff/customers/{customer.pk}/consents/",
                      {"channel": "post", "granted": True, "source": "letter", "soft_opt_in": True}, format="json")
    assert (bad.status_code, bad.json()["rule"]) == (400, "D1")


def test_d2_print_runs_through_the_staff_api(staff_user):
    client = api(staff_user("customer_service"))
    customer = CustomerFactory(address_line1="1 Mint Street", town="Llantrisant", postcode="CF72 8YT")
    consent(customer, "post")
    run = client.post("/api/v1/staff/print-runs/", {"title": "Winter"}, format="json").json()
    preview = client.get(f"/api/v1/staff/print-runs/{run['id']}/recipients/").json()["results"]
    assert [r["customer"] for r in preview] == [customer.pk]
    assert client.post(f"/api/v1/staff/print-runs/{run['id']}/print/").json()["printed_at"]
    services.marketing_consent_set(customer_id=customer.pk, channel="post", granted=False, source="letter",
                                   actor=Actor.customer(customer.user))
    frozen = client.get(f"/api/v1/staff/print-runs/{run['id']}/recipients/").json()["results"]
    assert [r["customer"] for r in frozen] == [customer.pk]
    assert "Llantrisant" in frozen[0]["address"]


@pytest.mark.parametrize("role, allowed", [("customer_service", True), ("compliance", False), ("finance", False)])
def test_d2_only_customer_service_records_consents_for_customers(staff_user, role, allowed):
    customer = CustomerFactory()
    response = api(staff_user(role)).post(f"/api/v1/staff/customers/{customer.pk}/consents/",
                                          {"channel": "email", "granted": False, "source": "email"}, format="json")
    assert response.status_code == (200 if allowed else 403)
