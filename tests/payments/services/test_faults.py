"""Stripe down, slow or rate-limiting: the order stays consistent, a task retries, nothing twice."""

import datetime as dt

import pytest
import stripe
import time_machine

from mint_shop.actors import Actor
from mint_shop.errors import RuleViolation
from orders import hooks
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, Refund
from payments.services.card import authorisation_end
from payments.services.card_operations import card_operations_retry_due
from payments.services.refunds import refund_grant
from tests.payments.factories import order_with_lines

pytestmark = [pytest.mark.django_db, pytest.mark.integration]


def _intents_for(operation) -> list:
    return [
        intent
        for intent in gateway.stripe_client().v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if intent.to_dict()["metadata"].get("mint_operation") == str(operation.key)
    ]


def _retry_after_backoff(commit):
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=2), tick=False), commit():
        return card_operations_retry_due()


def test_m2_stripe_stopped_during_authorisation_then_started_again_authorises_once(card, place, stripe_paused, commit):
    payment_method = card()
    with stripe_paused():
        order = place(order_with_lines(2500), stripe_payment_method_id=payment_method)

        # While Stripe does not answer, the order stands, nothing is recorded as held, a retry waits.
        operation = CardOperation.objects.get(order_payment__order=order, kind=CardOperation.Kind.AUTHORISE)
        assert operation.status == CardOperation.Status.PENDING
        assert operation.attempts == 1 and operation.next_attempt_at is not None
        assert "APIConnectionError" in operation.last_error
        assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.PENDING
        assert not LedgerEntry.objects.filter(order=order).exists()
        with commit():
            assert card_operations_retry_due() == 0  # not before its backoff

    # Started again, Stripe acts on any request it had received; the retry finds it rather
    # than authorising a second time.
    assert _retry_after_backoff(commit) == 1
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.AUTHORISED
    assert [intent.status for intent in _intents_for(operation)] == ["requires_capture"]
    assert LedgerEntry.objects.filter(order=order, kind="authorisation").count() == 1


def test_m4_stripe_stopped_during_capture_then_started_again_captures_once(
    card, place, despatch, stripe_paused, commit
):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with stripe_paused():
        despatch(order, list(order.lines.all()))
        assert not LedgerEntry.objects.filter(order=order, kind="capture").exists()
        assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.AUTHORISED

    _retry_after_backoff(commit)
    _retry_after_backoff(commit)  # a second sweep changes nothing
    assert LedgerEntry.objects.filter(order=order, kind="capture").count() == 1
    assert Authorisation.objects.get(order_payment__order=order).captured_pence == 3000


def test_m8_stripe_stopped_during_a_refund_then_started_again_refunds_once(
    card, place, despatch, stripe_paused, commit
):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    despatch(order, list(order.lines.all()))
    with stripe_paused(), commit():
        refund = refund_grant(order_id=order.pk, amount_pence=1000, request_id="r-1", actor=Actor.system())
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING

    _retry_after_backoff(commit)

    intent_id = Authorisation.objects.get(order_payment__order=order).payment_intent_id
    stripe_refunds = [
        r for r in gateway.stripe_client().v1.refunds.list(params={"payment_intent": intent_id}).auto_paging_iter()
    ]
    assert [r.amount for r in stripe_refunds] == [1000]
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PAID
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1


def test_m2_a_rate_limit_is_retried_by_the_task_not_turned_into_a_failed_order(card, place, commit, monkeypatch):
    real_create = gateway.payment_intent_create
    answers = iter([stripe.RateLimitError("Too many requests", http_status=429)])

    def create_rate_limited_once(**kwargs):
        error = next(answers, None)
        if error:
            raise error
        return real_create(**kwargs)

    monkeypatch.setattr(gateway, "payment_intent_create", create_rate_limited_once)
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.PENDING
    assert order.status == order.Status.PLACED

    _retry_after_backoff(commit)
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.AUTHORISED


def test_m2_stripe_process_stopped_leaves_the_order_consistent_with_a_retry_waiting(localstripe, card, place):
    payment_method = card()
    localstripe.stop()
    try:
        order = place(order_with_lines(2500), stripe_payment_method_id=payment_method)
        operation = CardOperation.objects.get(order_payment__order=order)
        assert operation.status == CardOperation.Status.PENDING and operation.next_attempt_at is not None
        assert not LedgerEntry.objects.filter(order=order).exists()
    finally:
        localstripe.start()


def test_m3_stripe_stopped_during_a_charge_before_despatch_then_asked_again_charges_once(
    card, place, charge, despatch, stripe_paused, commit
):
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    with commit():
        authorisation = Authorisation.objects.select_related("order_payment").get(order_payment__order=order)
        authorisation_end(authorisation, Authorisation.Status.RELEASED, actor=Actor.system())
    lines = list(order.lines.all())
    with stripe_paused():
        (operation,) = charge(order, lines)
        assert operation.status == CardOperation.Status.PENDING
        with pytest.raises(RuleViolation):  # not paid yet: still no despatch
            hooks.notify(hooks.LINES_DESPATCH_CHECK, order=order, lines=lines)

    # Asked again after the backoff: the same operation, found at Stripe rather than made twice.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=2), tick=False):
        (again,) = charge(order, lines)
    assert (again.pk, again.status) == (operation.pk, CardOperation.Status.SUCCEEDED)
    assert len(_intents_for(operation)) == 1
    assert LedgerEntry.objects.filter(order=order, kind="charge").count() == 1
    despatch(order, lines)
