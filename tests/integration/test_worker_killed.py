"""A Celery worker killed mid-task (issue 14): the work is done once after a restart, never lost or doubled.

A real worker process on Redis takes the card authorisation a placed order queues, and is killed
with SIGKILL while its call to Stripe is in flight (localstripe stopped, so the request has
reached Stripe but no answer has come back). Stripe then acts on what it received; a new worker's
sweep, after the dead worker's claim has lapsed, finishes the authorisation: one hold at Stripe,
one ledger entry, whatever the dead worker's call had done.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from mint_shop.celery import app as celery_app
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry
from payments.services import card_operations
from tests.conftest import service_missing, wait_for
from tests.integration.conftest import order_body

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 1  # the worker's claim on an operation, so the restarted worker's sweep may retry it soon


@contextmanager
def stripe_silent(localstripe):
    """Stripe takes the requests sent in the block and answers none of them until it ends."""
    os.kill(localstripe.process.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(localstripe.process.pid, signal.SIGCONT)


def kill_once_claimed(worker, operation) -> None:
    """SIGKILL the worker once it has claimed the operation (committed just before its Stripe call)."""
    wait_for(lambda: CardOperation.objects.filter(pk=operation.pk, attempts=1).exists(), 60, "the worker's claim")
    time.sleep(0.5)
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)


@pytest.fixture
def worker_process(localstripe):
    """Start `celery worker` processes on this test's database, Redis and localstripe; stop any left."""
    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        service_missing("a worker process needs a database it can share (PostgreSQL)")
    database = settings.DATABASES["default"]
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DEBUG": "1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "STRIPE_API_BASE": localstripe.url,
        "STRIPE_SECRET_KEY": "sk_test_localstripe",
        "STRIPE_TIMEOUT_SECONDS": "120",  # the call waits on the stopped Stripe until the worker is killed
        "MINT_CARD_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    started = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mint_shop", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    try:
        yield start
    finally:
        celery_app.conf.task_always_eager = True
        for process in started:
            if process.poll() is None:
                process.terminate()
                process.wait(20)


def test_a_worker_killed_mid_authorisation_leaves_it_to_the_restarted_worker_which_authorises_once(
    worker_process, localstripe, customer, coin, card
):
    from payments.tasks import card_operations_retry_due

    client = APIClient()
    client.force_authenticate(customer.user)
    payment_method = card()
    first_worker = worker_process()

    with stripe_silent(localstripe):
        placed = client.post(
            "/api/v1/orders/",
            order_body((coin, 1), payment={"method": "card", "stripe_payment_method_id": payment_method}),
            format="json",
        )
        assert placed.status_code == 201, placed.content
        operation = CardOperation.objects.get(order_payment__order_id=placed.json()["id"])
        kill_once_claimed(first_worker, operation)

    # The dead worker recorded nothing.
    operation.refresh_from_db()
    assert (operation.status, operation.payment_intent_id) == (CardOperation.Status.PENDING, "")
    order = operation.order_payment.order
    assert Authorisation.objects.get(order_payment__order=order).status == Authorisation.Status.PENDING
    assert not LedgerEntry.objects.filter(order=order).exists()

    # A new worker; beat's next sweep after the dead worker's lease finds the hold and records it.
    worker_process()
    time.sleep(LEASE_SECONDS)
    card_operations_retry_due.delay()
    wait_for(lambda: CardOperation.objects.get(pk=operation.pk).status != CardOperation.Status.PENDING, 60,
              "the sweep on the restarted worker")
    card_operations_retry_due.delay()  # a second sweep finds nothing to do

    operation.refresh_from_db()
    assert operation.status == CardOperation.Status.SUCCEEDED
    authorisation = Authorisation.objects.get(order_payment__order=order)
    assert authorisation.status == Authorisation.Status.AUTHORISED
    assert authorisation.payment_intent_id == operation.payment_intent_id != ""
    assert LedgerEntry.objects.filter(order=order, kind="authorisation").count() == 1
    intents = gateway.stripe_client().v1.payment_intents.search(
        params={"query": f"metadata['mint_operation']:'{operation.key}'"}
    )
    assert [(i.id, i.status) for i in intents.data] == [(operation.payment_intent_id, "requires_capture")]
    assert card_operations.card_operations_retry_due() == 0
