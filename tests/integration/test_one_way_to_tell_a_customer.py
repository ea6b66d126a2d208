"""One way to tell a customer about an order (orders' `tell_customer`): payments' messages go
through it, so a customer who prefers post gets letters everywhere (D3, N2)."""

import pytest

from customers.models import PreferredContact
from notifications.models import Message
from tests.factories import CustomerFactory
from tests.integration.conftest import order_body

pytestmark = pytest.mark.django_db


def test_a_customer_who_prefers_post_is_told_of_a_bounced_cheque_by_letter(api, staff, coin):
    customer = CustomerFactory(preferred_contact=PreferredContact.POST)
    placed = api(customer.user).post("/api/v1/orders/", order_body((coin, 1), payment={"method": "cheque"}))
    order_id = placed.json()["id"]
    received = staff("customer_service").post(
        "/api/v1/staff/cheques/",
        {"reference": f"MINT-{order_id}", "amount_pence": 2895, "drawer": "A Lovelace", "cheque_number": "000123"},
    )
    assert received.status_code == 201, received.json()

    bounced = staff("finance").post(f"/api/v1/staff/cheques/{received.json()['id']}/bounce/")

    assert bounced.status_code == 200, bounced.json()
    told = Message.objects.get(kind="cheque_bounced")
    assert (told.channel, told.customer_id) == (Message.Channel.LETTER, customer.pk)
    assert "1 Mint Street" in told.recipient


def test_a_customer_who_prefers_email_is_told_of_a_bounced_cheque_by_email(api, staff, customer, coin):
    placed = api(customer.user).post("/api/v1/orders/", order_body((coin, 1), payment={"method": "cheque"}))
    order_id = placed.json()["id"]
    received = staff("customer_service").post(
        "/api/v1/staff/cheques/",
        {"reference": f"MINT-{order_id}", "amount_pence": 2895, "drawer": "A Lovelace", "cheque_number": "000124"},
    )

    staff("finance").post(f"/api/v1/staff/cheques/{received.json()['id']}/bounce/")

    told = Message.objects.get(kind="cheque_bounced")
    assert (told.channel, told.recipient) == (Message.Channel.EMAIL, customer.email)
