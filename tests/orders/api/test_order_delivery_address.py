"""C8 on an order: the delivery address is one of the customer's own saved addresses, or typed in."""

import pytest
from rest_framework.test import APIClient

from notifications.models import Message
from orders.models import Order
from tests.customers.factories import DeliveryAddressFactory
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _order_body(product, delivery: dict) -> dict:
    return {
        "lines": [{"product_id": product.pk, "quantity": 1}],
        "delivery": {"option": "uk-standard", **delivery},
        "payment": {"method": "bank_transfer"},
    }


@pytest.fixture
def client(customer):
    api = APIClient()
    api.force_authenticate(customer.user)
    return api


def test_c8_an_order_goes_to_one_of_the_customers_saved_addresses(client, customer, product):
    saved = DeliveryAddressFactory(customer=customer, recipient_name="Ada Lovelace", postcode="CF72 8YT")
    response = client.post("/api/v1/orders/", _order_body(product, {"address_id": saved.pk}), format="json")
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert (order.delivery_name, order.delivery_postcode, order.delivery_country) == ("Ada Lovelace", "CF72 8YT", "GB")
    assert "1 Mint Street" in order.delivery_address


def test_c8_another_customers_address_is_refused_and_nothing_is_written(client, product):
    someone_elses = DeliveryAddressFactory(customer=CustomerFactory())
    response = client.post("/api/v1/orders/", _order_body(product, {"address_id": someone_elses.pk}), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "delivery_address_not_yours"
    assert response.json()["rule"] == "C8"
    product.refresh_from_db()
    assert product.stock == 10
    assert not Order.objects.exists() and not Message.objects.exists()


def test_c8_an_order_with_no_address_at_all_is_refused(client, product):
    response = client.post("/api/v1/orders/", _order_body(product, {}), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "delivery_address_missing"
    assert not Order.objects.exists()
