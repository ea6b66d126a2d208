"""Card payments through the real stripe SDK against localstripe (M2, M3, M4)."""

import datetime as dt

import pytest
import time_machine
from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from notifications.models import Message
from orders import hooks
from payments import errors, gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, OrderPayment
from payments.selectors import order_money, order_payments_held
from payments.services import card as card_service
from payments.services.release import preauthorisation_release_stale
from tests.payments.conftest import DECLINED_ON_CHARGE, NEEDS_AUTHENTICATION, accepted_by_payment
from tests.payments.factories import order_with_lines

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _kinds(order):
    return [(entry.kind, entry.amount_pence) for entry in LedgerEntry.objects.filter(order=order).order_by("pk")]


def _authorisation(order) -> Authorisation:
    return Authorisation.objects.get(order_payment__order=order)


def test_m2_card_order_is_authorised_in_full_and_the_card_saved(card, place):
    order = place(order_with_lines(2500, 1000), stripe_payment_method_id=card())

    authorisation = _authorisation(order)
    assert authorisation.status == Authorisation.Status.AUTHORISED
    assert authorisation.amount_pence == 4000
    intent = gateway.payment_intent_retrieve(authorisation.payment_intent_id)
    assert (intent.status, intent.amount, intent.capture_method) == ("requires_capture", 4000, "manual")
    saved = gateway.stripe_client().v1.payment_methods.retrieve(order.payment.stripe_payment_method_id)
    assert saved.customer == order.customer.stripe_account.stripe_customer_id
    # localstripe gives no capture_before: we assume Stripe's shortest online hold, and say so.
    assert authorisation.capture_before_assumed
    assert authorisation.capture_before - authorisation.authorised_at < dt.timedelta(days=7, minutes=1)
    assert _kinds(order) == [("authorisation", 4000)]


def test_m2_card_numbers_are_refused_and_nothing_is_written(db):
    order = order_with_lines(2500)
    with pytest.raises(RuleViolation) as refused:
        hooks.notify(hooks.ORDER_PLACED, order=order, payment={"method": "card", "number": "4242424242424242"})
    assert refused.value.rule == errors.CARD_DETAILS_REFUSED
    assert not OrderPayment.objects.exists()


def test_m2_a_declined_card_at_placing_holds_the_order_and_tells_the_customer(card, place):
    order = place(order_with_lines(2500), stripe_payment_method_id=card("4000000000009995"))

    assert _authorisation(order).status == Authorisation.Status.FAILED
    assert list(order_payments_held()) == [order.payment]
    assert Message.objects.filter(customer=order.customer, kind="payment_failed").exists()
    assert _kinds(order) == []


def _refused_despatch(order, lines):
    with pytest.raises(RuleViolation) as refused:
        hooks.notify(hooks.LINES_DESPATCH_CHECK, order=order, lines=lines)
    return refused.value.rule


def test_m4_despatch_captures_only_the_despatched_lines_then_charges_the_saved_card(
    card, place, despatch, charge
):
    order = place(order_with_lines(2500, 1000), stripe_payment_method_id=card())
    first, second = order.lines.order_by("pk")

    despatch(order, [first])

    authorisation = _authorisation(order)
    assert (authorisation.status, authorisation.captured_pence) == (Authorisation.Status.CAPTURED, 3000)
    taken = gateway.payment_intent_retrieve(authorisation.payment_intent_id).to_dict()["charges"]["data"][0]
    assert taken["amount"] - taken["amount_refunded"] == 3000  # the line and delivery; the rest released
    assert accepted_by_payment(order) == [first.pk]

    # The rest of the hold went with its one capture: the second line leaves once charged.
    assert _refused_despatch(order, [second]) == errors.CHARGE_BEFORE_DESPATCH
    charge(order, [second])
    despatch(order, [second])

    assert _kinds(order) == [("authorisation", 4000), ("capture", 3000), ("release", 1000), ("charge", 1000)]
    assert accepted_by_payment(order) == [first.pk, second.pk]
    money = order_money(order_id=order.pk)
    assert (money["taken_pence"], money["outstanding_pence"], money["held_pence"]) == (4000, 0, 0)


def test_m4_two_despatches_before_stripe_answers_capture_once_then_charge(card, place, commit, charge, despatch):
    order = place(order_with_lines(2500, 1000), stripe_payment_method_id=card())
    first, second = order.lines.order_by("pk")
    with commit():
        hooks.notify(hooks.LINES_DESPATCHED, order=order, lines=[first], shipment=None)
        # The capture is under way, so the hold cannot pay for the second line: it waits for a charge.
        assert _refused_despatch(order, [second]) == errors.CHARGE_BEFORE_DESPATCH
        hooks.notify(hooks.LINES_DESPATCHED, order=order, lines=[second], shipment=None)
    assert _kinds(order) == [("authorisation", 4000), ("capture", 3000), ("release", 1000)]
    charge(order, [second])
    despatch(order, [second])
    assert _kinds(order) == [("authorisation", 4000), ("capture", 3000), ("release", 1000), ("charge", 1000)]


