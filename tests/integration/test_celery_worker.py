"""A real Celery worker on Redis picks up a task queued by a committed transaction."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from mint_shop.celery import app as celery_app
from notifications import services
from notifications.models import Message
from tests.conftest import service_missing

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker():
    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        service_missing(f"Redis is not reachable: {exc}")
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def test_n4_a_real_worker_on_redis_sends_a_queued_message(redis_worker):
    message = services.message_queue(
        channel=Message.Channel.EMAIL,
        kind="acknowledgment",
        recipient="ada@example.com",
        subject="We have your order",
        body="An offer, not yet accepted.",
        dedupe_key="integration:1",
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == Message.Status.SENT:
            break
        time.sleep(0.2)
    assert message.status == Message.Status.SENT


def _broker_at(url: str) -> None:
    """Point the app's publishing at another broker (its connection pools are made afresh)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """The broker unreachable (a closed port) for the requests, then back for the worker."""
    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set")
    working = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    _broker_at("redis://127.0.0.1:9/0")  # the discard port: nothing listens there
    try:
        yield lambda: _broker_at(working)
    finally:
        _broker_at(working)
        celery_app.conf.task_always_eager = True


def test_m2_n4_with_the_broker_down_a_card_order_is_placed_and_the_sweep_authorises_it_once(
    broker_down, customer, coin, card, settings
):
    from rest_framework.test import APIClient

    from payments import gateway
    from payments.models import Authorisation, CardOperation, LedgerEntry
    from payments.services import card_operations
    from payments.tasks import card_operations_retry_due
    from tests.integration.conftest import order_body

    settings.MINT_SWEEP_GRACE_SECONDS = 0
    client = APIClient()
    client.force_authenticate(customer.user)
    payment_method = card()

    placed = client.post(
        "/api/v1/orders/",
        order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": payment_method}),
        format="json",
    )

    assert placed.status_code == 201, placed.content  # committed, so never a 5xx for a lost enqueue
    order_id = placed.json()["id"]
    authorise = CardOperation.objects.get(order_payment__order_id=order_id)
    assert (authorise.status, authorise.next_attempt_at, authorise.attempts) == ("pending", None, 0)

    broker_back = broker_down
    broker_back()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        card_operations_retry_due.delay()  # as beat sends it every minute
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and authorise.status == CardOperation.Status.PENDING:
            time.sleep(0.2)
            authorise.refresh_from_db()
    assert card_operations.card_operations_retry_due() == 0  # nothing left for the next sweep

    authorise.refresh_from_db()
    assert (authorise.status, authorise.attempts) == (CardOperation.Status.SUCCEEDED, 1)
    authorisation = Authorisation.objects.get(order_payment__order_id=order_id)
    assert authorisation.status == Authorisation.Status.AUTHORISED
    assert [e.kind for e in LedgerEntry.objects.filter(order_id=order_id)] == ["authorisation"]
    made = [
        intent.id
        for intent in gateway.stripe_client().v1.payment_intents.list(params={"limit": 100}).auto_paging_iter()
        if (intent.to_dict().get("metadata") or {}).get("mint_operation") == str(authorise.key)
    ]
    assert made == [authorisation.payment_intent_id]  # one hold at Stripe, however often swept
