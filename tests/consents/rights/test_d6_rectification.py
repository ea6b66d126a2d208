"""D6 rectification goes through the same checks as any change of details (C2, C8): one account per email,
and the login follows the corrected email."""

import pytest

from customers.models import Customer
from tests.customers.helpers import api
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _rectify(customer, compliance, **corrections):
    made = api(customer.user).post("/api/v1/me/data-requests/", {"kind": "rectification",
                                                                 "corrections": corrections}, format="json")
    assert made.status_code == 201, made.json()
    return compliance.post(f"/api/v1/staff/data-requests/{made.json()['id']}/answer/")


def test_d6_a_rectified_email_is_kept_as_any_email_is_and_becomes_the_login(staff_user):
    customer = CustomerFactory(email="old.address@example.com", user__username="old.address@example.com")

    answered = _rectify(customer, api(staff_user("compliance")), email="New.Address@Example.COM")

    assert answered.status_code == 200, answered.json()
    customer.refresh_from_db()
    assert (customer.email, customer.user.username, customer.user.email) == ("new.address@example.com",) * 3


def test_d6_rectification_to_another_customers_email_is_refused_and_changes_nothing(staff_user):
    CustomerFactory(email="taken@example.com", user__username="taken@example.com")
    customer = CustomerFactory(email="mine@example.com", user__username="mine@example.com")

    refused = _rectify(customer, api(staff_user("compliance")), email="Taken@example.com")

    assert refused.status_code == 409, refused.json()
    assert refused.json()["rule"] == "C2"
    customer.refresh_from_db()
    assert (customer.email, customer.user.username) == ("mine@example.com", "mine@example.com")
    assert Customer.objects.filter(email__iexact="taken@example.com").count() == 1
