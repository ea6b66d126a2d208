"""C3, C7, P7 under real concurrency: what changes while an order is being placed (issue 15).

The placement reads the customer and the products once before its transaction. A placement
that waits (here on a promo code another order holds, as at a launch with one code for all)
must still see a restriction, a death or a new price committed before its own writes.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from catalogue.services import product_price_change, product_withdraw
from customers import errors as customer_errors
from customers.services import customer_mark_deceased, customer_restrict
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors
from orders.models import Order
from promotions.models import PromoCode
from tests.factories import CustomerFactory, ProductFactory, UserFactory
from tests.promotions.factories import PromoCodeFactory, order_with


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _place_while(change, customer, product, code):
    """Place an order for `customer` that waits on `code` (held by another order) after its read;
    `change()` commits meanwhile. Returns the order or the refusal."""
    held, release, outcome = threading.Event(), threading.Event(), {}

    def other_order_holding_the_code():
        try:
            with transaction.atomic():
                PromoCode.objects.select_for_update().get(pk=code.pk)
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    def place():
        try:
            outcome["result"] = order_with(customer, (product, 1), code=code.code)
        except Exception as exc:  # the refusal (or a fault) is the outcome the test reads
            outcome["result"] = exc
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_order_holding_the_code)
    holder.start()
    assert held.wait(30)
    placer = threading.Thread(target=place)
    placer.start()
    for _ in range(300):  # until the placement has read and waits on the code's lock
        if _waiting_on_a_lock():
            break
        time.sleep(0.01)
    else:
        pytest.fail("the placement never waited on the promo code")
    change()
    release.set()
    holder.join(30)
    placer.join(30)
    return outcome["result"]


def _setup():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    return CustomerFactory(), ProductFactory(stock=10, price_pence=5000), PromoCodeFactory()


@pytest.mark.django_db(transaction=True)
def test_c3_a_restriction_committed_mid_placement_refuses_the_order(shop):
    customer, product, code = _setup()
    officer = UserFactory(is_staff=True)
    result = _place_while(
        lambda: customer_restrict(customer_id=customer.pk, reason="Fraud suspected", actor=Actor.staff(officer)),
        customer, product, code,
    )
    assert isinstance(result, RuleViolation) and result.rule == customer_errors.CUSTOMER_RESTRICTED, result
    assert not Order.objects.filter(customer=customer).exists()
    product.refresh_from_db()
    assert product.stock == 10


@pytest.mark.django_db(transaction=True)
def test_c7_a_death_recorded_mid_placement_refuses_the_order(shop):
    customer, product, code = _setup()
    result = _place_while(
        lambda: customer_mark_deceased(customer_id=customer.pk, actor=Actor.staff(UserFactory(is_staff=True))),
        customer, product, code,
    )
    assert isinstance(result, RuleViolation) and result.rule == customer_errors.CUSTOMER_DECEASED, result
    assert not Order.objects.filter(customer=customer).exists()


@pytest.mark.django_db(transaction=True)
def test_p7_a_price_change_committed_mid_placement_is_not_charged_at_the_old_price(shop):
    """P7: the new price is for new orders; an order placed after it is not made at the old one."""
    customer, product, code = _setup()
    result = _place_while(
        lambda: product_price_change(product_id=product.pk, price_pence=6000, actor=Actor.system()),
        customer, product, code,
    )
    if isinstance(result, Exception):
        assert isinstance(result, RuleViolation) and result.rule == errors.PRICE_CHANGED, result
        assert not Order.objects.filter(customer=customer).exists()
    else:
        assert [line.unit_price_pence for line in result.lines.all()] == [6000]


@pytest.mark.django_db(transaction=True)
def test_p3_a_product_withdrawn_mid_placement_is_not_sold(shop):
    customer, product, code = _setup()
    result = _place_while(
        lambda: product_withdraw(product_id=product.pk, actor=Actor.system()), customer, product, code
    )
    assert isinstance(result, RuleViolation) and result.rule == errors.PRODUCT_WITHDRAWN, result
    assert not Order.objects.filter(customer=customer).exists()
    product.refresh_from_db()
    assert product.stock == 10
