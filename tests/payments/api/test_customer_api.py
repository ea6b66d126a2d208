"""Customers see their own payments and instalment schedules, and nobody else's."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from mint_shop.actors import Actor
from payments.services.instalments import instalment_plan_decide
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db


def test_m5_a_customer_sees_only_their_own_payments_and_schedule(place, django_assert_max_num_queries):
    mine = place(order_with_lines(2500, payment_method="instalments"), number_of_instalments=2)
    instalment_plan_decide(
        plan_id=mine.instalment_plan.pk, approve=True, reason="", first_due_on=dt.date(2027, 1, 1), actor=Actor.system()
    )
    place(order_with_lines(2500, payment_method="cheque"))  # someone else's
    client = APIClient()
    client.force_authenticate(mine.customer.user)

    with django_assert_max_num_queries(6):
        payments = client.get("/api/v1/me/payments/").json()["results"]
    assert [p["order_id"] for p in payments] == [mine.pk]
    plans = client.get("/api/v1/me/instalment-plans/").json()["results"]
    assert [(i["due_on"], i["amount_pence"]) for i in plans[0]["instalments"]] == [
        ("2027-01-01", 1500),
        ("2027-02-01", 1500),
    ]


def test_m1_staff_without_a_customer_record_get_no_customer_payments(staff_user):
    client = APIClient()
    client.force_authenticate(staff_user("finance"))
    assert client.get("/api/v1/me/payments/").status_code == 403
