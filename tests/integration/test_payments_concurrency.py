"""Money under real concurrency on PostgreSQL: real threads, the HTTP API, payments' hooks and
localstripe. Card operations are queued as the broker would hold them (`queued`), and a
thread plays the worker that takes them off the queue.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from orders.models import Order
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, Refund
from payments.services import card as card_services
from payments.services.card_operations import card_operation_perform, card_operations_retry_due
from payments.tasks import card_operation_perform as perform_task
from tests.integration.conftest import order_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and deadlocks need PostgreSQL; SQLite serialises every write")


@pytest.fixture
def queued(monkeypatch, settings):
    """Card operations queued for the worker and not yet taken: their ids, in order."""
    settings.MINT_SWEEP_GRACE_SECONDS = 0
    ids = []
    monkeypatch.setattr(perform_task, "delay", ids.append)
    return ids


def _race(*actions):
    """Run the actions at once on their own threads and connections; return what each raised or gave."""
    start = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            start.wait()
            outcomes[index] = action()
        except Exception as exc:  # a deadlock or any other fault fails the caller's asserts
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def _phone_order(staff, customer, coin, card) -> int:
    placed = staff("customer_service").client.post(
        "/api/v1/staff/orders/",
        {
            **order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": card()}),
            "customer_id": customer.pk,
            "channel": "phone",
        },
        format="json",
    )
    assert placed.status_code == 201, placed.json()
    return placed.json()["id"]


def _client_for(api) -> APIClient:
    """A client of its own for each thread, logged in as the same staff member."""
    client = APIClient()
    client.force_authenticate(api.client.handler._force_user)
    return client


def _money_kept_at_stripe(payment_intent_id) -> int:
    charges = gateway.payment_intent_retrieve(payment_intent_id).to_dict()["charges"]["data"]
    return sum(charge["amount"] - charge["amount_refunded"] for charge in charges if charge.get("captured", True))


def _net_taken(order_id) -> int:
    entries = LedgerEntry.objects.filter(order_id=order_id)
    money_in = sum(e.amount_pence for e in entries if e.direction == LedgerEntry.Direction.IN)
    return money_in - sum(e.amount_pence for e in entries if e.direction == LedgerEntry.Direction.OUT)


def _drain_queue(queued):
    """The worker (and the sweep behind it) finishes every operation written for later."""
    while queued or CardOperation.objects.filter(status=CardOperation.Status.PENDING).exists():
        for operation_id in list(queued):
            queued.remove(operation_id)
            card_operation_perform(operation_id=operation_id)
        CardOperation.objects.filter(status=CardOperation.Status.PENDING).update(next_attempt_at=None)
        card_operations_retry_due()


@pytest.mark.parametrize("attempt", range(4))
def test_o4_m4_a_decline_racing_the_pending_capture_never_leaves_the_customer_charged(
    attempt, customer, staff, card, coin, queued
):
    order_id = _phone_order(staff, customer, coin, card)
    card_operation_perform(operation_id=queued.pop(0))  # the hold comes back from Stripe
    assert staff("warehouse").client.post(f"/api/v1/staff/orders/{order_id}/allocate/").status_code == 200
    capture_id = queued.pop(0)  # allocation scheduled the capture (M4); the worker has not run it

    worker, declined = _race(
        lambda: card_operation_perform(operation_id=capture_id),
        lambda: staff("customer_service").client.post(
            f"/api/v1/staff/orders/{order_id}/decline/", {"reason": "Out of engraving capacity."}, format="json"
        ),
    )
    _drain_queue(queued)

    assert isinstance(worker, CardOperation), worker
    order = Order.objects.get(pk=order_id)
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    if declined.status_code == 200:  # the decline won: nothing is kept, whatever Stripe did meanwhile
        assert order.status == Order.Status.DECLINED
        assert _net_taken(order_id) == 0
        assert _money_kept_at_stripe(authorisation.payment_intent_id) == 0
        kinds = [e.kind for e in LedgerEntry.objects.filter(order_id=order_id)]
        assert kinds.count("capture") == kinds.count("refund")  # a capture taken is shown refunded beside it
    else:  # the capture was recorded first: the line is a contract and can no longer be declined
        assert (declined.status_code, declined.json()["rule"]) == (409, "O4")
        assert _net_taken(order_id) == _money_kept_at_stripe(authorisation.payment_intent_id) == 2895


def test_o4_m4_a_decline_cancels_a_capture_not_yet_made(customer, staff, card, coin, queued):
    order_id = _phone_order(staff, customer, coin, card)
    card_operation_perform(operation_id=queued.pop(0))
    staff("warehouse").client.post(f"/api/v1/staff/orders/{order_id}/allocate/")

    declined = staff("customer_service").client.post(
        f"/api/v1/staff/orders/{order_id}/decline/", {"reason": "Out of engraving capacity."}, format="json"
    )
    _drain_queue(queued)

    assert declined.status_code == 200, declined.json()
    capture = CardOperation.objects.get(order_payment__order_id=order_id, kind=CardOperation.Kind.CAPTURE)
    assert capture.status == CardOperation.Status.CANCELLED
    intent = gateway.payment_intent_retrieve(capture.order_payment.authorisation.payment_intent_id)
    assert intent.status == "canceled"
    assert [e.kind for e in LedgerEntry.objects.filter(order_id=order_id)] == ["authorisation", "release"]


@pytest.mark.parametrize("attempt", range(3))
def test_m4_allocation_racing_the_worker_recording_the_hold_never_deadlocks(
    attempt, customer, staff, card, coin, queued, monkeypatch
):
    order_id = _phone_order(staff, customer, coin, card)
    authorise_id = queued.pop(0)
    # The worker, holding Stripe's answer, starts recording the hold just as the allocation,
    # holding the order, turns to the payment: the interleaving that deadlocked. Once every
    # path takes the order first, one of them waits at its first lock instead, and the
    # meeting never happens (the barrier gives up after a second and both go on).
    meet = threading.Barrier(2, timeout=1)

    def meeting(then):
        def run(*args, **kwargs):
            try:
                meet.wait()
            except threading.BrokenBarrierError:
                pass
            return then(*args, **kwargs)

        return run

    monkeypatch.setattr(gateway, "capture_deadline", meeting(gateway.capture_deadline))
    monkeypatch.setattr(card_services, "card_take_for_lines", meeting(card_services.card_take_for_lines))

    worker, allocated = _race(
        lambda: card_operation_perform(operation_id=authorise_id),
        lambda: staff("warehouse").client.post(f"/api/v1/staff/orders/{order_id}/allocate/"),
    )
    _drain_queue(queued)

    assert isinstance(worker, CardOperation) and worker.status == CardOperation.Status.SUCCEEDED, worker
    assert allocated.status_code == 200, allocated.content
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    assert authorisation.status == Authorisation.Status.CAPTURED
    assert [e.kind for e in LedgerEntry.objects.filter(order_id=order_id)] == ["authorisation", "capture"]
    assert _money_kept_at_stripe(authorisation.payment_intent_id) == 2895


def test_m8_four_copies_of_one_refund_request_at_once_all_answer_with_the_one_refund(as_customer, staff, coin):
    placed = as_customer.client.post(
        "/api/v1/orders/", order_body((coin, 1), payment={"method": "bank_transfer"}), format="json"
    )
    order_id = placed.json()["id"]
    received = staff("finance").client.post(
        "/api/v1/staff/bank-receipts/",
        {
            "reference": f"MINT-{order_id}",
            "amount_pence": 2895,
            "received_on": dt.date.today().isoformat(),
            "method": "bank_transfer",
        },
        format="json",
    )
    assert received.status_code == 201, received.json()
    finance = [_client_for(staff("finance")) for _ in range(4)]
    body = {"order_id": order_id, "amount_pence": 2000, "request_id": "goodwill-7"}

    answers = _race(
        *[lambda client=client: client.post("/api/v1/staff/refunds/", body, format="json") for client in finance]
    )

    assert [answer.status_code for answer in answers] == [201] * 4, [answer.content for answer in answers]
    assert {answer.json()["id"] for answer in answers} == {Refund.objects.get(order_id=order_id).pk}
