"""Reimbursements: owed on top of what was paid (R3 return postage), so outside M8's cap."""

import pytest

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from payments import errors
from payments.models import LedgerEntry, Refund
from payments.selectors import order_money, refunds_due
from payments.services.refunds import refund_grant, refund_payout_mark_paid
from payments.services.reimbursements import reimbursement_grant
from tests.payments.services.test_ledger import _transfer_order

pytestmark = pytest.mark.django_db
STAFF = Actor.system()


def _reimburse(order, amount_pence=320, request_id="postage-1"):
    return reimbursement_grant(
        order_id=order.pk, amount_pence=amount_pence, request_id=request_id, reason="return postage", actor=STAFF
    )


def test_m8_a_reimbursement_is_not_capped_by_what_was_taken_and_is_paid_once(place):
    order = _transfer_order(place, amount=3000)
    refund = refund_grant(order_id=order.pk, amount_pence=3000, request_id="all", actor=STAFF)
    first = _reimburse(order)
    assert _reimburse(order) == first  # the same request twice: one reimbursement
    assert (first.purpose, first.means, first.amount_pence) == (Refund.Purpose.REIMBURSEMENT, Refund.Means.PAYOUT, 320)
    assert list(refunds_due()) == [refund, first]  # finance pays both from the same queue
    for payout in (refund, first):
        refund_payout_mark_paid(refund_id=payout.pk, bank_reference=f"BACS-{payout.pk}", actor=STAFF)
    with pytest.raises(RuleViolation) as twice:
        refund_payout_mark_paid(refund_id=first.pk, bank_reference="again", actor=STAFF)
    assert twice.value.rule == errors.REFUND_NOT_PENDING_PAYOUT

    entry = LedgerEntry.objects.get(order=order, kind=LedgerEntry.Kind.REIMBURSEMENT)
    assert (entry.direction, entry.amount_pence, entry.external_id) == ("out", 320, first.payout_reference)
    money = order_money(order_id=order.pk)
    out = sum(e.amount_pence for e in LedgerEntry.objects.filter(order=order, direction="out"))
    assert (money["refunded_pence"], money["reimbursed_pence"], money["refundable_pence"]) == (3000, 320, 0)
    assert money["refunded_pence"] + money["reimbursed_pence"] == out


def test_m8_a_reimbursement_request_id_cannot_be_reused_for_a_refund_or_another_amount(place):
    order = _transfer_order(place, amount=3000)
    _reimburse(order, request_id="same")
    for again in (
        lambda: _reimburse(order, amount_pence=999, request_id="same"),
        lambda: refund_grant(order_id=order.pk, amount_pence=320, request_id="same", actor=STAFF),
    ):
        with pytest.raises(RuleViolation) as refused:
            again()
        assert refused.value.rule == errors.REFUND_REQUEST_REUSED
    assert Refund.objects.count() == 1


def test_m8_a_reimbursement_needs_an_amount_and_a_reason(place):
    order = _transfer_order(place)
    with pytest.raises(RuleViolation) as refused:
        reimbursement_grant(order_id=order.pk, amount_pence=320, request_id="r", reason=" ", actor=STAFF)
    assert refused.value.rule == errors.REIMBURSEMENT_INVALID
    assert not Refund.objects.exists()
