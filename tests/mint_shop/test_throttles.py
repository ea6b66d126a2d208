"""Issue 14: the costly and sensitive writes are throttled, the rates are settings, a 429 is in the error shape."""

import pytest
from rest_framework.test import APIClient

from customers.models import Customer
from tests.customers.api.test_account_api import registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "register": "2/hour"}
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
