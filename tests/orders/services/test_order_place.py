import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Product
from customers import errors as customer_errors
from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders import errors
from orders.models import Order, OrderLine
from orders.services import DeliveryRequest, LineRequest, order_place
from tests.catalogue.factories import TermsVersionFactory
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import ADDRESS, place_order

pytestmark = pytest.mark.django_db


def _refused(rule, call):
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.rule == rule
    return caught.value


def _nothing_written(product, stock):
    product.refresh_from_db()
    assert product.stock == stock
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert not Message.objects.exists()


def test_o2_placing_records_the_offer_and_acknowledges_it_is_not_yet_accepted(customer, product):
    order = place_order(customer, (product, 2))

    line = order.lines.get()
    assert (line.quantity, line.unit_price_pence, line.discount_pence, line.accepted_at) == (2, 2500, 0, None)
    assert order.status == Order.Status.PLACED
    message = Message.objects.get(kind="acknowledgment")
    assert message.recipient == customer.email
    assert "does not mean your order has been accepted" in message.body
    assert order.events.filter(kind="placed").exists()


def test_p3_placing_takes_the_stock_at_once(customer, product):
    place_order(customer, (product, 3))
    product.refresh_from_db()
    assert product.stock == 7


def test_p3_more_than_the_stock_is_refused_and_nothing_is_held(customer, product):
    _refused(errors.OUT_OF_STOCK, lambda: place_order(customer, (product, 11)))
    _nothing_written(product, 10)


