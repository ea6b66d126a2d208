"""The merged back office end to end: orders with payments' hooks active (no stand-ins), the
real HTTP API, Celery eager, and the real stripe SDK against localstripe.

Every API call runs what its transaction scheduled for after commit (Stripe calls, tasks,
orders' acceptance), as it would in production.
"""

import pytest
from rest_framework.test import APIClient

from orders import hooks
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.payments.conftest import card  # noqa: F401  (Stripe payment methods made at localstripe)


@pytest.fixture(autouse=True)
def payments_hooks_active():
    """Payments registers its handlers when Django starts: the flows below depend on them."""
    assert hooks._handlers[hooks.LINES_DESPATCH_CHECK], "payments' hooks are not registered"


@pytest.fixture
def shop(db):
    TermsVersionFactory()
    DeliveryOptionFactory()  # uk-standard, 395p


@pytest.fixture
def customer(shop):
    return CustomerFactory()


@pytest.fixture
def coin(shop):
    return ProductFactory(name="Britannia 1oz silver", price_pence=2500, stock=10)


@pytest.fixture
def case(shop):
    return ProductFactory(name="Presentation case", price_pence=1000, stock=10)


class Api:
    """An APIClient for one user whose requests commit as in production (on-commit work runs)."""

    def __init__(self, user, capture):
        self.client = APIClient()
        self.client.force_authenticate(user)
        self.capture = capture

    def get(self, url):
        return self.client.get(url)

    def post(self, url, body=None):
        with self.capture(execute=True):
            return self.client.post(url, body or {}, format="json")

    def patch(self, url, body):
        with self.capture(execute=True):
            return self.client.patch(url, body, format="json")


@pytest.fixture
def api(django_capture_on_commit_callbacks):
    def make(user) -> Api:
        return Api(user, django_capture_on_commit_callbacks)

    return make


@pytest.fixture
def as_customer(api, customer):
    return api(customer.user)


@pytest.fixture
def staff(api, staff_user):
    """One client per role, made on first use."""
    made = {}

    def get(role) -> Api:
        if role not in made:
            made[role] = api(staff_user(role))
        return made[role]

    return get


def order_body(*items, payment: dict, **fields) -> dict:
    return {
        "lines": [{"product_id": product.pk, "quantity": quantity} for product, quantity in items],
        "delivery": {"option": "uk-standard", "name": "Ada Lovelace", "address": "1 Mint Street", "postcode": "SW1A"},
        "payment": payment,
        **fields,
    }


def despatch_body(*line_ids) -> dict:
    return {"line_ids": list(line_ids), "carrier": "Royal Mail", "tracking_number": f"RM{'-'.join(map(str, line_ids))}"}
