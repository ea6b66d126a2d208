import pytest
from rest_framework.test import APIClient

from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory, RangeFactory


@pytest.fixture
def shop(db):
    """Terms in force and the delivery options every order needs (P2, P8)."""
    TermsVersionFactory()
    DeliveryOptionFactory()  # uk-standard, 395p
    DeliveryOptionFactory(code="uk-premium", name="UK next day", premium=True, charge_pence=995)


@pytest.fixture
def gift(shop):
    return ProductFactory(range=RangeFactory(code="gifts", name="Coin-inspired gifts"), price_pence=2500, stock=100)


@pytest.fixture
def coin(shop):
    return ProductFactory(range=RangeFactory(code="coins", name="Commemorative coins"), price_pence=4000, stock=100)


@pytest.fixture
def customer(shop):
    return CustomerFactory(address_line1="1 Mint Street")


@pytest.fixture
def api(customer):
    client = APIClient()
    client.force_authenticate(customer.user)
    return client


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a service scheduled for after its commit (outbox sends, tasks), as production would."""

    def run(call=None):
        if call is None:  # as a context manager, like tests/cancellations' (its factories take this one)
            return django_capture_on_commit_callbacks(execute=True)
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run
