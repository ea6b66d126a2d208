"""Starting background work once a transaction has committed (DESIGN.md habit 3).

The work itself is already written down as a row (an outbox message, a card operation, a
stored Stripe event, a refund owed), and a periodic sweep finds every row not yet done. So a
task that cannot be queued (the broker is down) is logged and left to the sweep: a request
whose transaction committed never answers 5xx because of it.
"""

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached: kombu's own errors, or the socket's.
BROKER_ERRORS = (KombuError, OSError)


def sweep_grace() -> dt.timedelta:
    """How long work written for later may wait for its task before a sweep takes it up."""
    return dt.timedelta(seconds=settings.MINT_SWEEP_GRACE_SECONDS)


def enqueue(task, *args) -> bool:
    """Queue the task now; False (and logged) when the broker is out of reach."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as exc:
        logger.error("could not queue %s%r (the sweep will find it): %s", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Queue the task once the caller's transaction commits; never fails the request."""
    transaction.on_commit(partial(enqueue, task, *args))
