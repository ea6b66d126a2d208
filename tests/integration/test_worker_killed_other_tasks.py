"""A Celery worker SIGKILLed mid-task for tasks other than the authorisation (issue 14, faults).

The same real worker process on Redis as `test_worker_killed.py`, killed while its Stripe call for a
refund is in flight (localstripe stopped: the request reached Stripe, no answer came back). After a
restart and the sweep, the refund is made once: one refund at Stripe, one ledger entry, paid.
"""

import time

import pytest
from django.db import transaction

from mint_shop.actors import Actor
from mint_shop.celery import app as celery_app
from payments import gateway
from payments.models import Authorisation, CardOperation, LedgerEntry, Refund
from payments.services import card_operations
from payments.services.refunds import refund_grant
from tests.conftest import wait_for
from tests.integration.test_worker_killed import (  # noqa: F401
    LEASE_SECONDS,
    kill_once_claimed,
    stripe_silent,
    worker_process,
)
from tests.payments.conftest import despatch, place  # noqa: F401
from tests.payments.factories import order_with_lines

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commit():
    """Each hook in its own transaction, its on-commit work run as it commits (a transactional test database)."""
    return transaction.atomic


def test_a_worker_killed_mid_refund_leaves_it_to_the_restarted_worker_which_refunds_once(
    worker_process, localstripe, card, place, despatch  # noqa: F811
):
    from payments.tasks import card_operations_retry_due

    celery_app.conf.task_always_eager = True  # the order placed and captured as before, in this process
    order = place(order_with_lines(2500), stripe_payment_method_id=card())
    despatch(order, list(order.lines.all()))
    assert LedgerEntry.objects.filter(order=order, kind="capture").count() == 1
    celery_app.conf.task_always_eager = False

    first_worker = worker_process()
    with stripe_silent(localstripe):
        refund = refund_grant(order_id=order.pk, amount_pence=1000, request_id="killed-1", actor=Actor.system())
        operation = CardOperation.objects.get(refund=refund, kind=CardOperation.Kind.REFUND)
        kill_once_claimed(first_worker, operation)

    operation.refresh_from_db()
    assert operation.status == CardOperation.Status.PENDING
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PENDING

    worker_process()
    time.sleep(LEASE_SECONDS)
    card_operations_retry_due.delay()
    wait_for(lambda: CardOperation.objects.get(pk=operation.pk).status != CardOperation.Status.PENDING, 60,
              "the sweep on the restarted worker")
    card_operations_retry_due.delay()

    intent_id = Authorisation.objects.get(order_payment__order=order).payment_intent_id
    at_stripe = list(gateway.stripe_client().v1.refunds.list(params={"payment_intent": intent_id}).auto_paging_iter())
    assert [r.amount for r in at_stripe] == [1000]
    assert Refund.objects.get(pk=refund.pk).status == Refund.Status.PAID
    assert LedgerEntry.objects.filter(order=order, kind="refund").count() == 1
    assert card_operations.card_operations_retry_due() == 0
