"""O10: title passes when paid in full and the AML identity check passed; pre-sale not before despatch."""

import datetime as dt

import pytest

from customers.models import DueDiligenceCheck
from mint_shop.actors import Actor
from orders import selectors
from orders.services import order_despatch, order_lines_accept_by_payment, order_lines_allocate
from tests.customers.factories import DueDiligenceCheckFactory
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def aml(customer):
    """A passed AML identity check on the customer (C4), as compliance records it."""
    return DueDiligenceCheckFactory(customer=customer, status=DueDiligenceCheck.Status.PASSED)


def _pay_all(order):
    order_lines_accept_by_payment(
        order_id=order.pk,
        line_ids=list(order.lines.values_list("pk", flat=True)),
        accepted_at=dt.datetime.now(dt.UTC),
        actor=Actor.system(),
    )


def _title(order) -> bool:
    return selectors.order_title_passed(order=selectors.order_get_for_staff(order_id=order.pk))


def test_o10_title_passes_when_paid_in_full_and_aml_identity_passed(customer, product, aml):
    order = place_order(customer, (product, 1), (ProductFactory(), 1))
    assert _title(order) is False
    order_lines_accept_by_payment(
        order_id=order.pk, line_ids=[order.lines.first().pk], accepted_at=dt.datetime.now(dt.UTC), actor=Actor.system()
    )
    assert _title(order) is False  # not paid in full
    _pay_all(order)
    assert _title(order) is True
    DueDiligenceCheckFactory(customer=customer, status=DueDiligenceCheck.Status.FAILED,
                             requested_at=aml.requested_at + dt.timedelta(days=1))
    assert _title(order) is False  # the latest AML check failed


def test_o10_a_pre_sale_product_passes_title_only_once_despatched(customer, aml):
    presale = ProductFactory(launch_date=dt.date(2099, 1, 1), presale_opens_on=dt.date(2026, 1, 1))
    order = place_order(customer, (presale, 1))
    _pay_all(order)
    assert _title(order) is False
    warehouse = Actor.staff(UserFactory(username="w", is_staff=True))
    order_lines_allocate(order_id=order.pk, actor=warehouse)
    order_despatch(order_id=order.pk, line_ids=[order.lines.get().pk], carrier="DPD", tracking_number="9",
                   actor=warehouse)
    assert _title(order) is True


def test_o10_without_a_passed_aml_identity_check_title_does_not_pass(customer, product):
    order = place_order(customer, (product, 1))
    _pay_all(order)
    assert _title(order) is False
    DueDiligenceCheckFactory(customer=customer, status=DueDiligenceCheck.Status.REFERRED)
    assert _title(order) is False