def test_p3_a_withdrawn_product_is_refused(customer, product):
    Product.objects.filter(pk=product.pk).update(withdrawn_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    _refused(errors.PRODUCT_WITHDRAWN, lambda: place_order(customer, (product, 1)))
    _nothing_written(product, 10)


def test_p3_an_unknown_product_is_refused(customer, product):
    unknown = Product(pk=999_999)
    _refused(errors.PRODUCT_UNKNOWN, lambda: place_order(customer, (unknown, 1)))
    _nothing_written(product, 10)


@pytest.mark.parametrize("quantity", [0, -1, 10**12])
def test_p4_zero_negative_or_absurd_quantities_are_refused(customer, product, quantity):
    _refused(errors.QUANTITY_INVALID, lambda: place_order(customer, (product, quantity)))
    _nothing_written(product, 10)


def test_p4_maximum_per_order_counts_every_line_of_the_product(customer, product):
    Product.objects.filter(pk=product.pk).update(max_per_order=3)
    _refused(errors.LIMIT_PER_ORDER, lambda: place_order(customer, (product, 2), (product, 2)))
    assert place_order(customer, (product, 3)).lines.count() == 1


def test_p4_maximum_per_customer_counts_earlier_orders_but_not_cancelled_ones(customer, product):
    Product.objects.filter(pk=product.pk).update(max_per_customer=3)
    first = place_order(customer, (product, 2))
    _refused(errors.LIMIT_PER_CUSTOMER, lambda: place_order(customer, (product, 2)))
    Order.objects.filter(pk=first.pk).update(status=Order.Status.CANCELLED)
    assert place_order(customer, (product, 2)).pk != first.pk


def test_p5_pre_sale_is_refused_before_it_opens_and_promises_from_launch(customer):
    launch = dt.date(2027, 3, 1)
    product = ProductFactory(launch_date=launch, presale_opens_on=None)
    _refused(errors.NOT_YET_ON_SALE, lambda: place_order(customer, (product, 1)))
    Product.objects.filter(pk=product.pk).update(presale_opens_on=dt.date(2026, 1, 1))
    order = place_order(customer, (product, 1))
    assert order.promised_by == launch + dt.timedelta(days=21)


def test_o6_the_promise_is_21_days_from_the_order_or_the_advertised_date(customer, product):
    with time_machine.travel(dt.datetime(2026, 11, 1, 23, 30, tzinfo=dt.UTC)):  # 1 Nov in London (GMT)
        assert place_order(customer, (product, 1)).promised_by == dt.date(2026, 11, 22)
    advertised = ProductFactory(advertised_delivery_date=dt.date(2026, 12, 24))
    assert place_order(customer, (advertised, 1)).promised_by == dt.date(2026, 12, 24)


def test_p6_engraving_is_captured_on_the_line_of_a_personalisable_product(customer):
    engraved = ProductFactory(personalisable=True)
    plain = ProductFactory()
    order, _ = order_place(
        customer=customer,
        lines=[LineRequest(product_id=engraved.pk, quantity=1, engraving_text="For Ada, 1815")],
        delivery=ADDRESS,
        payment={"method": "card"},
        actor=Actor.customer(customer.user),
    )
    assert order.lines.get().engraving_text == "For Ada, 1815"
    assert "cannot be cancelled" in Message.objects.get(kind="acknowledgment").body
    _refused(
        errors.ENGRAVING_NOT_ALLOWED,
        lambda: order_place(
            customer=customer,
            lines=[LineRequest(product_id=plain.pk, quantity=1, engraving_text="Hi")],
            delivery=ADDRESS,
            payment={"method": "card"},
            actor=Actor.customer(customer.user),
        ),
    )


def test_p7_a_stale_price_from_the_client_is_refused_naming_p7(customer, product):
    violation = _refused(
        errors.PRICE_CHANGED,
        lambda: order_place(
            customer=customer,
            lines=[LineRequest(product_id=product.pk, quantity=1, seen_unit_price_pence=2400)],
            delivery=ADDRESS,
            payment={"method": "card"},
            actor=Actor.customer(customer.user),
        ),
    )
    assert violation.as_dict()["rule"] == "P7"
    _nothing_written(product, 10)


def test_p8_the_order_records_the_newest_terms_published_24_hours_before(customer, product):
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    in_force = TermsVersionFactory(version="2026.11", published_at=now - dt.timedelta(hours=24))
    TermsVersionFactory(version="2026.12", published_at=now - dt.timedelta(hours=23))
    with time_machine.travel(now):
        order = place_order(customer, (product, 1))
    assert order.terms_version == in_force


def test_p8_without_terms_in_force_an_order_is_refused(customer, product):
    from catalogue.models import TermsVersion

    TermsVersion.objects.update(published_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    _refused(errors.NO_TERMS_IN_FORCE, lambda: place_order(customer, (product, 1)))
    _nothing_written(product, 10)


def test_p2_overseas_delivery_records_that_duties_fall_on_the_customer(customer, product):
    overseas = DeliveryRequest(option_code="overseas", name="Ada", address="1 Rue de la Paix, Paris", postcode="75002",
                               country="FR")
    order = place_order(customer, (product, 1), delivery=overseas)
    assert order.duties_payable_by_customer is True
    assert order.delivery_pence == 1800
    assert "Duties and import taxes" in Message.objects.get(kind="acknowledgment").body


def test_p2_premium_delivery_records_its_supplement_above_standard(customer, product):
    premium = DeliveryRequest(option_code="uk-premium", name="Ada", address="1 Mint Street", postcode="SW1A 1AA")
    order = place_order(customer, (product, 1), delivery=premium)
    assert (order.delivery_pence, order.delivery_supplement_pence) == (995, 600)
    assert order.duties_payable_by_customer is False


def test_p2_a_uk_option_for_an_overseas_address_is_refused(customer, product):
    wrong = DeliveryRequest(option_code="uk-standard", name="Ada", address="Paris", postcode="75002", country="FR")
    _refused(errors.DELIVERY_REGION_MISMATCH, lambda: place_order(customer, (product, 1), delivery=wrong))


def test_o1_customer_service_keys_a_phone_order_recording_channel_and_staff_member(customer, product):
    clerk = UserFactory(username="clerk", is_staff=True)
    order = place_order(customer, (product, 1), actor=Actor.staff(clerk, channel=Channel.PHONE))
    assert (order.channel, order.keyed_by) == (Channel.PHONE, clerk)


def test_o1_a_postal_order_is_acknowledged_by_letter_to_the_address(customer, product):
    clerk = UserFactory(username="clerk", is_staff=True)
    place_order(customer, (product, 1), actor=Actor.staff(clerk, channel=Channel.POST))
    letter = Message.objects.get(kind="acknowledgment")
    assert letter.channel == Message.Channel.LETTER
    assert "1 Mint Street" in letter.recipient


def test_o1_a_web_order_records_the_web_channel_and_no_keyer(customer, product):
    order = place_order(customer, (product, 1))
    assert (order.channel, order.keyed_by) == (Channel.WEB, None)


def test_c3_a_restricted_customer_cannot_order(customer, product):
    customer.restricted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    customer.save()
    _refused(customer_errors.CUSTOMER_RESTRICTED, lambda: place_order(customer, (product, 1)))
    _nothing_written(product, 10)


def test_o13_over_5000_pounds_by_card_is_refused_but_bank_transfer_is_fine(customer):
    dear = ProductFactory(price_pence=250_001, stock=5)
    Order.objects.create(customer=customer, channel=Channel.WEB)  # not a first order
    _refused(errors.HIGH_VALUE_METHOD, lambda: place_order(customer, (dear, 2), method="card"))
    assert Order.objects.count() == 1
    assert place_order(customer, (dear, 2), method="bank_transfer").payment_method == "bank_transfer"


def test_o13_a_first_order_above_the_lower_threshold_needs_transfer_or_draft(customer, settings):
    settings.MINT_FIRST_ORDER_HIGH_VALUE_PENCE = 100_000
    product = ProductFactory(price_pence=100_000, stock=5)
    _refused(errors.HIGH_VALUE_METHOD, lambda: place_order(customer, (product, 1), method="card"))
    place_order(customer, (product, 1), method="bankers_draft")
    assert place_order(customer, (product, 1), method="card").payment_method == "card"


def test_o2_idempotency_key_returns_the_first_order_and_a_different_body_is_refused(customer, product):
    first, created = order_place(
        customer=customer, lines=[LineRequest(product_id=product.pk, quantity=1)], delivery=ADDRESS,
        payment={"method": "card"}, actor=Actor.customer(customer.user),
        idempotency_key="retry-key-0001", request_fingerprint="a",
    )
    again, created_again = order_place(
        customer=customer, lines=[LineRequest(product_id=product.pk, quantity=1)], delivery=ADDRESS,
        payment={"method": "card"}, actor=Actor.customer(customer.user),
        idempotency_key="retry-key-0001", request_fingerprint="a",
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    _refused(
        errors.IDEMPOTENCY_KEY_REUSED,
        lambda: order_place(
            customer=customer, lines=[LineRequest(product_id=product.pk, quantity=2)], delivery=ADDRESS,
            payment={"method": "card"}, actor=Actor.customer(customer.user),
            idempotency_key="retry-key-0001", request_fingerprint="b",
        ),
    )
    product.refresh_from_db()
    assert (Order.objects.count(), product.stock) == (1, 9)


def test_x2_every_line_carries_a_discount_share_that_adds_up(customer, product):
    from promotions.services import PromotionRequest
    from tests.promotions.factories import PromoCodeFactory

    code = PromoCodeFactory(kind="percentage", amount_pence=0, percent=10)
    order = place_order(customer, (product, 1), (ProductFactory(price_pence=1333), 3), promotion=PromotionRequest(
        code=code.code
    ))
    # 10% of £25 + £39.99 = 649p, spread 250p and 399p: to the penny, in proportion.
    assert [line.discount_pence for line in order.lines.all()] == [250, 399]
    assert sum(line.total_pence for line in order.lines.all()) == 2500 + 3999 - 649


def _queries_to_place(customer, lines: int) -> int:
    products = [ProductFactory() for _ in range(lines)]
    with CaptureQueriesContext(connection) as queries:
        place_order(customer, *[(product, 1) for product in products])
    return len(queries)


def test_placing_ten_lines_costs_no_more_queries_than_two_plus_a_small_constant(customer):
    two = _queries_to_place(customer, 2)
    ten = _queries_to_place(customer, 10)
    assert ten <= two + 2, (two, ten)
