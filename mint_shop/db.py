"""Retrying a transaction that PostgreSQL chose to abort (a deadlock or a serialisation failure).

Every path locks rows in one documented order (see `payments/locks.py`), so deadlocks should
not happen; should one still come (a foreign-key check, an order not foreseen), the whole
transaction is run again rather than answering 5xx.
"""

import functools
import logging
import time

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)

# deadlock_detected, serialization_failure; SQLite's busy database says "database is locked".
_RETRYABLE_SQLSTATES = {"40P01", "40001"}
ATTEMPTS = 5


def _retryable(exc: OperationalError) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return sqlstate in _RETRYABLE_SQLSTATES or "database is locked" in str(exc)


def retry_on_conflict(service):
    """Run the service again (a fresh transaction) when the database aborted it for a conflict.

    Only an outermost call retries: inside a caller's transaction the caller must start over.
    """

    @functools.wraps(service)
    def run(*args, **kwargs):
        attempt = 1
        while True:
            try:
                return service(*args, **kwargs)
            except OperationalError as exc:
                if connection.in_atomic_block or not _retryable(exc) or attempt >= ATTEMPTS:
                    raise
                logger.warning("%s aborted by the database (%s); attempt %s", service.__name__, exc, attempt + 1)
                time.sleep(0.05 * attempt)
                attempt += 1

    return run
