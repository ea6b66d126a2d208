"""Cheques, transfers and banker's drafts (M7); the methods on placing (M1)."""

import datetime as dt

import pytest

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders import hooks
from payments import errors
from payments.models import Cheque, InstalmentPlan, LedgerEntry, OrderPayment
from payments.services.receipts import (
    bank_receipt_record,
    cheque_bank,
    cheque_bounce,
    cheque_clear,
    cheque_record_received,
)
from tests.payments.conftest import accepted_by_payment
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["cheque", "bank_transfer", "bankers_draft", "invoice", "finance"])
def test_m1_each_way_to_pay_is_recorded_with_a_reference_on_placing(method, place):
    order = place(order_with_lines(2500, payment_method=method))
    assert OrderPayment.objects.get(order=order).method == method
    assert order.payment.reference == f"MINT-{order.pk}"


def test_m1_instalments_on_placing_wait_for_a_status_decision(place):
    order = place(order_with_lines(2500, payment_method="instalments"), number_of_instalments=3)
    assert order.instalment_plan.status == InstalmentPlan.Status.APPLIED


def test_m1_a_method_other_than_the_orders_is_refused(db):
    order = order_with_lines(2500, payment_method="cheque")
    with pytest.raises(RuleViolation) as refused:
        hooks.notify(hooks.ORDER_PLACED, order=order, payment={"method": "card"})
    assert refused.value.rule == errors.METHOD_NOT_ACCEPTED


@pytest.fixture
def cheque_order(place):
    return place(order_with_lines(2500, payment_method="cheque"))


def _cheque(order, amount=3000):
    return cheque_record_received(
        reference=order.payment.reference,
        amount_pence=amount,
        drawer="A Customer",
        cheque_number="000123",
        actor=Actor.system(),
    )


def test_m7_a_cheque_is_received_banked_then_cleared_into_the_ledger(cheque_order, commit):
    cheque = _cheque(cheque_order)
    with commit():
        cheque_bank(cheque_id=cheque.pk, actor=Actor.system())
    assert accepted_by_payment(cheque_order) == [cheque_order.lines.get().pk]
    assert not LedgerEntry.objects.exists()

    cheque_clear(cheque_id=cheque.pk, actor=Actor.system())

    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_pence, entry.direction) == ("cheque_cleared", 3000, "in")


def test_m7_a_bounced_cheque_takes_back_acceptance_and_tells_the_customer(cheque_order, commit):
    cheque = _cheque(cheque_order)
    with commit():
        cheque_bank(cheque_id=cheque.pk, actor=Actor.system())
        cheque_bounce(cheque_id=cheque.pk, actor=Actor.system())
    assert accepted_by_payment(cheque_order) == []
    assert cheque_order.lines.get().accepted_at is None  # not despatched: no contract any more
    assert Cheque.objects.get().status == Cheque.Status.BOUNCED
    assert LedgerEntry.objects.get().kind == "cheque_bounced"
    assert Message.objects.filter(kind="cheque_bounced", customer=cheque_order.customer).exists()
    with pytest.raises(RuleViolation) as refused:
        cheque_clear(cheque_id=cheque.pk, actor=Actor.system())
    assert refused.value.rule == errors.CHEQUE_STATE


def test_m7_a_cheque_for_an_unknown_order_is_refused(db):
    with pytest.raises(RuleViolation) as refused:
        cheque_record_received(
            reference="MINT-999999", amount_pence=100, drawer="X", cheque_number="1", actor=Actor.system()
        )
    assert refused.value.rule == errors.UNKNOWN_ORDER_REFERENCE
    assert not Cheque.objects.exists()


@pytest.mark.parametrize("method", ["bank_transfer", "bankers_draft"])
def test_m7_a_transfer_or_draft_is_matched_to_its_order_by_reference(method, place, commit):
    order = place(order_with_lines(2500, payment_method=method))
    with commit():
        bank_receipt_record(
            reference=f" mint-{order.pk} ",
            amount_pence=3000,
            received_on=dt.date(2026, 11, 20),
            method=method,
            actor=Actor.system(),
        )
    entry = LedgerEntry.objects.get(order=order)
    assert (entry.kind, entry.method, entry.external_id) == ("transfer", method, f"MINT-{order.pk}")
    assert accepted_by_payment(order) == [order.lines.get().pk]
