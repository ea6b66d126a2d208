"""O7 part despatch, O8 despatch, O9 delivery, O11 non-receipt, O12 sent in error."""

import datetime as dt

import pytest
import time_machine

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders import errors, hooks
from orders.models import Order, SentInError
from orders.services import (
    order_despatch,
    order_lines_accept_by_payment,
    order_lines_allocate,
    order_part_despatch_request,
    shipment_record_delivery,
    shipment_record_sent_in_error,
    shipment_report_non_receipt,
)
from tests.factories import ProductFactory, UserFactory
from tests.orders.factories import place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse():
    return Actor.staff(UserFactory(username="warehouse", is_staff=True))


def _ready(customer, warehouse, *items):
    order = place_order(customer, *items)
    order_lines_allocate(order_id=order.pk, actor=warehouse)
    return order


def _despatch(order, warehouse, lines=None, **kwargs):
    line_ids = [line.pk for line in (lines or order.lines.all())]
    return order_despatch(
        order_id=order.pk, line_ids=line_ids, carrier="Royal Mail", tracking_number="RM123GB", actor=warehouse, **kwargs
    )


def test_o8_despatch_makes_a_shipment_and_sends_the_confirmation_with_invoice_to_the_address(
    customer, product, warehouse, hook_calls
):
    order = _ready(customer, warehouse, (product, 2))
    shipment = _despatch(order, warehouse)

    line = order.lines.get()
    assert (line.shipment, shipment.carrier, shipment.tracking_number) == (shipment, "Royal Mail", "RM123GB")
    confirmation = Message.objects.get(kind="despatch_confirmation")
    assert confirmation.channel == Message.Channel.LETTER and "1 Mint Street" in confirmation.recipient
    assert "Invoice" in confirmation.body and "£50.00" in confirmation.body
    events = [event for event, _ in hook_calls]
    assert events.index(hooks.LINES_DESPATCH_CHECK) < events.index(hooks.LINES_DESPATCHED)
    despatched = next(kwargs for event, kwargs in hook_calls if event == hooks.LINES_DESPATCHED)
    assert despatched["shipment"] == shipment and [x.pk for x in despatched["lines"]] == [line.pk]


def test_o8_a_paid_order_gets_no_invoice_and_goes_to_the_email_the_customer_gave(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    Order.objects.filter(pk=order.pk).update(confirmation_email="ada@elsewhere.example")
    order_lines_accept_by_payment(
        order_id=order.pk, line_ids=[order.lines.get().pk], accepted_at=dt.datetime.now(dt.UTC),
        funds_cleared=True, actor=Actor.system()
    )
    _despatch(order, warehouse)
    confirmation = Message.objects.get(kind="despatch_confirmation")
    assert confirmation.recipient == "ada@elsewhere.example"
    assert "Invoice" not in confirmation.body


def test_o8_unallocated_lines_cannot_go(customer, product, warehouse):
    order = place_order(customer, (product, 1))
    with pytest.raises(RuleViolation) as caught:
        _despatch(order, warehouse)
    assert caught.value.rule == errors.NOT_ALLOCATED


def test_o8_a_line_cannot_be_despatched_twice(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1), (ProductFactory(), 1))
    order_part_despatch_request(order_id=order.pk, actor=Actor.customer(customer.user))
    first = order.lines.first()
    _despatch(order, warehouse, lines=[first])
    with pytest.raises(RuleViolation) as caught:
        _despatch(order, warehouse, lines=[first])
    assert caught.value.rule == errors.ALREADY_DESPATCHED


def test_o8_a_handler_refusing_the_despatch_check_rolls_the_despatch_back(customer, product, warehouse, hook_calls):
    order = _ready(customer, warehouse, (product, 1))

    def refuse(**kwargs):
        raise RuleViolation(errors.NOT_ALLOCATED, "held after a declined charge")

    hooks.register(hooks.LINES_DESPATCH_CHECK, refuse)
    with pytest.raises(RuleViolation):
        _despatch(order, warehouse)
    assert not order.shipments.exists()
    assert order.lines.get().accepted_at is None


def test_o7_part_despatch_is_refused_unless_the_customer_asked(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1), (ProductFactory(), 1))
    with pytest.raises(RuleViolation) as caught:
        _despatch(order, warehouse, lines=[order.lines.first()])
    assert caught.value.rule == errors.PART_DESPATCH_NOT_REQUESTED


def test_o7_part_despatch_on_request_adds_the_extra_delivery_charge(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1), (ProductFactory(), 1))
    order = order_part_despatch_request(order_id=order.pk, actor=Actor.customer(customer.user))
    assert order.part_despatch_requested_at is not None
    assert order.part_despatch_charge_pence == order.delivery_pence == 395
    shipment = _despatch(order, warehouse, lines=[order.lines.first()])
    assert list(shipment.lines.all()) == [order.lines.first()]


