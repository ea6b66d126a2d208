import pytest

from orders import hooks
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory


@pytest.fixture
def shop(db):
    """Terms in force and the delivery options every order needs (P2, P8)."""
    TermsVersionFactory()
    DeliveryOptionFactory()
    DeliveryOptionFactory(code="uk-premium", name="UK next day", premium=True, charge_pence=995)
    DeliveryOptionFactory(code="overseas", name="Overseas tracked", region="overseas", charge_pence=1800)


@pytest.fixture
def customer(shop):
    return CustomerFactory()


@pytest.fixture
def product(shop):
    return ProductFactory(stock=10, price_pence=2500)


@pytest.fixture(autouse=True)
def orders_without_payments():
    """Orders are tested on their own: payments' handlers are set aside for each test and put
    back afterwards (tests/integration runs the two together)."""
    saved = {event: list(handlers) for event, handlers in hooks._handlers.items()}
    hooks._handlers.clear()
    yield
    hooks._handlers.clear()
    hooks._handlers.update(saved)


@pytest.fixture
def hook_calls():
    """Record every orders→payments event."""
    calls = []
    for event in hooks.EVENTS:
        hooks.register(event, lambda _event=event, **kwargs: calls.append((_event, kwargs)))
    return calls
