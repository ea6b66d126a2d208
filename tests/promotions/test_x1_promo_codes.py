"""X1 promo codes and X2 discounts on lines, through the HTTP API with every app's hooks active."""

import datetime as dt
import threading
from dataclasses import replace

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import Product
from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders.models import Order
from payments.models import LedgerEntry
from promotions import errors
from promotions.models import PromoCode, Redemption
from promotions.services import promo_code_withdraw
from tests.factories import CustomerFactory, ProductFactory, RangeFactory
from tests.orders.factories import ADDRESS
from tests.promotions.factories import PromoCodeFactory, order_with


def _order_body(*items, **extra):
    return {
        "lines": [{"product_id": product.pk, "quantity": quantity} for product, quantity in items],
        "delivery": {"option": "uk-standard", "name": "Ada", "address": "1 Mint Street", "postcode": "SW1A 1AA"},
        "payment": {"method": "bank_transfer"},
        **extra,
    }


def test_x1_x2_a_fixed_code_spreads_its_discount_over_the_lines_to_the_penny(api, commit, gift, coin):
    code = PromoCodeFactory(code="TENOFF", amount_pence=1000)
    response = commit(
        lambda: api.post("/api/v1/orders/", _order_body((gift, 1), (coin, 2), promo_code="tenoff"), format="json")
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    # £10 over £25 + £80: 238.09… and 761.90… → 238p and 762p (largest remainder).
    assert [line["discount_pence"] for line in body["lines"]] == [238, 762]
    assert body["total_pence"] == 2500 + 8000 - 1000 + 395
    order = Order.objects.get(pk=body["id"])
    assert Redemption.objects.get(order_id=order.pk).discount_pence == 1000
    assert PromoCode.objects.get(pk=code.pk).uses == 1
    acknowledgment = Message.objects.get(dedupe_key=f"order:{order.pk}:acknowledgment")
    assert "Promo code TENOFF: £10.00 off." in acknowledgment.body
    # M9: the discount given is in the ledger for finance, without counting as money moved.
    entry = LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.DISCOUNT)
    assert (entry.amount_pence, entry.direction, entry.reference) == (1000, "hold", "Promo code TENOFF")


def test_x1_a_percentage_code_on_a_range_discounts_only_that_range(customer, gift, coin):
    code = PromoCodeFactory(kind=PromoCode.Kind.PERCENTAGE, amount_pence=0, percent=15)
    code.ranges.add(coin.range)
    order = order_with(customer, (gift, 1), (coin, 3), code=code.code)
    assert [line.discount_pence for line in order.lines.all()] == [0, 1800]  # 15% of £120


def test_x1_a_fixed_code_never_takes_a_line_below_zero(customer, gift):
    order = order_with(customer, (gift, 1), code=PromoCodeFactory(amount_pence=9000).code)
    assert [line.total_pence for line in order.lines.all()] == [0]


def test_x1_free_delivery_waives_standard_delivery_and_a_premium_option_pays_its_supplement(customer, gift):
    standard = order_with(customer, (gift, 1), code=PromoCodeFactory(kind=PromoCode.Kind.FREE_DELIVERY).code)
    premium = order_with(
        customer, (gift, 1), code=PromoCodeFactory(kind=PromoCode.Kind.FREE_DELIVERY).code,
        delivery=replace(ADDRESS, option_code="uk-premium"),
    )
    assert (standard.delivery_pence, premium.delivery_pence, premium.delivery_supplement_pence) == (0, 600, 600)
    assert Redemption.objects.get(order_id=standard.pk).delivery_discount_pence == 395


def test_x1_a_benefit_code_is_recorded_and_acknowledged(customer, gift):
    code = PromoCodeFactory(kind=PromoCode.Kind.BENEFIT, amount_pence=0, benefit="A free presentation box")
    order = order_with(customer, (gift, 1), code=code.code)
    assert Redemption.objects.get(order_id=order.pk).benefit == "A free presentation box"
    ack = Message.objects.get(dedupe_key=f"order:{order.pk}:acknowledgment")
    assert f"Promo code {code.code}: A free presentation box." in ack.body


def _expired():
    return PromoCodeFactory(
        starts_at=timezone.now() - dt.timedelta(days=10), expires_at=timezone.now() - dt.timedelta(seconds=1)
    )


