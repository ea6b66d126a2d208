"""D7: signing in leaves records of its own (allauth's email address, axes' attempts and logs); an erased
person is in none of them."""

import pytest
from django.core.cache import cache
from django.test import Client

from customers.models import Customer
from tests.consents.rights.helpers import tables_holding
from tests.customers.api.test_account_api import registration
from tests.customers.helpers import api

pytestmark = pytest.mark.django_db

EMAIL = "ada.quillfeather@example.com"
BROWSER = "/_allauth/browser/v1"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sign_in(client, password):
    return client.post(f"{BROWSER}/auth/login", {"email": EMAIL, "password": password},
                       content_type="application/json")


def test_d7_erasure_leaves_no_trace_in_the_sign_in_records(django_capture_on_commit_callbacks, staff_user):
    with django_capture_on_commit_callbacks(execute=True):
        registered = api().post("/api/v1/register/", registration(email=EMAIL, last_name="Quillfeather"),
                                format="json")
    assert registered.status_code == 202, registered.json()
    customer_id = Customer.objects.values_list("pk", flat=True).get(email=EMAIL)
    browser = Client()
    assert _sign_in(browser, "not-the-password").status_code == 400
    assert _sign_in(browser, "a-long-enough-password").status_code == 200
    made = browser.post("/api/v1/me/data-requests/", {"kind": "erasure"}, content_type="application/json")
    assert made.status_code == 201, made.json()

    answered = api(staff_user("compliance")).post(f"/api/v1/staff/data-requests/{made.json()['id']}/answer/")

    assert answered.status_code == 200, answered.json()
    assert tables_holding(EMAIL) == []
    assert tables_holding("Quillfeather") == []
    assert not Customer.objects.get(pk=customer_id).user.is_active
