"""C7: a deceased customer's open orders are reviewed before anything more of them is despatched."""

import pytest

from customers.services import customer_mark_deceased
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors, selectors
from orders.models import Shipment
from orders.services import customer_orders_review_complete, order_despatch, order_lines_allocate
from tests.factories import CustomerFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


def _allocated(customer, product):
    order = place_order(customer, (product, 1))
    order_lines_allocate(order_id=order.pk, actor=Actor.system())
    return order


def _despatch(order):
    return order_despatch(
        order_id=order.pk,
        line_ids=[line.pk for line in order.lines.all()],
        carrier="Royal Mail",
        tracking_number="RM1",
        actor=Actor.system(),
    )


def test_c7_a_deceased_customers_open_order_is_not_despatched_until_reviewed(customer, product):
    order = _allocated(customer, product)
    customer_mark_deceased(customer_id=customer.pk, actor=Actor.system())

    with pytest.raises(RuleViolation) as refused:
        _despatch(order)
    assert (refused.value.rule, refused.value.rule.rule) == (errors.OPEN_ORDERS_REVIEW_PENDING, "C7")
    assert not Shipment.objects.exists()

    customer_orders_review_complete(customer_id=customer.pk, actor=Actor.system())
    _despatch(order)
    assert Shipment.objects.filter(order=order).exists()


def test_c7_staff_see_only_the_open_orders_awaiting_review(customer, product):
    awaiting = _allocated(customer, product)
    other = CustomerFactory()
    _allocated(other, product)
    customer_mark_deceased(customer_id=customer.pk, actor=Actor.system())

    assert list(selectors.order_list_awaiting_review()) == [awaiting]
    customer_orders_review_complete(customer_id=customer.pk, actor=Actor.system())
    assert list(selectors.order_list_awaiting_review()) == []


def test_c7_completing_a_review_nobody_awaits_is_refused(customer):
    with pytest.raises(RuleViolation) as refused:
        customer_orders_review_complete(customer_id=customer.pk, actor=Actor.system())
    assert refused.value.rule == errors.OPEN_ORDERS_REVIEW_NOT_PENDING
