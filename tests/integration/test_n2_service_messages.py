"""N2 and D3: an order's life sends each service message through the outbox, whatever the
marketing consent, and none of them is marketing. Orders and payments run together here."""

import datetime as dt

import pytest
import time_machine
from django.db.models import Q

from catalogue.services import product_price_change
from mint_shop import clock
from mint_shop.actors import Actor
from notifications.models import Message
from orders.services import order_despatch, order_lines_allocate, order_price_change_propose, orders_notify_delays
from payments.models import Refund
from payments.selectors import order_money
from payments.services.receipts import bank_receipt_record
from payments.services.refunds import refund_grant, refund_payout_mark_paid
from tests.catalogue.factories import DeliveryOptionFactory, TermsVersionFactory
from tests.factories import CustomerFactory, ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db

PLACED_AT = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def _kinds(order) -> set[str]:
    """What the customer has been sent about this order (each names it in its subject or body)."""
    mention = f"order {order.pk}"
    messages = Message.objects.filter(Q(subject__contains=mention) | Q(body__contains=mention), customer=order.customer)
    return set(messages.values_list("kind", flat=True))


def test_n2_an_orders_life_sends_each_service_message(django_capture_on_commit_callbacks):
    TermsVersionFactory()
    DeliveryOptionFactory()
    customer = CustomerFactory()  # no marketing consent on any channel
    staff = Actor.staff(UserFactory(username="cs", is_staff=True))
    coin, medal = ProductFactory(price_pence=2500), ProductFactory(price_pence=6000)

    with time_machine.travel(PLACED_AT, tick=False), django_capture_on_commit_callbacks(execute=True):
        order = place_order(customer, (coin, 2))
        questioned = place_order(customer, (medal, 1))
    assert "acknowledgment" in _kinds(order)

    # The customer pays by transfer: the lines are accepted, and the customer is told.
    with django_capture_on_commit_callbacks(execute=True):
        owed = order_money(order_id=order.pk)["outstanding_pence"]
        bank_receipt_record(reference=order.payment.reference, amount_pence=owed,
                            received_on=clock.today(), method="bank_transfer", actor=staff)
    assert "acceptance" in _kinds(order)

    with django_capture_on_commit_callbacks(execute=True):
        order_lines_allocate(order_id=order.pk, actor=staff)
        order_despatch(order_id=order.pk, line_ids=list(order.lines.values_list("pk", flat=True)),
                       carrier="Royal Mail", tracking_number="RM1", actor=staff)
    assert "despatch_confirmation" in _kinds(order)

    # The medal's price moves and staff put it to the open order: the customer is asked.
    with django_capture_on_commit_callbacks(execute=True):
        product_price_change(product_id=medal.pk, price_pence=6500, actor=staff)
        order_price_change_propose(order_id=questioned.pk, actor=staff)
    assert "price_question" in _kinds(questioned)

    # The medal's order is not delivered in time: a written delay notice.
    with time_machine.travel(PLACED_AT + dt.timedelta(days=30), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        orders_notify_delays(actor=Actor.system())
    assert "delay_notice" in _kinds(questioned)

    # A refund paid by bank payout: the customer is told when it is made.
    with django_capture_on_commit_callbacks(execute=True):
        refund = refund_grant(order_id=order.pk, amount_pence=500, request_id="n2-refund", actor=staff)
    assert refund.means == Refund.Means.PAYOUT
    with django_capture_on_commit_callbacks(execute=True):
        refund_payout_mark_paid(refund_id=refund.pk, bank_reference="BACS-1", actor=staff)
    assert Message.objects.filter(customer=customer, kind="refund_made").exists()

    sent = Message.objects.filter(customer=customer)
    assert not sent.filter(purpose=Message.Purpose.MARKETING).exists()  # D3: none of these is marketing
    assert set(sent.values_list("status", flat=True)) <= {Message.Status.SENT, Message.Status.QUEUED_FOR_PRINT}