def _withdrawn():
    code = PromoCodeFactory()
    promo_code_withdraw(code_id=code.pk, reason="Printed with the wrong terms", actor=Actor.system())
    return code


def _wrong_range():
    code = PromoCodeFactory()
    code.ranges.add(RangeFactory(code="medals", name="Medals"))
    return code


@pytest.mark.parametrize(
    "make_code, rule",
    [
        (lambda: None, errors.CODE_UNKNOWN),
        (_expired, errors.CODE_EXPIRED),
        (lambda: PromoCodeFactory(starts_at=timezone.now() + dt.timedelta(days=1)), errors.CODE_NOT_STARTED),
        (_withdrawn, errors.CODE_WITHDRAWN),
        (lambda: PromoCodeFactory(max_uses=3, uses=3), errors.CODE_USED_UP),
        (_wrong_range, errors.CODE_OUT_OF_SCOPE),
        (lambda: PromoCodeFactory(channels=[Channel.PHONE, Channel.POST]), errors.CODE_WRONG_CHANNEL),
        (lambda: PromoCodeFactory(min_spend_pence=5001), errors.CODE_MINIMUM_SPEND),
    ],
    ids=["unknown", "expired", "not-started", "withdrawn", "used-up", "wrong-range", "wrong-channel", "min-spend"],
)
def test_x1_a_code_that_does_not_apply_is_refused_naming_the_rule_and_nothing_is_written(
    api, commit, gift, make_code, rule
):
    code = make_code()
    response = commit(
        lambda: api.post(
            "/api/v1/orders/", _order_body((gift, 2), promo_code=code.code if code else "NOSUCH"), format="json"
        )
    )
    assert response.status_code == rule.status
    assert (response.json()["code"], response.json()["rule"]) == (rule.code, "X1")
    assert (Order.objects.count(), Redemption.objects.count(), Message.objects.count()) == (0, 0, 0)
    assert Product.objects.get(pk=gift.pk).stock == 100
    if code:
        assert PromoCode.objects.get(pk=code.pk).uses == code.uses


def test_x1_the_per_customer_limit_holds_and_other_customers_still_use_the_code(customer, gift):
    code = PromoCodeFactory(max_uses_per_customer=1)
    order_with(customer, (gift, 1), code=code.code)
    with pytest.raises(RuleViolation) as refused:
        order_with(customer, (gift, 1), code=code.code)
    assert refused.value.rule == errors.CODE_CUSTOMER_LIMIT
    order_with(CustomerFactory(), (gift, 1), code=code.code)
    assert PromoCode.objects.get(pk=code.pk).uses == 2


def test_x1_a_phone_only_code_applies_to_an_order_keyed_by_phone(customer, gift, staff_user):
    code = PromoCodeFactory(channels=[Channel.PHONE])
    order = order_with(
        customer, (gift, 1), code=code.code, actor=Actor.staff(staff_user("customer_service"), channel=Channel.PHONE)
    )
    assert Redemption.objects.get(order_id=order.pk).channel == Channel.PHONE


@pytest.mark.django_db(transaction=True)
def test_x1_two_orders_racing_for_the_last_use_of_a_code_get_one_use_between_them(shop, gift):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write")
    code = PromoCodeFactory(max_uses=5, uses=4)
    buyers = [CustomerFactory() for _ in range(2)]
    start = threading.Barrier(2)
    placed, refused, failures = [], [], []

    def buy(customer):
        try:
            start.wait()
            placed.append(order_with(customer, (gift, 1), code=code.code))
        except RuleViolation as exc:
            (refused if exc.rule == errors.CODE_USED_UP else failures).append(exc)
        except Exception as exc:  # a deadlock or any other fault fails the test
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(customer,)) for customer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert (len(placed), len(refused)) == (1, 1)
    assert PromoCode.objects.get(pk=code.pk).uses == 5
    assert Redemption.objects.filter(promo_code=code).count() == 1
    assert Order.objects.count() == 1


def test_x1_a_code_costs_the_same_queries_for_one_line_or_five(customer, shop):
    def queries(lines: int) -> int:
        products = [ProductFactory() for _ in range(lines)]
        code = PromoCodeFactory(kind=PromoCode.Kind.PERCENTAGE, amount_pence=0, percent=10)
        with CaptureQueriesContext(connection) as captured:
            order_with(customer, *[(product, 1) for product in products], code=code.code)
        return len(captured)

    assert queries(1) == queries(5)
