import datetime as dt

import pytest
import time_machine

from cancellations import errors
from cancellations.models import Cancellation, GoodsReturn
from cancellations.services import cancellation_request
from catalogue.models import Product
from mint_shop.actors import Actor, Channel
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders.models import Order, OrderLine
from orders.services import order_part_despatch_request
from payments.models import Refund
from payments.selectors import order_money
from payments.services.receipts import bank_receipt_record
from tests.cancellations.factories import PREMIUM, WAREHOUSE, deliver, paid_order
from tests.factories import CustomerFactory, ProductFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db

LONDON_NOON = dt.time(12, 0)


def _at(day: dt.date, time=LONDON_NOON):
    from mint_shop.clock import LONDON

    return dt.datetime.combine(day, time, tzinfo=LONDON)


def _cancel(order, lines, *, on: dt.date, **kwargs):
    with time_machine.travel(_at(on), tick=False):
        return cancellation_request(
            order_id=order.pk,
            line_ids=[line.pk for line in lines],
            customer=kwargs.pop("customer", order.customer),
            actor=Actor.customer(order.customer.user),
            **kwargs,
        )


def _told_of_delay(order) -> dt.date:
    """The daily O6 task runs on the day the order's promise is missed; returns that day."""
    from orders.tasks import orders_notify_delays

    late_on = order.promised_by + dt.timedelta(days=1)
    with time_machine.travel(_at(late_on), tick=False):
        assert orders_notify_delays.delay().get() == 1
    return late_on


@pytest.fixture
def delivered(commit, customer, coin):
    """One coin, paid by transfer, delivered at noon on 2 November 2026."""
    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    return order


def test_r1_cancel_on_the_14th_day_after_delivery_is_allowed(delivered):
    outcome = _cancel(delivered, delivered.lines.all(), on=dt.date(2026, 11, 16))
    cancellation = outcome.cancellation
    assert cancellation.right == Cancellation.Right.COOLING_OFF
    assert cancellation.lines.get().to_come_back
    assert GoodsReturn.objects.get(cancellation=cancellation).received_on is None
    assert cancellation.refund_due_from is None  # R3: owed once the coin is back


def test_r1_cancel_on_the_15th_day_after_delivery_is_refused_and_nothing_changes(delivered):
    with pytest.raises(RuleViolation) as refused:
        _cancel(delivered, delivered.lines.all(), on=dt.date(2026, 11, 17))
    assert refused.value.rule == errors.COOLING_OFF_EXPIRED
    assert "16 November 2026" in refused.value.detail
    assert not Cancellation.objects.exists()


@pytest.mark.parametrize(
    ("delivered_at", "last_ok", "first_refused"),
    [
        # 23:30 on the day the clocks go back (BST ends): still 25 October in London.
        (dt.datetime(2026, 10, 25, 23, 30), dt.date(2026, 11, 8), dt.date(2026, 11, 9)),
        # 23:30 on the day the clocks go forward (BST starts): 22:30 UTC, still 29 March in London.
        (dt.datetime(2026, 3, 29, 23, 30), dt.date(2026, 4, 12), dt.date(2026, 4, 13)),
    ],
)
def test_r1_delivery_at_2330_on_a_clock_change_day_counts_london_dates(
    commit, customer, coin, delivered_at, last_ok, first_refused
):
    from mint_shop.clock import LONDON

    order = paid_order(commit, customer, (coin, 1))
    deliver(commit, order, delivered_at=delivered_at.replace(tzinfo=LONDON))
    with pytest.raises(RuleViolation) as refused:
        _cancel(order, order.lines.all(), on=first_refused)
    assert refused.value.rule == errors.COOLING_OFF_EXPIRED
    assert _cancel(order, order.lines.all(), on=last_ok).cancellation is not None


def test_r1_a_line_already_cancelled_is_refused(delivered):
    _cancel(delivered, delivered.lines.all(), on=dt.date(2026, 11, 3))
    with pytest.raises(RuleViolation) as refused:
        _cancel(delivered, delivered.lines.all(), on=dt.date(2026, 11, 4))
    assert refused.value.rule == errors.LINE_ALREADY_CANCELLED
    assert Cancellation.objects.count() == 1


