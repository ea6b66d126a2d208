"""Benchmark: release 100,000 stale card authorisations (M3). Not a test.

    DATABASE_URL=postgres://... python -m bench.release_stale [--count 100000] [--batch 1000] [--cancels 5000]

Runs in a database of its own, made for the run and dropped after it (never the named one).
Two phases: the release itself (`preauthorisation_release_stale`: status, ledger entries,
charge-on-despatch marks and the Stripe cancel operations, in batches), then a sample of the
cancel calls those batches schedule, made through a gateway that answers at once (no
network), so the figures are ours, not Stripe's. Each cancel is one Stripe call with its own
claim and record, so its rate is per hold; the sample keeps the run short.
"""

import argparse
import os
import time
from types import SimpleNamespace

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mint_shop.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mint_shop import clock  # noqa: E402
from mint_shop.actors import Actor  # noqa: E402


class InstantGateway:
    """Answers like Stripe, at once: every hold is live until cancelled."""

    name = "instant in-process gateway (no network, no Stripe)"

    @staticmethod
    def payment_intent_retrieve(payment_intent_id):
        return SimpleNamespace(id=payment_intent_id, status="requires_capture")

    @staticmethod
    def payment_intent_cancel(*, payment_intent_id, idempotency_key):
        return SimpleNamespace(id=payment_intent_id, status="canceled")


def _seed(count: int) -> None:
    """`count` web card orders, each with a live hold authorised 11 days ago."""
    from catalogue.models import Product, Range
    from customers.models import Customer
    from orders.models import Order
    from payments.models import Authorisation, OrderPayment

    product_range = Range.objects.create(code="gifts", name="Gifts")
    Product.objects.create(sku="BENCH", name="Bench coin", range=product_range, price_pence=2500, stock=count)
    customer = Customer.objects.create(
        first_name="Bench", last_name="Customer", email="bench@example.com", date_of_birth="1980-01-01"
    )
    authorised_at = clock.now() - clock.dt.timedelta(days=11)
    orders = Order.objects.bulk_create(
        [Order(customer=customer, channel="web", payment_method="card") for _ in range(count)], batch_size=5000
    )
    order_payments = OrderPayment.objects.bulk_create(
        [OrderPayment(order=order, method="card", reference=f"MINT-{order.pk}") for order in orders], batch_size=5000
    )
    Authorisation.objects.bulk_create(
        [
            Authorisation(
                order_payment=order_payment,
                amount_pence=3000,
                status=Authorisation.Status.AUTHORISED,
                payment_intent_id=f"pi_bench_{order_payment.pk}",
                authorised_at=authorised_at,
                capture_before=authorised_at + clock.dt.timedelta(days=30),
            )
            for order_payment in order_payments
        ],
        batch_size=5000,
    )


def _release(count: int, batch: int) -> tuple[float, list[int], list[int]]:
    """Run the release, counting each batch's queries, with the cancels collected, not sent."""
    from payments.services import release

    scheduled: list[int] = []
    per_batch: list[int] = []
    original_enqueue, original_batch = release.enqueue_on_commit, release._release_batch

    def counted_batch(**kwargs):
        with CaptureQueriesContext(connection) as queries:
            done = original_batch(**kwargs)
        if done:
            per_batch.append(len(queries))
        return done

    def collect(_task, operation_ids):  # the cancels' task, collected rather than queued
        scheduled.extend(operation_ids)

    release.enqueue_on_commit, release._release_batch = collect, counted_batch
    try:
        started = time.perf_counter()
        released = release.preauthorisation_release_stale(actor=Actor.system(), batch_size=batch)
        elapsed = time.perf_counter() - started
    finally:
        release.enqueue_on_commit, release._release_batch = original_enqueue, original_batch
    assert released == count, (released, count)
    return elapsed, per_batch, scheduled


def _cancel(operation_ids: list[int]) -> float:
    from payments import gateway
    from payments.services.card_operations import card_operation_perform

    gateway.payment_intent_retrieve = InstantGateway.payment_intent_retrieve
    gateway.payment_intent_cancel = InstantGateway.payment_intent_cancel
    started = time.perf_counter()
    for operation_id in operation_ids:
        card_operation_perform(operation_id=operation_id)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--cancels", type=int, default=5000, help="how many scheduled cancels to time")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    database.setdefault("TEST", {})["NAME"] = f"bench_release_stale_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from payments.models import Authorisation, CardOperation, LedgerEntry

        print(f"database: {connection.vendor} (a throwaway copy, dropped after the run)")
        print(f"Stripe: {InstantGateway.name}")
        _seed(args.count)
        elapsed, per_batch, operation_ids = _release(args.count, args.batch)
        print(f"released {args.count:,} holds in {len(per_batch)} batches of up to {args.batch} in {elapsed:.1f} s")
        print(f"  rate: {args.count / elapsed:,.0f} holds/s")
        print(f"  database queries per batch: {sorted(set(per_batch))} (the same for every batch, whatever its size)")
        sample = operation_ids[: args.cancels]
        cancel_elapsed = _cancel(sample)
        print(f"cancelled {len(sample):,} of the {len(operation_ids):,} scheduled holds at the gateway")
        print(f"  rate: {len(sample) / cancel_elapsed:,.0f} cancels/s (one Stripe call, two commits each)")
        assert not Authorisation.objects.filter(status=Authorisation.Status.AUTHORISED).exists()
        assert LedgerEntry.objects.filter(kind="release").count() == args.count
        assert CardOperation.objects.filter(kind="cancel", status="succeeded").count() == len(sample)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
