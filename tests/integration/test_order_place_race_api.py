"""Issue 15 through the API under real concurrency: one card hold, one acknowledgment, history kept."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from notifications.models import Message
from orders.models import Order
from payments.models import Authorisation, CardOperation, OrderPayment
from tests.factories import ProductFactory
from tests.integration.conftest import order_body
from tests.orders.services.test_order_place_concurrency import _race

pytestmark = [pytest.mark.integration]
CARD = {"method": "card", "stripe_payment_method_id": "pm_card_visa"}


def _post(user, url, body, key):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _placed_once(customer, responses, staff=None):
    assert sorted(r.status_code for r in responses)[-1] in (200, 201), [r.json() for r in responses]
    assert [r.status_code for r in responses].count(201) == 1, [(r.status_code, r.json()) for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    order = Order.objects.get(customer=customer)
    payment = OrderPayment.objects.get(order=order)
    assert Authorisation.objects.filter(order_payment=payment).count() == 1
    assert CardOperation.objects.filter(order_payment=payment, kind="authorise").count() == 1
    assert Message.objects.filter(customer=customer, kind="acknowledgment").count() == 1
    assert order.history.count() == 1 and payment.history.count() >= 1
    assert all(line.history.count() == 1 for line in order.lines.all())
    if staff is not None:
        assert order.keyed_by == staff and order.history.get().history_user == staff
    return order


@pytest.mark.django_db(transaction=True)
def test_m2_o2_the_same_card_order_sent_at_once_holds_the_card_once(customer, localstripe):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    products = [ProductFactory(price_pence=2500, stock=10) for _ in range(2)]
    body = order_body(*[(p, 1) for p in products], payment=CARD)
    responses = _race(5, lambda n: _post(customer.user, "/api/v1/orders/", body, "checkout-race-card"))
    order = _placed_once(customer, responses)
    assert list(order.lines.values_list("product__stock", flat=True)) == [9, 9]


@pytest.mark.django_db(transaction=True)
def test_o1_m2_a_staff_keyed_card_order_sent_at_once_is_placed_once_and_names_the_staff(
    customer, staff_user, localstripe
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    staff = staff_user("customer_service")
    product = ProductFactory(price_pence=2500, stock=10)
    body = order_body((product, 1), payment=CARD, customer_id=customer.pk, channel="phone")
    responses = _race(4, lambda n: _post(staff, "/api/v1/staff/orders/", body, "phone-order-race"))
    _placed_once(customer, responses, staff=staff)
