import datetime as dt

import pytest
import time_machine

from cancellations import errors
from cancellations.models import Cancellation, GoodsReturn
from cancellations.services import (
    cancellation_refund_grant,
    cancellation_request,
    goods_return_record,
    refund_deadlines_flag,
)
from cancellations.services._common import breakdown_text
from mint_shop.actors import Actor
from mint_shop.clock import LONDON
from mint_shop.errors import RuleViolation
from notifications.models import Message
from payments.models import LedgerEntry, Refund
from payments.selectors import order_money
from payments.services.refunds import refund_payout_mark_paid
from tests.cancellations.factories import PREMIUM, deliver, paid_order

pytestmark = pytest.mark.django_db
STAFF = Actor.system()


def _at(day: dt.date):
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def _cancel(order, lines, on):
    with time_machine.travel(_at(on), tick=False):
        return cancellation_request(
            order_id=order.pk, line_ids=[line.pk for line in lines], customer=order.customer, actor=STAFF
        ).cancellation


def _return(cancellation, on, condition="as_sent", **kwargs):
    with time_machine.travel(_at(on), tick=False):
        return goods_return_record(
            cancellation_id=cancellation.pk,
            line_ids=kwargs.pop("line_ids", [line.order_line_id for line in cancellation.lines.all()]),
            received_on=on,
            condition=condition,
            actor=STAFF,
            **kwargs,
        )


@pytest.fixture
def cancelled(commit, customer, coin):
    order = paid_order(commit, customer, (coin, 2))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    return _cancel(order, order.lines.all(), dt.date(2026, 11, 5))


def test_r3_goods_back_as_sent_the_customer_pays_postage_and_the_refund_falls_due(cancelled, commit):
    with commit():
        goods_return = _return(cancelled, dt.date(2026, 11, 9))
    assert goods_return.postage_paid_by == GoodsReturn.PostagePaidBy.CUSTOMER
    assert "with any free gift or promotional item" in goods_return.expected_items
    cancelled.refresh_from_db()
    assert cancelled.refund.amount_pence == 5395
    assert cancelled.refund.means == Refund.Means.PAYOUT


def test_r3_damaged_goods_come_back_at_our_cost_and_the_postage_is_reimbursed(commit, customer, coin, medal):
    order = paid_order(commit, customer, (coin, 1), (medal, 1))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    cancelled = _cancel(order, [order.lines.order_by("pk").first()], dt.date(2026, 11, 5))
    with commit():
        goods_return = _return(cancelled, dt.date(2026, 11, 9), condition="damaged", return_postage_pence=320)
    assert goods_return.postage_paid_by == GoodsReturn.PostagePaidBy.MINT
    cancelled.refresh_from_db()
    assert (cancelled.goods_pence, cancelled.return_postage_pence, cancelled.refund_pence) == (2500, 320, 2820)
    assert cancelled.refund.amount_pence == 2500
    assert (cancelled.reimbursement.amount_pence, cancelled.reimbursement.purpose) == (
        320,
        Refund.Purpose.REIMBURSEMENT,
    )


