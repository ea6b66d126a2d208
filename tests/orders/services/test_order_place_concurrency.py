"""P3 under real concurrency: many clients buy the last units at once on PostgreSQL."""

import random
import threading

import pytest
from django.db import connection, connections

from catalogue.models import Product
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors
from orders.models import OrderLine
from orders.services import LineRequest, order_place
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import ADDRESS, place_order

CLIENTS = 24


@pytest.mark.django_db(transaction=True)
def test_p3_many_clients_buying_the_last_units_never_oversell_and_leave_none_stranded(shop):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write")
    product = ProductFactory(stock=20, mintage=20)
    customers = [CustomerFactory() for _ in range(CLIENTS)]
    wanted = [random.Random(seed).choice([1, 2]) for seed in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    sold, refused, failures = [], [], []

    def buy(customer, quantity):
        try:
            start.wait()
            place_order(customer, (product, quantity))
            sold.append(quantity)
        except RuleViolation as exc:
            (refused if exc.rule == errors.OUT_OF_STOCK else failures).append((quantity, exc))
        except Exception as exc:  # a deadlock or any other fault fails the test below
            failures.append((quantity, exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=args) for args in zip(customers, wanted, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    left = Product.objects.get(pk=product.pk).stock
    assert failures == []
    assert sum(sold) + left == 20  # nothing oversold, nothing lost
    assert sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True)) == sum(sold)
    assert sum(wanted) > 20 and refused  # the test really raced for the last units
    assert all(left < quantity for quantity, _ in refused)  # nobody refused while enough was left


def _race(count, act):
    """Run `act(n)` in `count` threads released together; return what each returned or raised."""
    start = threading.Barrier(count)
    outcomes = [None] * count

    def run(n):
        try:
            start.wait()
            outcomes[n] = act(n)
        except Exception as exc:  # a deadlock or any other fault is an outcome the test reads
            outcomes[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_o2_the_same_idempotency_key_sent_at_once_places_one_order_and_answers_it_to_all(shop):
    """No customer lock serialises placements any more: the unique key decides, and the losers answer
    with the winner's order (issue 15)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write")
    customer, product = CustomerFactory(), ProductFactory(stock=20)
    outcomes = _race(6, lambda n: order_place(
        customer=customer, lines=[LineRequest(product_id=product.pk, quantity=1)], delivery=ADDRESS,
        payment={"method": "bank_transfer"}, actor=Actor.customer(customer.user),
        idempotency_key="checkout-same-key", request_fingerprint="same body",
    ))
    assert all(isinstance(outcome, tuple) for outcome in outcomes), outcomes
    assert len({order.pk for order, _ in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False] * 5 + [True]
    assert Product.objects.get(pk=product.pk).stock == 19


@pytest.mark.django_db(transaction=True)
def test_p3_orders_for_the_same_products_in_opposite_orders_never_deadlock(shop):
    """The stock of several products is taken in one UPDATE whose rows are locked in pk order."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write")
    products = [ProductFactory(stock=100) for _ in range(3)]
    customers = [CustomerFactory() for _ in range(12)]
    outcomes = _race(
        12, lambda n: place_order(customers[n], *[(p, 1) for p in (products if n % 2 else products[::-1])])
    )
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    assert list(Product.objects.filter(pk__in=[p.pk for p in products]).values_list("stock", flat=True)) == [88] * 3
