"""D5: purchase records outlive the person's details: the retention schedule anonymises a dormant
customer, and their order, its lines and the money paid for it stay for the financial period."""

import datetime as dt

import pytest
import time_machine

from consents import tasks
from customers.models import Customer
from orders.models import Order
from payments.models import LedgerEntry
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory
from tests.integration.test_d7_erasure import _delivered_order  # placed, paid by transfer, delivered

pytestmark = pytest.mark.django_db


def test_d5_a_dormant_customers_purchase_records_are_kept_when_their_details_go(api, staff):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        TermsVersionFactory()
        DeliveryOptionFactory()
        coin = ProductFactory(price_pence=2500, stock=5)
        customer = CustomerFactory(first_name="Hepzibah")
        order_id = _delivered_order(api(customer.user), staff, coin, customer).pk

    with time_machine.travel(dt.datetime(2030, 1, 15, 9, tzinfo=dt.UTC), tick=False):
        assert tasks.retention_apply.delay().get() == 1

    assert Customer.objects.get(pk=customer.pk).first_name == ""
    order = Order.objects.get(pk=order_id)
    assert order.lines.get().unit_price_pence == 2500
    assert sum(LedgerEntry.objects.filter(order=order).values_list("amount_pence", flat=True)) == 2895
