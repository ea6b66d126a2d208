import datetime as dt

import pytest
import time_machine

from cancellations import errors
from cancellations.models import Cancellation, FaultClaim
from cancellations.services import fault_claim_decide, fault_claim_open
from mint_shop.actors import Actor
from mint_shop.clock import LONDON
from mint_shop.errors import RuleViolation
from notifications.models import Message
from tests.cancellations.factories import deliver, paid_order
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
STAFF = Actor.system()


def _at(day: dt.date):
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


@pytest.fixture
def personalised_order(commit, customer):
    product = ProductFactory(stock=5, price_pence=9000, personalisable=True)
    order = paid_order(commit, customer, (product, 1, "A.L."))
    deliver(commit, order, delivered_at=_at(dt.date(2026, 11, 2)))
    return order


def _claim(order, on, remedy_wanted="refund"):
    with time_machine.travel(_at(on), tick=False):
        return fault_claim_open(
            order_line_id=order.lines.get().pk,
            description="Scratched face",
            customer=order.customer,
            actor=STAFF,
            remedy_wanted=remedy_wanted,
        )


@pytest.mark.parametrize(("on", "within"), [(dt.date(2026, 12, 2), True), (dt.date(2026, 12, 3), False)])
def test_r7_a_claim_within_30_days_of_delivery_has_the_short_term_right_to_reject(personalised_order, on, within):
    assert _claim(personalised_order, on).within_short_term_right is within


def test_r7_not_faulty_is_written_to_the_customer_and_nothing_is_refunded(personalised_order):
    claim = _claim(personalised_order, dt.date(2026, 11, 5))
    fault_claim_decide(claim_id=claim.pk, faulty=False, findings="Marks are the proof finish", actor=STAFF)
    claim.refresh_from_db()
    assert claim.outcome == FaultClaim.Outcome.NOT_FAULTY
    message = Message.objects.get(kind="fault_claim_outcome")
    assert "not faulty" in message.body and message.customer == personalised_order.customer
    assert not Cancellation.objects.exists()


def test_r7_faulty_personalised_coin_is_refunded_in_full_within_14_days_of_agreeing(personalised_order, commit):
    claim = _claim(personalised_order, dt.date(2026, 11, 5))
    with time_machine.travel(_at(dt.date(2026, 11, 10)), tick=False), commit():
        fault_claim_decide(claim_id=claim.pk, faulty=True, remedy="refund", findings="Die flaw", actor=STAFF)
    cancellation = Cancellation.objects.get()
    assert cancellation.right == Cancellation.Right.FAULTY
    assert (cancellation.goods_pence, cancellation.delivery_pence, cancellation.refund_pence) == (9000, 395, 9395)
    assert cancellation.legal_deadline == dt.date(2026, 11, 24)
    assert cancellation.refund.amount_pence == 9395
    assert "found it faulty" in Message.objects.get(kind="fault_claim_outcome").body


def test_r7_faulty_with_a_replacement_the_customer_asked_for_is_recorded_and_told(personalised_order):
    claim = _claim(personalised_order, dt.date(2026, 11, 5), remedy_wanted="replacement")
    fault_claim_decide(claim_id=claim.pk, faulty=True, remedy="replacement", findings="Die flaw", actor=STAFF)
    assert FaultClaim.objects.get().remedy == FaultClaim.Remedy.REPLACEMENT
    assert "replacement" in Message.objects.get(kind="fault_claim_outcome").body
    assert not Cancellation.objects.exists()


def test_r7_a_claim_is_decided_once(personalised_order):
    claim = _claim(personalised_order, dt.date(2026, 11, 5))
    fault_claim_decide(claim_id=claim.pk, faulty=False, findings="Fine", actor=STAFF)
    with pytest.raises(RuleViolation) as refused:
        fault_claim_decide(claim_id=claim.pk, faulty=True, remedy="refund", findings="Fine", actor=STAFF)
    assert refused.value.rule == errors.FAULT_CLAIM_DECIDED
    assert not Cancellation.objects.exists()


def test_r7_a_claim_on_goods_not_delivered_is_refused(commit, customer, coin):
    order = paid_order(commit, customer, (coin, 1))
    with pytest.raises(RuleViolation) as refused:
        fault_claim_open(order_line_id=order.lines.get().pk, description="x", customer=customer, actor=STAFF)
    assert refused.value.rule == errors.FAULT_LINE_NOT_DELIVERED
    assert not FaultClaim.objects.exists()
