"""D7: what staff do in the admin leaves no trace of an erased person either (the admin's own log included)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from customers.models import Customer
from tests.consents.rights.helpers import tables_holding
from tests.customers.helpers import api

pytestmark = pytest.mark.django_db

EMAIL = "mary.seacombe@example.com"


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _erase(staff_user, customer: Customer):
    compliance = api(staff_user("compliance"))
    made = compliance.post("/api/v1/staff/data-requests/", {
        "customer_id": customer.pk, "kind": "erasure", "received_at": "2026-09-03T10:00:00Z",
        "received_via": "letter"}, format="json")
    assert made.status_code == 201, made.json()
    compliance.post(f"/api/v1/staff/data-requests/{made.json()['id']}/identity/", {"text": "Passport copy seen"},
                    format="json")
    return compliance.post(f"/api/v1/staff/data-requests/{made.json()['id']}/answer/")


def test_d7_erasure_leaves_no_name_or_email_in_the_admin_log(staff_user):
    clerk = _browser(staff_user("customer_service"))
    form = {"first_name": "Mary", "last_name": "Seacombe", "email": EMAIL, "date_of_birth": "1952-11-23",
            "channel": "post", "capacity_declared": "on", "checks_agreed": "on", "country": "GB",
            "preferred_contact": "post", "postcode": "ec1a 1bb"}
    assert clerk.post("/admin/customers/customer/add/", form).status_code == 302  # the admin logs the addition
    customer = Customer.objects.get(email=EMAIL)

    answered = _erase(staff_user, customer)

    assert answered.status_code == 200, answered.json()
    assert tables_holding("Seacombe") == []
    assert tables_holding(EMAIL) == []


def test_d7_an_erased_person_who_registers_again_starts_a_new_record(staff_user):
    body = {"first_name": "Ada", "last_name": "Byronson", "email": "ada.byronson@example.com",
            "password": "a-long-enough-password", "date_of_birth": "1985-12-10", "capacity_declared": True,
            "checks_agreed": True, "address_line1": "1 Mint Street", "town": "Llantrisant", "postcode": "cf72 8yt",
            "country": "GB", "preferred_contact": "post"}
    assert APIClient().post("/api/v1/register/", body, format="json").status_code == 202
    erased = Customer.objects.get(email=body["email"])
    assert _erase(staff_user, erased).status_code == 200

    again = APIClient().post("/api/v1/register/", body, format="json")

    assert again.status_code == 202, again.json()
    assert Customer.objects.get(email=body["email"]).pk != erased.pk
    erased.refresh_from_db()
    assert (erased.first_name, erased.email) == ("", "")
