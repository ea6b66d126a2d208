"""Refunds (M8)."""

import pytest

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from payments import errors, gateway
from payments.models import LedgerEntry, Refund
from payments.selectors import order_money, refunds_due
from payments.services.receipts import bank_receipt_record
from payments.services.refunds import refund_grant, refund_payout_mark_paid
from tests.payments.factories import order_with_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_card_order(card, place, despatch, charge):
    order = place(order_with_lines(2500, 1000), stripe_payment_method_id=card())
    first, second = order.lines.order_by("pk")
    despatch(order, [first])
    charge(order, [second])
    despatch(order, [second])
    return order  # 3000 captured, 1000 charged


@pytest.fixture
def transfer_order(place):
    order = place(order_with_lines(2500, payment_method="bank_transfer"))
    with_reference = order.payment.reference
    bank_receipt_record(
        reference=with_reference,
        amount_pence=3000,
        received_on=order.placed_at.date(),
        method="bank_transfer",
        actor=Actor.system(),
    )
    return order


@pytest.mark.integration
def test_m8_a_card_refund_goes_back_through_stripe_across_payments(paid_card_order, commit):
    with commit():
        refund = refund_grant(order_id=paid_card_order.pk, amount_pence=1500, request_id="req-1", actor=Actor.system())

    refund.refresh_from_db()
    assert refund.status == Refund.Status.PAID
    entries = LedgerEntry.objects.filter(order=paid_card_order, kind="refund").order_by("pk")
    # Newest payment first: the 1000 charge, then 500 of the capture.
    assert [e.amount_pence for e in entries] == [1000, 500]
    for entry in entries:
        assert gateway.stripe_client().v1.refunds.retrieve(entry.external_id).amount == entry.amount_pence
    money = order_money(order_id=paid_card_order.pk)
    assert (money["taken_pence"], money["refunded_pence"], money["refundable_pence"]) == (4000, 1500, 2500)
    assert Message.objects.filter(kind="refund_made", customer=paid_card_order.customer).count() == 1


@pytest.mark.integration
def test_m8_the_same_refund_request_twice_refunds_once(paid_card_order, commit):
    with commit():
        first = refund_grant(order_id=paid_card_order.pk, amount_pence=700, request_id="req-2", actor=Actor.system())
        again = refund_grant(order_id=paid_card_order.pk, amount_pence=700, request_id="req-2", actor=Actor.system())
    assert first.pk == again.pk
    assert LedgerEntry.objects.filter(order=paid_card_order, kind="refund").count() == 1


@pytest.mark.integration
def test_m8_a_refund_above_what_is_refundable_is_refused_and_nothing_written(paid_card_order, commit):
    with commit():
        refund_grant(order_id=paid_card_order.pk, amount_pence=3000, request_id="req-3", actor=Actor.system())
    with pytest.raises(RuleViolation) as refused:
        refund_grant(order_id=paid_card_order.pk, amount_pence=1001, request_id="req-4", actor=Actor.system())
    assert refused.value.rule == errors.REFUND_ABOVE_REFUNDABLE
    assert not Refund.objects.filter(request_id="req-4").exists()


def test_m8_a_transfer_payment_is_refunded_by_payout_that_finance_marks_paid(transfer_order):
    refund = refund_grant(order_id=transfer_order.pk, amount_pence=1000, request_id="req-5", actor=Actor.system())
    assert refund.means == Refund.Means.PAYOUT
    assert refund.payout_reference == f"REFUND-{transfer_order.pk}-{refund.pk}"
    assert list(refunds_due()) == [refund]
    assert not LedgerEntry.objects.filter(kind="refund").exists()

    refund_payout_mark_paid(refund_id=refund.pk, bank_reference="FP-123", actor=Actor.system())

    assert list(refunds_due()) == []
    entry = LedgerEntry.objects.get(kind="refund")
    assert (entry.amount_pence, entry.external_id, entry.direction) == (1000, refund.payout_reference, "out")


def test_m8_another_means_needs_a_reason(transfer_order):
    with pytest.raises(RuleViolation) as refused:
        refund_grant(
            order_id=transfer_order.pk, amount_pence=1000, request_id="req-6", means="other", actor=Actor.system()
        )
    assert refused.value.rule == errors.REFUND_REASON_REQUIRED
    refund = refund_grant(
        order_id=transfer_order.pk,
        amount_pence=1000,
        request_id="req-6",
        means="other",
        reason="the customer's account has closed; paid by cheque",
        actor=Actor.system(),
    )
    assert refund.means == Refund.Means.OTHER


def test_m8_a_request_id_reused_for_another_amount_is_refused(transfer_order):
    refund_grant(order_id=transfer_order.pk, amount_pence=1000, request_id="req-7", actor=Actor.system())
    with pytest.raises(RuleViolation) as refused:
        refund_grant(order_id=transfer_order.pk, amount_pence=900, request_id="req-7", actor=Actor.system())
    assert refused.value.rule == errors.REFUND_REQUEST_REUSED
