"""Profile the order path in-process: N card orders through the API (token, throttle, DRF, the
service, every hook), against the database `make bench` made (run it once first). Not a test.

    python -m bench.profile_order [--orders 300] [--sold-out]   # CPU ms per request, then cProfile

It adds its own product and customer, so it can run after a bench; `--sold-out` profiles
the refusal instead. Figures are inflated by cProfile; compare shares, not milliseconds.
"""

import argparse
import cProfile
import json
import os
import pstats
import time

from bench.cpu import process_cpu_seconds
from bench.launch import ENV, PRICE_PENCE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--sold-out", action="store_true")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--save", help="write the cProfile stats to this file (for pstats or snakeviz)")
    parser.add_argument("--warm", type=int, default=20, help="requests before measuring (caches, connections)")
    args = parser.parse_args()
    os.environ.update(ENV)
    import django

    django.setup()
    import datetime as dt
    import uuid

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from catalogue.models import Product, Range
    from customers.models import Customer, User

    tag = uuid.uuid4().hex[:8]
    product = Product.objects.create(
        sku=f"PROFILE-{tag}", name="Profiled coin", range=Range.objects.first(), price_pence=PRICE_PENCE,
        stock=0 if args.sold_out else 10 * args.orders,
    )
    user = User.objects.create(username=f"profile-{tag}", email=f"profile-{tag}@example.com")
    Customer.objects.create(user=user, first_name="Pro", last_name="File", email=user.email,
                            date_of_birth=dt.date(1980, 1, 1), postcode="SW1A 1AA")
    token = Token.objects.create(user=user).key
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    body = json.dumps({
        "lines": [{"product_id": product.pk, "quantity": 1, "unit_price_pence": PRICE_PENCE}],
        "delivery": {"option": "uk-standard", "name": "Pro File", "address": "1 Mint Street", "postcode": "SW1A 1AA"},
        "payment": {"method": "card", "stripe_payment_method_id": "pm_card_visa"},
    })

    def post():
        return client.post("/api/v1/orders/", body, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)

    with CaptureQueriesContext(connection) as queries:
        first = post()
    print(f"one {'refusal' if args.sold_out else 'order'}: HTTP {first.status_code}, {len(queries)} statements")
    for query in queries.captured_queries:
        print("   ", query["sql"][:110])
    for _ in range(args.warm):
        post()
    # CPU time of this process only (time.process_time), unprofiled: the machine is shared, so wall
    # time would count other processes' turns; PostgreSQL's and Redis's own work is not in it.
    # How long the hot product row stays locked: from sending the stock UPDATE (which locks it)
    # to the end of COMMIT (which frees it), for each order; this bounds one product's sales a second.
    held: list[float] = []
    locked_at: list[float] = []
    commit = connection.commit

    def time_the_lock(execute, sql, params, many, context):
        if "FOR UPDATE" in sql and "catalogue_product" in sql:
            locked_at.append(time.perf_counter())
        return execute(sql, params, many, context)

    def timed_commit():
        commit()
        if locked_at:
            held.append(time.perf_counter() - locked_at.pop())

    connection.execute_wrappers.append(time_the_lock)
    connection.commit = timed_commit  # this script's connection only: on_commit callbacks come after
    # The database's own CPU for the same requests: this connection's PostgreSQL backend.
    backend = connection.cursor().connection.info.backend_pid if connection.vendor == "postgresql" else None
    database_cpu = process_cpu_seconds(backend) if backend else 0.0
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.orders):
        post()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    database_cpu = (process_cpu_seconds(backend) - database_cpu) if backend else 0.0
    print(f"{args.orders} requests unprofiled: {1000 * cpu / args.orders:.2f} ms CPU each "
          f"({1000 * wall / args.orders:.2f} ms wall); PostgreSQL's backend "
          f"{1000 * database_cpu / args.orders:.2f} ms CPU each")
    connection.execute_wrappers.remove(time_the_lock)
    connection.commit = commit
    if held:
        held.sort()
        print(f"hot product row locked per order: median {1000 * held[len(held) // 2]:.2f} ms, "
              f"p99 {1000 * held[int(len(held) * 0.99)]:.2f} ms (stock UPDATE sent to COMMIT done)")
    # Timed by this process's CPU clock, so a round trip's wait on PostgreSQL is not counted as our work.
    profile = cProfile.Profile(time.process_time)
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.orders):
        post()
    profile.disable()
    elapsed = time.perf_counter() - started
    print(f"{args.orders} requests in {elapsed:.2f} s under cProfile: {1000 * elapsed / args.orders:.1f} ms each")
    if args.save:
        profile.dump_stats(args.save)
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
