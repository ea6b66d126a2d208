"""Issue 15: the rows a card order writes at placement, and their history rows, pinned.

The placement writes its rows with `mint_shop.rows.rows_create` (an INSERT built once) instead
of `create` and simple-history's post_save; what lands in the database must stay as it was:
every audited row with one history row of type "+", by the request's user, no change reason,
dated at the placement, carrying the row's own values.
"""

import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mint_shop.actors import Actor
from notifications.models import Message
from orders.models import Order, OrderEvent
from payments.models import Authorisation, CardOperation, OrderPayment
from tests.factories import ProductFactory
from tests.integration.conftest import order_body

pytestmark = [pytest.mark.django_db, pytest.mark.integration]

CARD = {"method": "card", "stripe_payment_method_id": "pm_card_visa"}


def _place(user, body, url="/api/v1/orders/"):
    client = APIClient()
    client.force_authenticate(user)
    before = timezone.now()
    response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="checkout-rows")
    assert response.status_code == 201, response.json()
    return Order.objects.get(pk=response.json()["id"]), before, timezone.now()


def _history_pinned(row, *, user, before, after):
    """One history row: created, by `user`, no reason, dated in the request, with the row's values."""
    (history,) = row.history.all()
    assert (history.history_type, history.history_user, history.history_change_reason) == ("+", user, None)
    assert before <= history.history_date <= after
    tracked = [field.attname for field in type(history).tracked_fields]
    assert {name: getattr(history, name) for name in tracked} == {name: getattr(row, name) for name in tracked}


def _placed_rows_pinned(order, *, user, before, after, prices):
    assert before <= order.placed_at <= after
    assert (order.status, order.payment_method, order.delivery_pence, order.idempotency_key) == (
        "placed",
        "card",
        395,
        "checkout-rows",
    )
    _history_pinned(order, user=user, before=before, after=after)
    lines = list(order.lines.all())
    assert [(line.quantity, line.unit_price_pence, line.discount_pence) for line in lines] == [
        (1, p, 0) for p in prices
    ]
    for line in lines:
        _history_pinned(line, user=user, before=before, after=after)

    (event,) = OrderEvent.objects.filter(order=order)
    assert (event.kind, event.actor_user, event.data) == ("placed", user, {"channel": order.channel})
    assert before <= event.created_at <= after

    (message,) = Message.objects.filter(dedupe_key=f"order:{order.pk}:acknowledgment")
    assert (message.kind, message.purpose, message.status, message.attempts, message.customer) == (
        "acknowledgment",
        "service",
        "pending",
        0,
        order.customer,
    )
    assert message.subject == f"We have received your order {order.pk}" and before <= message.created_at <= after

    payment = OrderPayment.objects.get(order=order)
    assert (payment.method, payment.reference, payment.stripe_payment_method_id) == (
        "card",
        f"MINT-{order.pk}",
        "pm_card_visa",
    )
    _history_pinned(payment, user=user, before=before, after=after)
    authorisation = Authorisation.objects.get(order_payment=payment)
    assert (authorisation.status, authorisation.amount_pence, authorisation.captured_pence) == (
        "pending",
        sum(prices) + 395,
        0,
    )
    _history_pinned(authorisation, user=user, before=before, after=after)

    (operation,) = CardOperation.objects.filter(order_payment=payment)
    assert (operation.kind, operation.status, operation.amount_pence, operation.line_ids, operation.attempts) == (
        "authorise",
        "pending",
        sum(prices) + 395,
        [],
        0,
    )
    assert isinstance(operation.key, uuid.UUID) and operation.actor == Actor.system().describe()
    assert operation.next_attempt_at is None and before <= operation.created_at <= after


def test_m2_o2_a_card_order_writes_its_rows_and_history_by_the_signed_in_customer(customer):
    products = [ProductFactory(price_pence=2500, stock=10), ProductFactory(price_pence=1200, stock=10)]
    order, before, after = _place(customer.user, order_body(*[(p, 1) for p in products], payment=CARD))
    assert (order.channel, order.keyed_by) == ("web", None)
    _placed_rows_pinned(order, user=customer.user, before=before, after=after, prices=[2500, 1200])


def test_o1_m2_a_staff_keyed_card_order_writes_its_history_by_the_staff_member(customer, staff_user):
    staff = staff_user("customer_service")
    product = ProductFactory(price_pence=2500, stock=10)
    body = order_body((product, 1), payment=CARD, customer_id=customer.pk, channel="phone")
    order, before, after = _place(staff, body, url="/api/v1/staff/orders/")
    assert (order.channel, order.keyed_by) == ("phone", staff)
    _placed_rows_pinned(order, user=staff, before=before, after=after, prices=[2500])
