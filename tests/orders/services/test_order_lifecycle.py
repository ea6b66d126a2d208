"""O3 acceptance, O4 declining, O5 allocation, and the line withdrawals that return stock."""

import datetime as dt

import pytest

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders import errors, hooks
from orders.models import Order, OrderLine
from orders.services import (
    order_decline,
    order_despatch,
    order_lines_accept_by_payment,
    order_lines_allocate,
    order_lines_cancel,
    order_lines_unaccept_by_payment,
)
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db
PAID_AT = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def staff():
    return Actor.staff(UserFactory(username="staff", is_staff=True))


def test_o3_payment_taken_puts_exactly_those_lines_under_contract(customer, product, staff):
    order = place_order(customer, (product, 1), (ProductFactory(), 1))
    paid, unpaid = order.lines.all()
    order_lines_accept_by_payment(order_id=order.pk, line_ids=[paid.pk], accepted_at=PAID_AT,
        funds_cleared=True, actor=Actor.system())
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.accepted_at, paid.accepted_via, paid.paid_at) == (PAID_AT, "payment", PAID_AT)
    assert (unpaid.accepted_at, unpaid.accepted_via) == (None, "")
    assert Message.objects.filter(kind="acceptance").count() == 1


def test_o3_accepting_twice_changes_nothing(customer, product):
    order = place_order(customer, (product, 1))
    line = order.lines.get()
    for _ in range(2):
        order_lines_accept_by_payment(order_id=order.pk, line_ids=[line.pk], accepted_at=PAID_AT,
            funds_cleared=True, actor=Actor.system())
    assert order.events.filter(kind="lines_paid").count() == 1


def test_o3_despatch_accepts_an_unpaid_line_and_keeps_an_earlier_payment_acceptance(customer, product, staff):
    order = place_order(customer, (product, 1), (ProductFactory(), 1))
    paid, unpaid = order.lines.all()
    order_lines_accept_by_payment(order_id=order.pk, line_ids=[paid.pk], accepted_at=PAID_AT,
        funds_cleared=True, actor=Actor.system())
    order_lines_allocate(order_id=order.pk, actor=staff)
    order_despatch(order_id=order.pk, line_ids=[paid.pk, unpaid.pk], carrier="Royal Mail", tracking_number="RM1",
                   actor=staff)
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.accepted_via, paid.accepted_at) == ("payment", PAID_AT)
    assert unpaid.accepted_via == "despatch" and unpaid.accepted_at is not None


def test_o3_a_bounced_cheque_takes_the_acceptance_back_unless_despatched(customer, product):
    order = place_order(customer, (product, 1))
    line = order.lines.get()
    order_lines_accept_by_payment(order_id=order.pk, line_ids=[line.pk], accepted_at=PAID_AT,
        funds_cleared=True, actor=Actor.system())
    order_lines_unaccept_by_payment(order_id=order.pk, line_ids=[line.pk], actor=Actor.system())
    line.refresh_from_db()
    assert (line.accepted_at, line.accepted_via, line.paid_at) == (None, "", None)


def test_o3_lines_of_another_order_are_refused(customer, product):
    order = place_order(customer, (product, 1))
    other = place_order(customer, (product, 1))
    with pytest.raises(RuleViolation) as caught:
        order_lines_accept_by_payment(
            order_id=order.pk, line_ids=[other.lines.get().pk], accepted_at=PAID_AT,
            funds_cleared=True, actor=Actor.system()
        )
    assert caught.value.rule == errors.LINES_UNKNOWN


def test_o4_declining_returns_stock_releases_holds_and_tells_the_customer(customer, product, staff, hook_calls):
    order = place_order(customer, (product, 4))
    order_decline(order_id=order.pk, reason="Suspected reseller", actor=staff)

    order.refresh_from_db()
    product.refresh_from_db()
    assert (order.status, order.decline_reason, product.stock) == (Order.Status.DECLINED, "Suspected reseller", 10)
    assert order.lines.get().withdrawn_because == OrderLine.WithdrawnBecause.DECLINED
    withdrawn = [kwargs for event, kwargs in hook_calls if event == hooks.LINES_WITHDRAWN]
    assert [line.pk for line in withdrawn[0]["lines"]] == [order.lines.get().pk]
    assert Message.objects.filter(kind="order_declined").exists()


def test_o4_an_order_with_a_line_under_contract_cannot_be_declined(customer, product, staff):
    order = place_order(customer, (product, 1))
    order_lines_accept_by_payment(
        order_id=order.pk, line_ids=[order.lines.get().pk], accepted_at=PAID_AT,
        funds_cleared=True, actor=Actor.system()
    )
    with pytest.raises(RuleViolation) as caught:
        order_decline(order_id=order.pk, reason="Too late", actor=staff)
    assert caught.value.rule == errors.ALREADY_ACCEPTED
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


def test_o4_a_decline_needs_a_reason(customer, product, staff):
    order = place_order(customer, (product, 1))
    with pytest.raises(RuleViolation) as caught:
        order_decline(order_id=order.pk, reason=" ", actor=staff)
    assert caught.value.rule == errors.DECLINE_REASON_MISSING


def test_o3_cancelling_an_unaccepted_line_returns_its_stock(customer, product):
    order = place_order(customer, (product, 3), (ProductFactory(), 1))
    first = order.lines.first()
    order_lines_cancel(order_id=order.pk, line_ids=[first.pk], actor=Actor.customer(customer.user))
    product.refresh_from_db()
    first.refresh_from_db()
    order.refresh_from_db()
    assert (product.stock, first.withdrawn_because, order.status) == (10, "cancelled", Order.Status.PLACED)


def test_o5_allocation_marks_the_lines_and_tells_payments_which(customer, product, staff, hook_calls):
    order = place_order(customer, (product, 1), (ProductFactory(), 1))
    first, second = order.lines.all()
    order_lines_allocate(order_id=order.pk, line_ids=[first.pk], actor=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.allocated_at is not None and second.allocated_at is None
    allocated = [kwargs["lines"] for event, kwargs in hook_calls if event == hooks.LINES_ALLOCATED]
    assert [[line.pk for line in lines] for lines in allocated] == [[first.pk]]


def test_o5_allocating_again_tells_payments_nothing_new(customer, product, staff, hook_calls):
    order = place_order(customer, (product, 1))
    order_lines_allocate(order_id=order.pk, actor=staff)
    order_lines_allocate(order_id=order.pk, actor=staff)
    assert [event for event, _ in hook_calls].count(hooks.LINES_ALLOCATED) == 1


def test_o5_a_declined_order_cannot_be_allocated(customer, product, staff):
    order = place_order(customer, (product, 1))
    order_decline(order_id=order.pk, reason="No", actor=staff)
    with pytest.raises(RuleViolation) as caught:
        order_lines_allocate(order_id=order.pk, actor=staff)
    assert caught.value.rule == errors.ORDER_NOT_OPEN
