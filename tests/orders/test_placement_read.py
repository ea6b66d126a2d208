"""Issue 15: the placement read is SQL written by hand (orders.selectors._PLACEMENT_SQL); these pin
that it answers what the rules need, the ORM's values included, in one statement every time."""

import datetime as dt

from catalogue.models import DeliveryOption, Product
from orders.selectors import order_placement_read
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import place_order

NOW = dt.datetime(2026, 12, 3, 10, 0, 0, 500, tzinfo=dt.UTC)
UK_STANDARD = (DeliveryOption.Region.UK, "uk-standard")


def _read(customer, products=(), *, key=None, delivery=UK_STANDARD, placed_at=NOW, product_ids=None):
    return order_placement_read(
        customer_id=customer.pk,
        product_ids=[p.pk for p in products] if product_ids is None else product_ids,
        idempotency_key=key,
        placed_at=placed_at,
        delivery=delivery,
    )


def test_products_are_the_instances_the_orm_builds_and_the_rest_is_read_with_them(
    customer, django_assert_num_queries
):
    products = [
        ProductFactory(stock=3, price_pence=1250, max_per_customer=2, launch_date=dt.date(2027, 1, 1),
                       presale_opens_on=dt.date(2026, 12, 1), personalisable=True),
        ProductFactory(withdrawn_at=NOW - dt.timedelta(days=1)),  # P3: still read, the check refuses it
    ]
    with django_assert_num_queries(1):
        reading = _read(customer, products)

    assert set(reading.products) == {p.pk for p in products}
    for expected in Product.objects.filter(pk__in=[p.pk for p in products]):
        got = reading.products[expected.pk]
        assert type(got) is Product and got.range_id == expected.range_id
        for field in Product._meta.concrete_fields:
            assert getattr(got, field.attname) == getattr(expected, field.attname), field.name
            assert type(getattr(got, field.attname)) is type(getattr(expected, field.attname)), field.name
    assert reading.products[products[1].pk].withdrawn_at == NOW - dt.timedelta(days=1)
    assert (reading.restricted_at, reading.deceased_at, reading.earlier_order_id) == (None, None, None)
    assert reading.terms_version_id is not None
    uk_standard = DeliveryOption.objects.get(code="uk-standard")
    assert (reading.delivery_option_id, reading.delivery_charge_pence, reading.standard_charge_pence) == (
        uk_standard.pk, 395, 395,
    )


def test_c3_c7_the_restriction_and_death_are_read_as_they_are_now(shop, product):
    restricted = CustomerFactory(restricted_at=NOW - dt.timedelta(hours=1))
    deceased = CustomerFactory(deceased_at=NOW - dt.timedelta(days=2))
    assert (_read(restricted, [product]).restricted_at, _read(restricted, [product]).deceased_at) == (
        NOW - dt.timedelta(hours=1), None,
    )
    assert (_read(deceased, [product]).restricted_at, _read(deceased, [product]).deceased_at) == (
        None, NOW - dt.timedelta(days=2),
    )


def test_c3_with_no_product_found_the_customer_is_still_read_in_one_statement(
    shop, django_assert_num_queries
):
    restricted = CustomerFactory(restricted_at=NOW)
    with django_assert_num_queries(1):
        reading = _read(restricted, product_ids=[987654])
    assert (reading.products, reading.restricted_at) == ({}, NOW)
    assert reading.terms_version_id is not None and reading.delivery_option_id is not None
    assert _read(restricted, product_ids=[]).restricted_at == NOW


def test_p8_terms_published_just_before_the_cutoff_are_in_force_and_just_after_are_not(
    customer, product, settings
):
    cutoff = NOW - dt.timedelta(hours=settings.MINT_TERMS_NOTICE_HOURS)
    at_cutoff = TermsVersionFactory(published_at=cutoff)
    just_after = TermsVersionFactory(published_at=cutoff + dt.timedelta(microseconds=1))
    assert _read(customer, [product]).terms_version_id == at_cutoff.pk
    assert _read(customer, [product], placed_at=NOW + dt.timedelta(microseconds=1)).terms_version_id == just_after.pk


def test_p8_no_terms_published_long_enough_reads_none(customer, product):
    assert _read(customer, [product], placed_at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)).terms_version_id is None


def test_p2_an_unknown_inactive_or_other_regions_option_reads_no_option_but_the_standard_charge(customer, product):
    DeliveryOptionFactory(code="uk-retired", charge_pence=100, premium=True, active=False)
    for code in ("no-such-option", "uk-retired", "overseas"):
        reading = _read(customer, [product], delivery=(DeliveryOption.Region.UK, code))
        assert (reading.delivery_option_id, reading.delivery_charge_pence) == (None, None), code
        assert reading.standard_charge_pence == 395, code  # the cheapest active option in the UK
    overseas = _read(customer, [product], delivery=(DeliveryOption.Region.OVERSEAS, "overseas"))
    assert (overseas.delivery_charge_pence, overseas.standard_charge_pence) == (1800, 1800)


def test_p2_premium_reads_its_charge_and_the_regions_standard(customer, product):
    reading = _read(customer, [product], delivery=(DeliveryOption.Region.UK, "uk-premium"))
    assert (reading.delivery_charge_pence, reading.standard_charge_pence) == (995, 395)


def test_c8_a_saved_address_reads_no_delivery_option(customer, product):
    """A saved address's region is known only once it is read, so the caller reads the options itself."""
    reading = _read(customer, [product], delivery=None)
    assert (reading.delivery_option_id, reading.delivery_charge_pence, reading.standard_charge_pence) == (
        None, None, None,
    )
    assert reading.products[product.pk].pk == product.pk


def test_o2_the_earlier_order_is_found_by_the_customers_own_idempotency_key_only(customer, product):
    earlier = place_order(customer, (product, 1), idempotency_key="checkout-0001")
    place_order(customer, (product, 1))  # no key: stored as "", which no request matches
    other = CustomerFactory()

    assert _read(customer, [product], key="checkout-0001").earlier_order_id == earlier.pk
    assert _read(customer, [product], key="checkout-0002").earlier_order_id is None
    assert _read(other, [product], key="checkout-0001").earlier_order_id is None
    assert _read(customer, [product], key=None).earlier_order_id is None
    assert _read(customer, [product], key="").earlier_order_id is None
