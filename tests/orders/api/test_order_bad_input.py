"""Bad input at order placement is a 400 in the error shape and writes nothing (issue 14)."""

import pytest
from rest_framework.test import APIClient

from orders.models import Order

pytestmark = pytest.mark.django_db


def _place(customer, product, payment: dict, **line):
    client = APIClient()
    client.force_authenticate(customer.user)
    return client.post(
        "/api/v1/orders/",
        {
            "lines": [{"product_id": product.pk, "quantity": 1, **line}],
            "delivery": {"option": "uk-standard", "name": "Ada", "address": "1 Mint Street", "postcode": "CF72 8YT"},
            "payment": payment,
        },
        format="json",
    )


def test_a_stripe_payment_method_id_longer_than_its_column_is_a_400_and_no_order(customer, product):
    response = _place(customer, product, {"method": "card", "stripe_payment_method_id": "pm_" + "x" * 200})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and "payment" in response.json()["detail"]
    assert not Order.objects.exists()


def test_p7_a_price_seen_written_with_an_exponent_is_refused_and_no_order(customer, product):
    response = _place(customer, product, {"method": "bank_transfer"}, unit_price_pence=2.5e3)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input" and "lines" in response.json()["detail"]
    assert not Order.objects.exists()
