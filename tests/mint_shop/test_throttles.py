"""Issue 14: the costly and sensitive writes are throttled, the rates are settings, a 429 is in the error shape."""

import pytest
from rest_framework.test import APIClient

from customers.models import Customer
from tests.customers.api.test_account_api import registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "register": "2/hour", "data_requests": "2/day"}
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
