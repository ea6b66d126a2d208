import datetime as dt

import pytest
from django.db import IntegrityError

from catalogue.models import Product
from catalogue.selectors import terms_version_for
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import ProductFactory, RangeFactory

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def test_p8_terms_published_exactly_24_hours_before_apply_and_23_hours_do_not():
    older = TermsVersionFactory(published_at=NOON - dt.timedelta(days=30))
    day_old = TermsVersionFactory(published_at=NOON - dt.timedelta(hours=24))
    TermsVersionFactory(published_at=NOON - dt.timedelta(hours=23))
    assert terms_version_for(placed_at=NOON) == day_old
    assert terms_version_for(placed_at=NOON - dt.timedelta(hours=1)) == older


def test_p1_every_product_belongs_to_a_range():
    bullion = RangeFactory(code="bullion", name="Bullion")
    product = ProductFactory(range=bullion)
    assert product.range.code == "bullion"
    with pytest.raises(IntegrityError):
        Product.objects.create(sku="NO-RANGE", name="Orphan", price_pence=100, range_id=None)


def test_p3_stock_can_never_exceed_the_mintage():
    product = ProductFactory(mintage=5000, stock=5000)
    with pytest.raises(IntegrityError):
        Product.objects.filter(pk=product.pk).update(stock=5001)


def test_p2_only_one_standard_option_per_region():
    DeliveryOptionFactory()
    with pytest.raises(IntegrityError):
        DeliveryOptionFactory(code="uk-standard-2", premium=False)
