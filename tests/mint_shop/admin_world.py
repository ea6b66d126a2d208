"""A small shop with a row in most admin tables, made through the services, for walking the admin."""

import datetime as dt

from django.test import TestCase

from cancellations.services import cancellation_request, goods_return_record
from consents.services import print_run_create
from mint_shop.actors import Actor, Channel
from payments.services.receipts import cheque_record_received
from tests.cancellations.factories import deliver, paid_order
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.customers.factories import (
    ContactLogEntryFactory,
    DeliveryAddressFactory,
    DueDiligenceCheckFactory,
    RepresentativeFactory,
    StaffUserFactory,
)
from tests.factories import CustomerFactory, ProductFactory
from tests.notifications.factories import MessageFactory


def admin_world() -> dict:
    """Rows for the change pages: a delivered order cancelled with its goods back, a cheque, people, messages."""

    def commit():
        return TestCase.captureOnCommitCallbacks(execute=True)

    TermsVersionFactory()
    DeliveryOptionFactory()
    customer = CustomerFactory()
    DeliveryAddressFactory(customer=customer)
    coin = ProductFactory(stock=10, price_pence=2500)
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order)
    system = Actor.system()
    with commit():
        outcome = cancellation_request(
            order_id=order.pk, line_ids=[order.lines.get().pk], actor=system, notice_channel=Channel.PHONE
        )
    with commit():
        goods_return_record(
            cancellation_id=outcome.cancellation.pk, line_ids=[order.lines.get().pk], received_on=dt.date.today(),
            condition="as_sent", actor=system,
        )
    unpaid = paid_order(commit, customer, (coin, 1), method="cheque", paid=False)
    cheque_record_received(reference=f"MINT-{unpaid.pk}", amount_pence=100, drawer="A Lovelace",
                           cheque_number="000123", actor=system)
    RepresentativeFactory(customer=customer)
    DueDiligenceCheckFactory(customer=customer)
    ContactLogEntryFactory(customer=customer)
    MessageFactory(customer=customer)
    print_run_create(title="Spring catalogue", actor=Actor.staff(StaffUserFactory()))
    return {}
