"""The card hold goes with the order's last live line, even when its last two lines are
withdrawn at the same moment by two requests (real threads on PostgreSQL, payments' hooks active)."""

import threading

import pytest
from django.db import connection, connections

from mint_shop.actors import Actor
from orders.models import Order, OrderLine
from orders.services import order_lines_cancel
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry
from tests.factories import ProductFactory
from tests.orders.factories import place_order


@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_of_the_last_lines_racing_release_the_hold_exactly_once(customer, card):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises every write")
    coin = ProductFactory(price_pence=2500, stock=10)
    case = ProductFactory(price_pence=1000, stock=10)
    # Committed for real: the authorisation is made at localstripe after the commit.
    order = place_order(customer, (coin, 1), (case, 1), method="card", payment={"stripe_payment_method_id": card()})
    authorisation = Authorisation.objects.get(order_payment__order=order)
    assert authorisation.status == Authorisation.Status.AUTHORISED
    lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
    start = threading.Barrier(len(lines))
    failures = []

    def withdraw(line):
        try:
            start.wait()
            order_lines_cancel(order_id=order.pk, line_ids=[line.pk], actor=Actor.customer(customer.user))
        except Exception as exc:  # a deadlock or any other fault fails the test below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=withdraw, args=(line,)) for line in lines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert failures == []
    authorisation.refresh_from_db()
    assert authorisation.status == Authorisation.Status.RELEASED
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED
    assert LedgerEntry.objects.filter(order=order, kind=LedgerEntry.Kind.RELEASE).count() == 1
    assert CardOperation.objects.filter(order_payment__order=order, kind=CardOperation.Kind.CANCEL).count() == 1
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