def test_r1_another_customers_order_is_not_found_and_nothing_changes(delivered):
    other = CustomerFactory()
    with pytest.raises(RuleViolation) as refused:
        _cancel(delivered, delivered.lines.all(), on=dt.date(2026, 11, 3), customer=other)
    assert refused.value.rule == errors.ORDER_UNKNOWN
    assert refused.value.rule.status == 404
    assert not Cancellation.objects.exists()


def test_r1_a_partly_despatched_order_cancels_the_delivered_line_and_withdraws_the_other(commit, customer, coin, medal):
    order = paid_order(commit, customer, (coin, 1), (medal, 1), paid=False)
    coin_line, medal_line = order.lines.order_by("pk")
    deliver(commit, order, [coin_line], delivered_at=_at(dt.date(2026, 11, 2)))
    stock_before = Product.objects.get(pk=medal.pk).stock

    outcome = _cancel(order, [coin_line, medal_line], on=dt.date(2026, 11, 5))

    # The medal was never paid nor sent: no contract, so it is simply withdrawn (O3) and its stock returns.
    assert outcome.withdrawn_line_ids == [medal_line.pk]
    medal_line.refresh_from_db()
    assert medal_line.withdrawn_because == OrderLine.WithdrawnBecause.CANCELLED
    assert Product.objects.get(pk=medal.pk).stock == stock_before + 1
    # The coin went by despatch (a contract, O3) and must come back; nothing was paid, so nothing is refunded.
    cancellation = outcome.cancellation
    assert [line.order_line_id for line in cancellation.lines.all()] == [coin_line.pk]
    assert (cancellation.goods_pence, cancellation.delivery_pence, cancellation.not_paid_pence) == (2500, 395, 2895)
    assert cancellation.refund_pence == 0


def test_r1_a_paid_line_not_yet_sent_leaves_the_order_and_its_stock_returns(commit, customer, coin, medal):
    order = paid_order(commit, customer, (coin, 1), (medal, 2))
    coin_line, medal_line = order.lines.order_by("pk")
    stock_before = Product.objects.get(pk=medal.pk).stock
    with commit():
        outcome = _cancel(order, [medal_line], on=dt.date.today())
    medal_line.refresh_from_db()
    assert medal_line.withdrawn_because == OrderLine.WithdrawnBecause.CONTRACT_CANCELLED
    assert Product.objects.get(pk=medal.pk).stock == stock_before + 2
    cancellation = Cancellation.objects.get(pk=outcome.cancellation.pk)
    # Nothing to send back: the refund is owed now and paid through payments (a payout to the transfer's payer).
    assert cancellation.refund.amount_pence == 8000
    assert cancellation.refund.request_id == f"cancellation-{cancellation.pk}"
    assert cancellation.delivery_pence == 0  # the coin is still to come, so delivery stays


def test_r2_staff_record_a_letter_with_its_postmark_and_the_date_it_arrived(delivered, django_user_model):
    staff = django_user_model.objects.create_user(username="cs", is_staff=True)
    with time_machine.travel(_at(dt.date(2026, 11, 20)), tick=False):
        outcome = cancellation_request(
            order_id=delivered.pk,
            line_ids=[delivered.lines.get().pk],
            notice_channel=Channel.POST,
            notice_sent_on=dt.date(2026, 11, 14),
            notice_received_on=dt.date(2026, 11, 16),  # keyed four days later
            actor=Actor.staff(staff, channel=Channel.POST),
        )
    assert outcome.cancellation.notice_channel == Channel.POST
    assert outcome.cancellation.notice_sent_on == dt.date(2026, 11, 14)
    assert outcome.cancellation.notice_received_on == dt.date(2026, 11, 16)
    assert outcome.cancellation.notice_deemed_on == dt.date(2026, 11, 17)  # N3: posted + 3 days
    assert outcome.cancellation.recorded_by.startswith("staff:cs")


def test_r2_a_notice_dated_in_the_future_is_refused(delivered):
    with pytest.raises(RuleViolation) as refused:
        _cancel(
            delivered,
            delivered.lines.all(),
            on=dt.date(2026, 11, 3),
            notice_channel=Channel.EMAIL,
            notice_sent_at=_at(dt.date(2026, 11, 3)),
            notice_received_on=dt.date(2026, 11, 4),
        )
    assert refused.value.rule == errors.NOTICE_DATE_INVALID
    assert not Cancellation.objects.exists()


