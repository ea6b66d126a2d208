"""C7 across customers, orders and payments: a death recorded by customer service stops despatch of
the customer's open orders until their review is complete."""

import pytest

from orders.models import OrderLine, Shipment
from tests.integration.conftest import despatch_body, order_body

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def test_c7_a_deceased_customers_card_order_waits_for_review_then_is_despatched_and_captured(
    as_customer, customer, staff, card, coin
):
    placed = as_customer.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": card()})
    )
    order_id = placed.json()["id"]
    line_id = OrderLine.objects.get(order_id=order_id).pk
    assert staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200

    died = staff("customer_service").post(f"/api/v1/staff/customers/{customer.pk}/deceased/", {})
    assert died.status_code == 200, died.json()

    refused = staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line_id))
    assert (refused.status_code, refused.json()["code"], refused.json()["rule"]) == (
        409,
        "open_orders_review_pending",
        "C7",
    )
    assert not Shipment.objects.exists()
    awaiting = staff("customer_service").get("/api/v1/staff/orders/awaiting-review/").json()
    assert [row["id"] for row in awaiting["results"]] == [order_id]

    reviewed = staff("customer_service").post(f"/api/v1/staff/customers/{customer.pk}/open-orders-review/complete/")
    assert reviewed.status_code == 200, reviewed.json()

    despatched = staff("warehouse").post(f"/api/v1/staff/orders/{order_id}/despatch/", despatch_body(line_id))
    assert despatched.status_code == 200, despatched.json()
    assert OrderLine.objects.get(pk=line_id).paid_at is not None  # captured from the live hold (M4)
    assert staff("customer_service").get("/api/v1/staff/orders/awaiting-review/").json()["count"] == 0
