"""O10: title passes, once and by itself, when the last of its conditions comes true: the line paid
in full in cleared funds, the customer's AML identity check passed, a pre-sale line despatched.

Orders on their own here (payments set aside): payments' report of cleared funds is the call it
makes, `order_lines_accept_by_payment`; the AML check is recorded through customers' service.
tests/integration has the same rules end to end through the API.
"""

import datetime as dt

import pytest

from customers.models import DueDiligenceCheck
from customers.services import due_diligence_check_create, due_diligence_check_update
from mint_shop.actors import Actor
from orders import selectors
from orders.services import order_despatch, order_lines_accept_by_payment, order_lines_allocate
from tests.customers.factories import RepresentativeFactory
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def compliance():
    return Actor.staff(UserFactory(username="compliance", is_staff=True))


@pytest.fixture
def aml(customer, compliance):
    """A passed AML identity check on the customer (C4), as compliance records it."""
    return due_diligence_check_create(
        customer_id=customer.pk, kind=DueDiligenceCheck.Kind.AML, status=DueDiligenceCheck.Status.PASSED,
        actor=compliance,
    )


def _pay(order, *, cleared: bool, lines=None):
    order_lines_accept_by_payment(
        order_id=order.pk,
        line_ids=[line.pk for line in lines or order.lines.all()],
        accepted_at=dt.datetime.now(dt.UTC),
        funds_cleared=cleared,
        actor=Actor.system(),
    )


def _title(order) -> bool:
    return selectors.order_title_passed(order=selectors.order_get_for_staff(order_id=order.pk))


def test_o10_title_passes_line_by_line_as_each_is_paid_in_cleared_funds(customer, product, aml):
    order = place_order(customer, (product, 1), (ProductFactory(), 1))
    first, second = order.lines.all()
    _pay(order, cleared=True, lines=[first])
    first.refresh_from_db()
    assert first.title_passed_at is not None and _title(order) is False  # the other line is not paid
    _pay(order, cleared=True)
    assert _title(order) is True
    assert list(order.events.filter(kind="title_passed").values_list("data", flat=True)) == [
        {"lines": [first.pk]}, {"lines": [second.pk]},
    ]


def test_o10_payment_taken_but_not_cleared_passes_no_title(customer, product, aml):
    order = place_order(customer, (product, 1))
    _pay(order, cleared=False)
    line = order.lines.get()
    assert (line.accepted_via, line.funds_cleared_at, line.title_passed_at) == ("payment", None, None)
    _pay(order, cleared=True)
    assert _title(order) is True


def test_o10_title_waits_for_the_aml_check_and_passes_when_it_does(customer, product, compliance):
    order = place_order(customer, (product, 1))
    check = due_diligence_check_create(customer_id=customer.pk, kind=DueDiligenceCheck.Kind.AML, actor=compliance)
    _pay(order, cleared=True)
    assert _title(order) is False  # pending
    due_diligence_check_update(check_id=check.pk, status=DueDiligenceCheck.Status.REFERRED, actor=compliance)
    assert _title(order) is False
    due_diligence_check_update(check_id=check.pk, status=DueDiligenceCheck.Status.PASSED, actor=compliance)
    assert _title(order) is True
    assert order.events.get(kind="title_passed").actor == compliance.describe()


def test_o10_a_passed_check_of_a_representative_is_not_the_customers(customer, product, compliance):
    order = place_order(customer, (product, 1))
    _pay(order, cleared=True)
    attorney = RepresentativeFactory(customer=customer)
    due_diligence_check_create(
        customer_id=customer.pk, kind=DueDiligenceCheck.Kind.AML, status=DueDiligenceCheck.Status.PASSED,
        representative_id=attorney.pk, actor=compliance,
    )
    assert _title(order) is False


def test_o10_a_pre_sale_product_passes_title_only_once_despatched(customer, aml):
    presale = ProductFactory(launch_date=dt.date(2099, 1, 1), presale_opens_on=dt.date(2026, 1, 1))
    order = place_order(customer, (presale, 1))
    _pay(order, cleared=True)
    assert _title(order) is False
    warehouse = Actor.staff(UserFactory(username="w", is_staff=True))
    order_lines_allocate(order_id=order.pk, actor=warehouse)
    order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="DPD", tracking_number="9",
                   actor=warehouse)
    assert _title(order) is True


def test_o10_despatch_alone_passes_no_title(customer, product, aml):
    warehouse = Actor.staff(UserFactory(username="w", is_staff=True))
    order = place_order(customer, (product, 1))
    order_lines_allocate(order_id=order.pk, actor=warehouse)
    order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="DPD", tracking_number="9",
                   actor=warehouse)
    assert _title(order) is False