def test_m4_a_second_despatch_notice_takes_nothing_more(card, place, despatch):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    line = order.lines.get()
    despatch(order, [line])
    despatch(order, [line])
    assert _kinds(order) == [("authorisation", 3000), ("capture", 3000)]


def test_m4_phone_orders_are_captured_when_stock_is_allocated(card, place, commit, despatch):
    order = place(order_with_lines(2500, channel="phone"), stripe_payment_method_id=card())
    line = order.lines.get()
    with commit():
        hooks.notify(hooks.LINES_ALLOCATED, order=order, lines=[line])
    assert _kinds(order) == [("authorisation", 3000), ("capture", 3000)]
    despatch(order, [line])
    assert _kinds(order) == [("authorisation", 3000), ("capture", 3000)]


def test_m4_web_orders_are_not_captured_on_allocation(card, place, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with commit():
        hooks.notify(hooks.LINES_ALLOCATED, order=order, lines=list(order.lines.all()))
    assert _kinds(order) == [("authorisation", 3000)]


def test_m4_capturing_a_released_authorisation_is_refused_naming_the_rule(card, place, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with commit():
        hooks.notify(hooks.LINES_WITHDRAWN, order=order, lines=list(order.lines.all()))
    with pytest.raises(RuleViolation) as refused:
        card_service.authorisation_capture(order_id=order.pk, line_ids=[order.lines.get().pk], actor=Actor.system())
    assert refused.value.rule == errors.AUTHORISATION_NOT_CAPTURABLE
    assert refused.value.rule.rule == "M4"


def test_m4_withdrawing_every_line_releases_the_hold_at_stripe(card, place, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with commit():
        hooks.notify(hooks.LINES_WITHDRAWN, order=order, lines=list(order.lines.all()))
    authorisation = _authorisation(order)
    assert authorisation.status == Authorisation.Status.RELEASED
    assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
    assert _kinds(order) == [("authorisation", 3000), ("release", 3000)]


def _extended(order):
    """An extended authorisation, so only our own 10-day rule ends it."""
    authorisation = _authorisation(order)
    authorisation.capture_before = authorisation.authorised_at + dt.timedelta(days=30)
    authorisation.save(update_fields=["capture_before"])
    return authorisation


def test_m3_on_day_9_the_hold_is_kept(card, place, commit):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    authorisation = _extended(order)
    with time_machine.travel(authorisation.authorised_at + dt.timedelta(days=9), tick=False), commit():
        assert preauthorisation_release_stale(actor=Actor.system()) == 0
    assert _authorisation(order).status == Authorisation.Status.AUTHORISED


def test_m3_on_day_10_the_hold_is_released_and_the_order_charged_on_despatch(card, place, commit, despatch, charge):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    authorisation = _extended(order)
    with time_machine.travel(authorisation.authorised_at + dt.timedelta(days=10), tick=False):
        with commit():
            assert preauthorisation_release_stale(actor=Actor.system()) == 1
        authorisation.refresh_from_db()
        assert authorisation.status == Authorisation.Status.RELEASED
        assert gateway.payment_intent_retrieve(authorisation.payment_intent_id).status == "canceled"
        assert OrderPayment.objects.get(order=order).charge_on_despatch_since is not None

        assert _refused_despatch(order, list(order.lines.all())) == errors.CHARGE_BEFORE_DESPATCH
        charge(order, list(order.lines.all()))
        despatch(order, list(order.lines.all()))

    assert _kinds(order) == [("authorisation", 3000), ("release", 3000), ("charge", 3000)]
    operation = CardOperation.objects.get(order_payment__order=order, kind=CardOperation.Kind.CHARGE)
    assert gateway.payment_intent_retrieve(operation.payment_intent_id).status == "succeeded"


def test_m3_a_hold_lapses_at_day_7_and_is_never_captured_after(card, place, commit, despatch, charge):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    authorisation = _authorisation(order)
    with time_machine.travel(authorisation.capture_before + dt.timedelta(minutes=1), tick=False):
        with commit():
            assert card_service.authorisations_lapse_overdue(actor=Actor.system()) == 1
        assert _authorisation(order).status == Authorisation.Status.LAPSED
        assert order.payment.__class__.objects.get(order=order).charge_on_despatch_since is not None
        charge(order, list(order.lines.all()))
        despatch(order, list(order.lines.all()))
    assert _kinds(order) == [("authorisation", 3000), ("lapse", 3000), ("charge", 3000)]
    assert _authorisation(order).captured_pence == 0


def test_m3_despatch_after_the_deadline_without_a_sweep_charges_instead_of_capturing(card, place, despatch, charge):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with time_machine.travel(_authorisation(order).capture_before + dt.timedelta(hours=1), tick=False):
        assert _refused_despatch(order, list(order.lines.all())) == errors.CHARGE_BEFORE_DESPATCH
        charge(order, list(order.lines.all()))
        despatch(order, list(order.lines.all()))
    assert _kinds(order) == [("authorisation", 3000), ("lapse", 3000), ("charge", 3000)]


def _released_with_card(order, card_id):
    """The hold is gone and the customer's saved card is now one that will be refused."""
    customer_id = order.customer.stripe_account.stripe_customer_id
    gateway.payment_method_attach(payment_method_id=card_id, customer_id=customer_id)
    OrderPayment.objects.filter(order=order).update(stripe_payment_method_id=card_id)
    with transaction.atomic():
        authorisation = (
            Authorisation.objects.select_for_update().select_related("order_payment").get(order_payment__order=order)
        )
        card_service.authorisation_end(authorisation, Authorisation.Status.LAPSED, actor=Actor.system())


@pytest.mark.parametrize("number, reason", [(DECLINED_ON_CHARGE, "declined"), (NEEDS_AUTHENTICATION, "authenticate")])
def test_m3_a_refused_charge_on_despatch_holds_the_order_until_staff_choose_to_invoice(
    card, place, commit, despatch, charge, number, reason, staff_user
):
    order = place(order_with_lines(2500, 1000), stripe_payment_method_id=card())
    _released_with_card(order, card(number))
    first, second = order.lines.order_by("pk")

    with pytest.raises(RuleViolation) as declined:
        charge(order, [first])
    assert declined.value.rule == errors.CHARGE_REFUSED

    order_payment = OrderPayment.objects.get(order=order)
    assert reason in order_payment.hold_reason
    assert list(order_payments_held()) == [order_payment]
    assert Message.objects.filter(customer=order.customer, kind="payment_failed").count() == 1
    assert _refused_despatch(order, [first]) == errors.PAYMENT_HELD
    assert _refused_despatch(order, [second]) == errors.PAYMENT_HELD

    card_service.order_payment_hold_resolve(order_id=order.pk, invoice=True, actor=Actor.staff(staff_user("finance")))
    hooks.notify(hooks.LINES_DESPATCH_CHECK, order=order, lines=[second])  # allowed now
    despatch(order, [second])
    assert list(order_payments_held()) == []  # the card is not tried again on the invoiced despatch
    assert [kind for kind, _ in _kinds(order)] == ["authorisation", "lapse"]


def test_m3_staff_can_charge_a_new_card_for_a_held_payment(card, place, charge, despatch, commit, staff_user):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    _released_with_card(order, card(DECLINED_ON_CHARGE))
    with pytest.raises(RuleViolation):
        charge(order, list(order.lines.all()))
    new_card = card()
    gateway.payment_method_attach(
        payment_method_id=new_card, customer_id=order.customer.stripe_account.stripe_customer_id
    )
    with commit():
        card_service.order_payment_hold_resolve(
            order_id=order.pk, stripe_payment_method_id=new_card, actor=Actor.staff(staff_user("finance"))
        )
    assert _kinds(order)[-1] == ("charge", 3000)
    despatch(order, list(order.lines.all()))  # paid by the new card: it may leave
    assert _kinds(order)[-1] == ("charge", 3000)


# The statements one batch of the M3 release costs (BEGIN and COMMIT counted as the test's
# savepoint pair), and the final look that finds nothing left: the same for 1 hold or 1,000.
RELEASE_BATCH_QUERIES = 11
RELEASE_NOTHING_LEFT_QUERIES = 3


@pytest.mark.parametrize("batch_size", [1, 2, 4])
def test_m3_each_release_batch_costs_the_same_queries_whatever_its_size(
    card, place, batch_size, django_assert_num_queries, django_capture_on_commit_callbacks
):
    orders = [place(order_with_lines(2500), stripe_payment_method_id=card()) for _ in range(4)]
    latest = max(_extended(order).authorised_at for order in orders)
    batches = -(-len(orders) // batch_size)
    with time_machine.travel(latest + dt.timedelta(days=11), tick=False), django_capture_on_commit_callbacks():
        with django_assert_num_queries(batches * RELEASE_BATCH_QUERIES + RELEASE_NOTHING_LEFT_QUERIES):
            assert preauthorisation_release_stale(actor=Actor.system(), batch_size=batch_size) == len(orders)
    assert [_authorisation(order).status for order in orders] == [Authorisation.Status.RELEASED] * len(orders)
    assert LedgerEntry.objects.filter(kind="release").count() == len(orders)
    assert CardOperation.objects.filter(kind="cancel", status="pending").count() == len(orders)
