"""C7 for customer service: the open orders awaiting review, and completing the review."""

import pytest
from rest_framework.test import APIClient

from catalogue.models import Product
from customers.services import customer_mark_deceased
from mint_shop.actors import Actor
from tests.factories import CustomerFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def _as(staff_user, role):
    client = APIClient()
    client.force_authenticate(staff_user(role))
    return client


def test_c7_customer_service_lists_open_orders_awaiting_review_then_completes_it(staff_user, customer, product):
    order = place_order(customer, (product, 1))
    customer_mark_deceased(customer_id=customer.pk, actor=Actor.system())
    client = _as(staff_user, "customer_service")

    listed = client.get("/api/v1/staff/orders/awaiting-review/").json()
    assert [row["id"] for row in listed["results"]] == [order.pk]

    response = client.post(f"/api/v1/staff/customers/{customer.pk}/open-orders-review/complete/")
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()] == [order.pk]
    assert client.get("/api/v1/staff/orders/awaiting-review/").json()["count"] == 0
    customer.refresh_from_db()
    assert customer.open_orders_review_required is False


def test_c7_a_second_completion_is_refused_naming_the_rule(staff_user, customer):
    response = _as(staff_user, "customer_service").post(
        f"/api/v1/staff/customers/{customer.pk}/open-orders-review/complete/"
    )
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["rule"]) == ("open_orders_review_not_pending", "C7")


@pytest.mark.parametrize("role, allowed", [("customer_service", True), ("warehouse", False)])
def test_c7_only_customer_service_completes_a_review(staff_user, customer, product, role, allowed):
    place_order(customer, (product, 1))
    customer_mark_deceased(customer_id=customer.pk, actor=Actor.system())
    response = _as(staff_user, role).post(f"/api/v1/staff/customers/{customer.pk}/open-orders-review/complete/")
    assert response.status_code == (200 if allowed else 403)


def test_c7_the_review_list_costs_the_same_queries_for_one_order_or_twenty(
    staff_user, customer, product, django_assert_max_num_queries
):
    Product.objects.filter(pk=product.pk).update(stock=500)
    client = _as(staff_user, "customer_service")
    place_order(customer, (product, 1))
    customer_mark_deceased(customer_id=customer.pk, actor=Actor.system())
    with django_assert_max_num_queries(12) as one:
        client.get("/api/v1/staff/orders/awaiting-review/")
    other = CustomerFactory()
    for _ in range(19):
        place_order(other, (product, 1))
    customer_mark_deceased(customer_id=other.pk, actor=Actor.system())
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/staff/orders/awaiting-review/").json()["count"] == 20