def test_r2_the_customer_is_told_the_refund_breakdown(delivered):
    _cancel(delivered, delivered.lines.all(), on=dt.date(2026, 11, 3))
    message = Message.objects.get(kind="cancellation_received")
    assert "goods £25.00" in message.body and "delivery £3.95" in message.body and "refund £28.95" in message.body


@pytest.mark.parametrize("flag", ["personalisable", "bullion_priced"])
def test_r6_engraved_and_bullion_lines_are_refused_when_a_fault_is_only_reported(commit, customer, flag):
    from cancellations.services import fault_claim_open

    product = ProductFactory(stock=5, price_pence=9000, **{flag: True})
    order = paid_order(commit, customer, (product, 1, "A.L. 1815") if flag == "personalisable" else (product, 1))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    with time_machine.travel(_at(dt.date(2026, 11, 3)), tick=False):
        fault_claim_open(order_line_id=order.lines.get().pk, description="Scratched", actor=Actor.system())
    with pytest.raises(RuleViolation) as refused:
        _cancel(order, order.lines.all(), on=dt.date(2026, 11, 3))
    assert refused.value.rule == errors.NOT_CANCELLABLE
    assert not Cancellation.objects.exists()


def test_p6_a_hygiene_sealed_line_may_be_cancelled_until_its_seal_comes_back_broken(commit, customer):
    product = ProductFactory(stock=5, price_pence=9000, hygiene_sealed=True)
    order = paid_order(commit, customer, (product, 1))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    assert _cancel(order, order.lines.all(), on=dt.date(2026, 11, 3)).cancellation is not None


def test_r8_after_a_missed_promise_late_lines_cancel_with_all_delivery_refunded(commit, customer):
    personalised = ProductFactory(stock=5, price_pence=9000, personalisable=True)
    order = paid_order(commit, customer, (personalised, 1, "A.L."), delivery=PREMIUM)
    late_on = _told_of_delay(order)
    with commit():
        outcome = _cancel(order, order.lines.all(), on=late_on)
    cancellation = Cancellation.objects.get(pk=outcome.cancellation.pk)
    assert cancellation.right == Cancellation.Right.DELAY
    assert cancellation.delivery_pence == 995  # premium included: the delay is ours
    assert cancellation.refund_pence == 9995
    assert cancellation.refund.amount_pence == 9995
    assert Order.objects.get(pk=order.pk).status == Order.Status.CANCELLED


def test_r8_a_delay_refund_includes_the_part_despatch_charge_paid(commit, customer, coin, medal):
    with commit():
        order = place_order(customer, (coin, 1), (medal, 1))
        order_part_despatch_request(order_id=order.pk, actor=Actor.customer(customer.user))
    with commit():
        bank_receipt_record(reference=f"MINT-{order.pk}", method="bank_transfer", received_on=dt.date.today(),
                            amount_pence=order_money(order_id=order.pk)["outstanding_pence"], actor=WAREHOUSE)
    late_on = _told_of_delay(order)
    order.refresh_from_db()
    assert order.part_despatch_charge_pence == 395
    with commit():
        outcome = _cancel(order, order.lines.all(), on=late_on)
    cancellation = Cancellation.objects.get(pk=outcome.cancellation.pk)
    assert cancellation.delivery_pence == 395 + 395  # the first parcel and the second one asked for
    assert cancellation.refund_pence == 2500 + 4000 + 790
    assert order_money(order_id=order.pk)["refundable_pence"] == 0


def test_r8_without_a_delay_notice_an_engraved_line_still_waiting_is_refused(commit, customer):
    personalised = ProductFactory(stock=5, price_pence=9000, personalisable=True)
    order = paid_order(commit, customer, (personalised, 1, "A.L."))
    with pytest.raises(RuleViolation) as refused:
        _cancel(order, order.lines.all(), on=dt.date.today())
    assert refused.value.rule == errors.NOT_CANCELLABLE
    assert not Refund.objects.exists()
