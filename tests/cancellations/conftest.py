"""Cancellations run with orders and payments as they are in production (payments' hooks active)."""

import pytest

from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs what the block scheduled for after commit (tasks run eagerly)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def shop(db):
    TermsVersionFactory()
    DeliveryOptionFactory()  # standard, £3.95
    DeliveryOptionFactory(code="uk-premium", name="UK next day", premium=True, charge_pence=995)


@pytest.fixture
def customer(shop):
    return CustomerFactory()


@pytest.fixture
def coin(shop):
    return ProductFactory(stock=10, price_pence=2500)


@pytest.fixture
def medal(shop):
    return ProductFactory(stock=10, price_pence=4000)