def test_o7_part_despatch_needs_more_than_one_product(customer, product):
    order = place_order(customer, (product, 3))
    with pytest.raises(RuleViolation) as caught:
        order_part_despatch_request(order_id=order.pk, actor=Actor.customer(customer.user))
    assert caught.value.rule == errors.PART_DESPATCH_NOT_POSSIBLE


def test_o9_signed_for_delivery_passes_risk_and_completes_the_order(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    shipment = _despatch(order, warehouse)
    shipment = shipment_record_delivery(shipment_id=shipment.pk, evidence="signature", reference="A. Lovelace",
                                        actor=warehouse)
    order.refresh_from_db()
    assert shipment.delivered_at is not None and shipment.delivery_evidence == "signature"
    assert order.status == Order.Status.COMPLETED


@pytest.mark.parametrize("evidence, reference", [("gps", ""), ("hearsay", "neighbour said so")])
def test_o9_delivery_without_signature_gps_or_photo_evidence_is_refused(customer, product, warehouse, evidence,
                                                                        reference):
    order = _ready(customer, warehouse, (product, 1))
    shipment = _despatch(order, warehouse)
    with pytest.raises(RuleViolation) as caught:
        shipment_record_delivery(shipment_id=shipment.pk, evidence=evidence, reference=reference, actor=warehouse)
    assert caught.value.rule == errors.DELIVERY_EVIDENCE_MISSING
    shipment.refresh_from_db()
    assert shipment.delivered_at is None


def test_o9_courier_photo_evidence_counts_as_delivery(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    shipment = _despatch(order, warehouse)
    shipment = shipment_record_delivery(shipment_id=shipment.pk, evidence="photo", reference="photo-8812.jpg",
                                        actor=warehouse)
    assert shipment.delivered_at is not None


def test_o11_a_report_within_30_days_of_the_later_date_is_on_time_and_after_is_late(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)):
        shipment = _despatch(order, warehouse, advised_delivery_date=dt.date(2026, 11, 25))
    # Debited later than the advised date: the 30 days run from the debit (5 December).
    order_lines_accept_by_payment(
        order_id=order.pk,
        line_ids=[order.lines.get().pk],
        accepted_at=dt.datetime(2026, 12, 5, 10, tzinfo=dt.UTC),
        funds_cleared=True, actor=Actor.system(),
    )
    reporter = Actor.customer(customer.user)
    with time_machine.travel(dt.datetime(2027, 1, 4, 12, tzinfo=dt.UTC)):
        on_time = shipment_report_non_receipt(shipment_id=shipment.pk, details="Nothing came", actor=reporter)
    with time_machine.travel(dt.datetime(2027, 1, 5, 12, tzinfo=dt.UTC)):
        late = shipment_report_non_receipt(shipment_id=shipment.pk, details="Still nothing", actor=reporter)
    assert on_time.report_by == dt.date(2027, 1, 4)
    assert (on_time.late, late.late) == (False, True)


def test_o12_items_sent_in_error_stay_ours_and_a_return_is_requested_at_our_cost(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    shipment = _despatch(order, warehouse)
    record = shipment_record_sent_in_error(
        shipment_id=shipment.pk, description="a second gold sovereign", remedy=SentInError.Remedy.REIMBURSE_RETURN,
        return_cost_pence=850, actor=warehouse,
    )
    message = Message.objects.get(kind="sent_in_error")
    assert record.return_cost_pence == 850
    assert "remain ours" in message.body and "£8.50" in message.body


def test_o12_a_collection_needs_its_date(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    shipment = _despatch(order, warehouse)
    with pytest.raises(RuleViolation) as caught:
        shipment_record_sent_in_error(
            shipment_id=shipment.pk, description="wrong box", remedy=SentInError.Remedy.COLLECTION, actor=warehouse
        )
    assert caught.value.rule == errors.SENT_IN_ERROR_REMEDY
    assert not SentInError.objects.exists()


def test_o9_a_delivery_recorded_as_made_before_its_despatch_is_refused(customer, product, warehouse):
    order = _ready(customer, warehouse, (product, 1))
    shipment = _despatch(order, warehouse)
    with pytest.raises(RuleViolation) as caught:
        shipment_record_delivery(shipment_id=shipment.pk, evidence="signature", reference="A. Lovelace",
                                 actor=warehouse, delivered_at=shipment.despatched_at - dt.timedelta(seconds=1))
    assert caught.value.rule == errors.DELIVERED_BEFORE_DESPATCH
    shipment.refresh_from_db()
    assert shipment.delivered_at is None