def test_r3_a_full_refund_of_damaged_goods_also_reimburses_our_return_postage(cancelled, commit):
    from cancellations.selectors import refund_queue

    with commit():
        _return(cancelled, dt.date(2026, 11, 9), condition="damaged", return_postage_pence=320)
    cancelled.refresh_from_db()
    order_id = cancelled.order_id
    assert (cancelled.refund.amount_pence, cancelled.reimbursement.amount_pence) == (5395, 320)
    assert cancelled.reimbursement.means == Refund.Means.PAYOUT
    body = Message.objects.get(kind="cancellation_received").body
    assert "refund £53.95" in body
    assert breakdown_text(cancelled) == (
        "goods £50.00, delivery £3.95: refund £53.95, plus return postage £3.20 paid separately: £57.15 in all"
    )
    # R5: finance owes both by the same deadline; the cancellation stays queued until both are paid.
    refund_payout_mark_paid(refund_id=cancelled.refund_id, bank_reference="BACS-1", actor=STAFF)
    assert list(refund_queue()) == [cancelled]
    refund_payout_mark_paid(refund_id=cancelled.reimbursement_id, bank_reference="BACS-2", actor=STAFF)
    assert list(refund_queue()) == []

    money = order_money(order_id=order_id)
    entries = LedgerEntry.objects.filter(order_id=order_id)
    out = [e for e in entries if e.direction == LedgerEntry.Direction.OUT]
    assert money["taken_pence"] == sum(e.amount_pence for e in entries if e.direction == "in") == 5395
    assert money["refunded_pence"] == sum(e.amount_pence for e in out if e.kind == LedgerEntry.Kind.REFUND) == 5395
    assert money["reimbursed_pence"] == sum(e.amount_pence for e in out if e.kind == "reimbursement") == 320
    assert money["refunded_pence"] + money["reimbursed_pence"] == sum(e.amount_pence for e in out)
    assert money["refundable_pence"] == 0
    made = Message.objects.filter(kind="refund_made").order_by("pk").values_list("body", flat=True)
    assert "paid you £3.20 (return postage for goods that came back damaged)" in made[1]


def test_r3_return_postage_for_goods_as_sent_is_refused(cancelled):
    with pytest.raises(RuleViolation) as refused:
        _return(cancelled, dt.date(2026, 11, 9), return_postage_pence=320)
    assert refused.value.rule == errors.RETURN_POSTAGE_NOT_OURS
    assert GoodsReturn.objects.get().received_on is None


def test_r3_a_return_for_a_line_not_in_the_cancellation_is_refused(cancelled):
    with pytest.raises(RuleViolation) as refused:
        _return(cancelled, dt.date(2026, 11, 9), line_ids=[999999])
    assert refused.value.rule == errors.RETURN_LINE_UNKNOWN
    assert GoodsReturn.objects.get().received_on is None


def test_r3_r5_a_line_cancelled_on_its_way_is_recorded_returned_and_its_refund_falls_due(commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    with commit():
        deliver_line = order.lines.get()
        from orders.services import order_despatch, order_lines_allocate

        order_lines_allocate(order_id=order.pk, actor=STAFF)
        order_despatch(order_id=order.pk, line_ids=[deliver_line.pk], carrier="RM", tracking_number="X", actor=STAFF)
    cancellation = _cancel(order, [deliver_line], dt.date.today())  # in transit: may cancel, must come back
    assert cancellation.refund_due_from is None
    with commit():
        _return(cancellation, dt.date.today())  # refused at the door, back with us
    cancellation.refresh_from_db()
    assert cancellation.refund_due_from == dt.date.today()
    assert cancellation.legal_deadline == dt.date.today() + dt.timedelta(days=14)
    assert cancellation.refund.amount_pence == 2500 + 395


def test_r4_a_percentage_discount_over_lines_of_different_prices_refunds_to_the_penny(commit, customer, coin, medal):
    # 15% off £25 + 3 x £40 = £145: £21.75 spread by allocate_pence as 375p and 1800p.
    order = paid_order(commit, customer, (coin, 1), (medal, 3), discount_pence=2175)
    coin_line, medal_line = order.lines.order_by("pk")
    assert (coin_line.discount_pence, medal_line.discount_pence) == (375, 1800)
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    first = _cancel(order, [coin_line], dt.date(2026, 11, 3))
    assert (first.goods_pence, first.discount_pence, first.delivery_pence, first.refund_pence) == (2500, 375, 0, 2125)
    second = _cancel(order, [medal_line], dt.date(2026, 11, 4))
    # The last live line takes the standard delivery back with it.
    assert (second.goods_pence, second.discount_pence, second.delivery_pence) == (12000, 1800, 395)
    assert second.refund_pence == 10595
    assert first.refund_pence + second.refund_pence == 14500 - 2175 + 395


def test_r4_premium_delivery_refunds_only_the_standard_charge(commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1), delivery=PREMIUM)
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    cancellation = _cancel(order, order.lines.all(), dt.date(2026, 11, 3))
    assert order.delivery_pence == 995 and order.delivery_supplement_pence == 600
    assert (cancellation.delivery_pence, cancellation.refund_pence) == (395, 2895)


