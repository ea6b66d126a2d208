"""Issue 15's lean order path under real PostgreSQL concurrency, every hook active: O2, P3, P4, X1."""

import pytest
from django.db import connection

from catalogue.models import Product
from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import errors
from orders.models import Order, OrderLine
from orders.services import LineRequest, order_place
from promotions.models import PromoCode, Redemption
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import ADDRESS, place_order
from tests.orders.services.test_order_place_concurrency import _race
from tests.promotions.factories import PromoCodeFactory, order_with


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def _rules(outcomes):
    return sorted(o.rule.code if isinstance(o, RuleViolation) else type(o).__name__ for o in outcomes)


@pytest.mark.django_db(transaction=True)
def test_o2_the_same_key_sent_at_once_with_different_bodies_places_one_and_refuses_the_others(shop):
    customer, product = CustomerFactory(), ProductFactory(stock=50)
    outcomes = _race(6, lambda n: order_place(
        customer=customer, lines=[LineRequest(product_id=product.pk, quantity=n + 1)], delivery=ADDRESS,
        payment={"method": "bank_transfer"}, actor=Actor.customer(customer.user),
        idempotency_key="checkout-race-key", request_fingerprint=f"body {n}",
    ))
    placed = [o for o in outcomes if isinstance(o, tuple)]
    assert len(placed) == 1 and placed[0][1] is True, outcomes
    assert _rules([o for o in outcomes if not isinstance(o, tuple)]) == ["idempotency_key_reused"] * 5
    order = Order.objects.get(customer=customer)
    assert Product.objects.get(pk=product.pk).stock == 50 - order.lines.get().quantity


@pytest.mark.django_db(transaction=True)
def test_o2_a_key_refused_under_the_lock_can_be_used_again(shop):
    """A refusal inside the transaction (sold out at the last moment) writes nothing, so the key is free."""
    customer, product, other = CustomerFactory(), ProductFactory(stock=1), ProductFactory(stock=5)
    rival = CustomerFactory()
    outcomes = _race(2, lambda n: place_order(
        (customer, rival)[n], (product, 1), idempotency_key=f"checkout-{n}-key", request_fingerprint="a"
    ))
    loser = next(n for n, o in enumerate(outcomes) if isinstance(o, RuleViolation))
    assert outcomes[loser].rule == errors.OUT_OF_STOCK
    buyer = (customer, rival)[loser]
    order = place_order(buyer, (other, 2), idempotency_key=f"checkout-{loser}-key", request_fingerprint="b")
    assert order.lines.get().product_id == other.pk
    assert Order.objects.filter(customer=buyer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_p4_one_customer_placing_at_once_never_passes_two_per_customer_limits(shop):
    customer = CustomerFactory()
    limited = [ProductFactory(stock=100, max_per_customer=3) for _ in range(2)]
    outcomes = _race(8, lambda n: place_order(customer, (limited[n % 2], 1), (limited[(n + 1) % 2], 1)))
    assert [o for o in outcomes if not isinstance(o, (Order, RuleViolation))] == []
    for product in limited:
        bought = sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True))
        assert bought == 3 and Product.objects.get(pk=product.pk).stock == 97
    assert _rules([o for o in outcomes if isinstance(o, RuleViolation)]) == ["limit_per_customer_exceeded"] * 5


@pytest.mark.django_db(transaction=True)
def test_p3_many_customers_two_lines_of_one_product_and_another_never_oversell(shop):
    hot, cold = ProductFactory(stock=7), ProductFactory(stock=100)
    customers = [CustomerFactory() for _ in range(10)]
    outcomes = _race(10, lambda n: place_order(customers[n], (hot, 1), (cold, 1), (hot, 1)))
    sold = [o for o in outcomes if isinstance(o, Order)]
    assert _rules([o for o in outcomes if not isinstance(o, Order)]) == ["out_of_stock"] * (10 - len(sold))
    assert len(sold) == 3
    assert Product.objects.get(pk=hot.pk).stock == 1 and Product.objects.get(pk=cold.pk).stock == 97
    assert OrderLine.objects.filter(product=hot).count() == 6


@pytest.mark.django_db(transaction=True)
def test_x1_a_code_with_three_uses_is_redeemed_three_times_by_many_customers_at_once(shop):
    code = PromoCodeFactory(max_uses=3)
    product = ProductFactory(stock=100, price_pence=5000)
    customers = [CustomerFactory() for _ in range(8)]
    outcomes = _race(8, lambda n: order_with(customers[n], (product, 1), code=code.code))
    assert _rules([o for o in outcomes if not isinstance(o, Order)]) == ["promo_code_used_up"] * 5
    assert PromoCode.objects.get(pk=code.pk).uses == 3 == Redemption.objects.filter(promo_code=code).count()
    assert Product.objects.get(pk=product.pk).stock == 97
