"""P3 under real concurrency: many clients buy the last units at once on PostgreSQL."""

import random
import threading

import pytest
from django.db import connection, connections

from catalogue.models import Product
from mint_shop.errors import RuleViolation
from orders import errors
from orders.models import OrderLine
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import place_order

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
