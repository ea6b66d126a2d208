import pytest
from rest_framework.test import APIClient

from orders.models import Order
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def _as(staff_user, role):
    client = APIClient()
    client.force_authenticate(staff_user(role))
    return client


def test_o1_customer_service_keys_a_postal_order_for_a_customer(staff_user, customer, product):
    client = _as(staff_user, "customer_service")
    response = client.post(
        "/api/v1/staff/orders/",
        {
            "customer_id": customer.pk,
            "channel": "post",
            "lines": [{"product_id": product.pk, "quantity": 1}],
            "delivery": {"option": "uk-standard", "name": "A. Lovelace", "address": "1 Mint St", "postcode": "SW1A"},
            "payment": {"method": "cheque"},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert (order.channel, order.keyed_by.username, order.payment_method) == ("post", "customer_service-user", "cheque")


def test_the_warehouse_cannot_key_orders(staff_user, customer, product):
    response = _as(staff_user, "warehouse").post("/api/v1/staff/orders/", {}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("role, allowed", [("customer_service", True), ("warehouse", False), ("finance", False)])
def test_o4_only_customer_service_declines(staff_user, customer, product, role, allowed):
    order = place_order(customer, (product, 1))
    response = _as(staff_user, role).post(f"/api/v1/staff/orders/{order.pk}/decline/", {"reason": "x"}, format="json")
    assert response.status_code == (200 if allowed else 403)


def test_o5_o8_o9_the_warehouse_allocates_despatches_and_records_delivery(staff_user, customer, product):
    order = place_order(customer, (product, 1))
    client = _as(staff_user, "warehouse")
    assert client.post(f"/api/v1/staff/orders/{order.pk}/allocate/", {}, format="json").status_code == 200
    response = client.post(
        f"/api/v1/staff/orders/{order.pk}/despatch/",
        {"line_ids": [order.lines.get().pk], "carrier": "Royal Mail", "tracking_number": "RM1"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    shipment_id = response.json()["shipments"][0]["id"]
    response = client.post(
        f"/api/v1/staff/shipments/{shipment_id}/delivery/", {"evidence": "gps", "reference": "51.5,-0.1"}, format="json"
    )
    assert response.status_code == 200 and response.json()["delivered_at"]
    assert _as(staff_user, "customer_service").post(
        f"/api/v1/staff/orders/{order.pk}/allocate/", {}, format="json"
    ).status_code == 403


def test_staff_order_list_costs_the_same_queries_for_one_order_as_for_fifty(
    staff_user, customer, product, django_assert_max_num_queries
):
    from catalogue.models import Product

    Product.objects.filter(pk=product.pk).update(stock=500)
    client = _as(staff_user, "finance")
    place_order(customer, (product, 1))
    with django_assert_max_num_queries(12) as one:
        client.get("/api/v1/staff/orders/")
    for _ in range(49):
        place_order(customer, (product, 1))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/staff/orders/").json()["count"] == 50
