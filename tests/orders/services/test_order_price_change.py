"""P7: open orders keep the quoted price; a new one needs the customer's recorded agreement."""

import pytest

from catalogue.services import product_price_change
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders import errors, hooks
from orders.services import (
    order_lines_accept_by_payment,
    order_lines_allocate,
    order_price_change_propose,
    order_price_change_respond,
)
from tests.factories import UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return Actor.staff(UserFactory(username="cs", is_staff=True))


@pytest.fixture
def repriced_order(customer, product, staff):
    order = place_order(customer, (product, 2))
    product_price_change(product_id=product.pk, price_pence=2700, actor=staff)
    return order


def test_p7_a_price_change_leaves_open_orders_at_their_quoted_price(repriced_order):
    assert repriced_order.lines.get().unit_price_pence == 2500


def test_p7_staff_putting_the_new_price_ask_the_customer_and_the_line_waits(repriced_order, staff, customer):
    order_price_change_propose(order_id=repriced_order.pk, actor=staff)
    line = repriced_order.lines.get()
    assert (line.unit_price_pence, line.proposed_unit_price_pence) == (2500, 2700)
    assert "£27.00" in Message.objects.get(kind="price_question").body
    with pytest.raises(RuleViolation) as caught:
        order_lines_allocate(order_id=repriced_order.pk, actor=staff)
    assert caught.value.rule == errors.PRICE_QUESTION_OPEN


def test_p7_agreement_is_recorded_and_takes_the_new_price(repriced_order, staff, customer):
    order_price_change_propose(order_id=repriced_order.pk, actor=staff)
    order_price_change_respond(order_id=repriced_order.pk, agree=True, actor=Actor.customer(customer.user))
    line = repriced_order.lines.get()
    assert (line.unit_price_pence, line.price_answer) == (2700, "agreed")
    assert line.price_answered_at is not None


def test_p7_refusal_cancels_the_affected_lines_and_returns_their_stock(repriced_order, staff, customer, product,
                                                                       hook_calls):
    order_price_change_propose(order_id=repriced_order.pk, actor=staff)
    order_price_change_respond(order_id=repriced_order.pk, agree=False, actor=Actor.customer(customer.user))
    line = repriced_order.lines.get()
    product.refresh_from_db()
    repriced_order.refresh_from_db()
    assert (line.unit_price_pence, line.price_answer, line.withdrawn_because) == (2500, "refused", "price_refused")
    assert product.stock == 10
    assert repriced_order.status == "cancelled"
    assert hooks.LINES_WITHDRAWN in [event for event, _ in hook_calls]


def test_p7_a_line_under_contract_keeps_its_price(repriced_order, staff):
    import datetime as dt

    order_lines_accept_by_payment(
        order_id=repriced_order.pk,
        line_ids=[repriced_order.lines.get().pk],
        accepted_at=dt.datetime.now(dt.UTC),
        funds_cleared=True, actor=Actor.system(),
    )
    with pytest.raises(RuleViolation) as caught:
        order_price_change_propose(order_id=repriced_order.pk, actor=staff)
    assert caught.value.rule == errors.NO_PRICE_CHANGE


def test_p7_answering_without_a_question_is_refused(repriced_order, customer):
    with pytest.raises(RuleViolation) as caught:
        order_price_change_respond(order_id=repriced_order.pk, agree=True, actor=Actor.customer(customer.user))
    assert caught.value.rule == errors.NO_PRICE_QUESTION