def test_r3_postage_is_still_refused_when_the_customer_pays_it(cancelled):
    with pytest.raises(RuleViolation) as refused:
        _return(cancelled, dt.date(2026, 11, 9), condition="as_sent", return_postage_pence=320)
    assert refused.value.rule == errors.RETURN_POSTAGE_NOT_OURS
    cancelled.refresh_from_db()
    assert (cancelled.return_postage_pence, cancelled.refund_pence, cancelled.goods_return.received_on) == (
        0,
        5395,
        None,
    )
    assert not Refund.objects.exists()


def test_r5_deadlines_count_from_the_return_and_from_notice_and_return(cancelled, commit):
    with commit():
        _return(cancelled, dt.date(2026, 11, 9))
    cancelled.refresh_from_db()
    assert cancelled.legal_deadline == dt.date(2026, 11, 23)  # 14 days from getting the goods back
    assert cancelled.terms_deadline == dt.date(2026, 12, 9)  # 30 days from the later of notice and return


def test_r5_refund_not_due_before_the_goods_are_back(cancelled):
    with pytest.raises(RuleViolation) as refused:
        cancellation_refund_grant(cancellation_id=cancelled.pk, actor=STAFF)
    assert refused.value.rule == errors.REFUND_NOT_DUE
    assert not Refund.objects.exists()


def test_r5_daily_task_flags_refunds_due_soon_and_overdue_once_and_tells_finance(cancelled, commit):
    with commit():
        _return(cancelled, dt.date(2026, 11, 9))
    with time_machine.travel(_at(dt.date(2026, 11, 19)), tick=False):
        assert refund_deadlines_flag(actor=STAFF) == []  # 23 Nov is 4 days off
    with time_machine.travel(_at(dt.date(2026, 11, 20)), tick=False):
        assert refund_deadlines_flag(actor=STAFF) == [cancelled.pk]
        assert refund_deadlines_flag(actor=STAFF) == []  # safe to run twice
    with time_machine.travel(_at(dt.date(2026, 11, 24)), tick=False):
        assert refund_deadlines_flag(actor=STAFF) == [cancelled.pk]
    cancelled.refresh_from_db()
    assert cancelled.flag == Cancellation.Flag.OVERDUE
    kinds = list(Message.objects.filter(kind="refund_deadline").values_list("recipient", flat=True))
    assert kinds == ["finance@mint.example", "finance@mint.example"]


def test_r5_a_paid_refund_leaves_the_queue(cancelled, commit):
    from cancellations.selectors import refund_queue

    with commit():
        _return(cancelled, dt.date(2026, 11, 9))
    cancelled.refresh_from_db()
    assert list(refund_queue()) == [cancelled]
    refund_payout_mark_paid(refund_id=cancelled.refund_id, bank_reference="BACS-1", actor=STAFF)
    assert list(refund_queue()) == []


def test_m8_the_same_cancellation_refunded_twice_refunds_once(cancelled, commit):
    with commit():
        _return(cancelled, dt.date(2026, 11, 9), condition="sub_standard", return_postage_pence=320)
    cancellation_refund_grant(cancellation_id=cancelled.pk, actor=STAFF)
    # As if linking had been lost after payments granted both.
    Cancellation.objects.filter(pk=cancelled.pk).update(refund=None, reimbursement=None)
    cancellation_refund_grant(cancellation_id=cancelled.pk, actor=STAFF)
    assert sorted(Refund.objects.values_list("purpose", "amount_pence")) == [("refund", 5395), ("reimbursement", 320)]
    cancelled.refresh_from_db()
    assert cancelled.refund_id and cancelled.reimbursement_id
