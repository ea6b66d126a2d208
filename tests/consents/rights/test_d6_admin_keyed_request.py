"""D6: customer service keys a request received by letter in the admin; it joins the queue with its due date."""

import datetime as dt

import pytest
from django.test import Client

from consents.models import DataRequest
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_d6_customer_service_keys_a_letter_request_in_the_admin_with_its_due_date(staff_user):
    customer = CustomerFactory()
    clerk = Client()
    clerk.force_login(staff_user("customer_service"))

    response = clerk.post("/admin/consents/datarequest/add/", {
        "customer": customer.pk, "kind": "access", "received_at_0": "2026-09-03", "received_at_1": "09:00:00",
        "received_via": "letter", "details": "A copy of everything, please"})

    assert response.status_code == 302, response.content.decode()[:3000]
    request = DataRequest.objects.get(customer=customer)
    assert (request.received_via, request.due_on, request.status) == ("letter", dt.date(2026, 10, 5), "received")
