"""Launch-day spike: many customers racing for a limited edition, against gunicorn on PostgreSQL.

Run with `make bench`. It recreates a dedicated database (mint_bench), seeds one limited
edition (mintage 5,000), 64 customers with API tokens, starts gunicorn on a free loopback
port, and has 64 concurrent clients (one customer each) make 20,000 order attempts of 1–2
units paying by card (one client in 8 with a promo code). Then it runs pgbench against the same PostgreSQL and prints
one JSON line. Not a test: nothing here asserts a speed.
"""

import asyncio
import json
import os
import random
import re
import runpy
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from bench.cpu import CpuMeter

BASE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = os.environ.get("BENCH_DB", "mint_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
MINTAGE = int(os.environ.get("BENCH_MINTAGE", 5000))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 64))
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", 20_000))
# gunicorn runs as in production (`gunicorn --config gunicorn.conf.py`, Procfile), configured from the
# environment (README "Deploying"): its processes, threads, connections per process, keep-alive and
# access log are production's. BENCH_WORKERS sets WEB_CONCURRENCY; BENCH_GUNICORN_ARGS adds arguments.
GUNICORN_ARGS = os.environ.get("BENCH_GUNICORN_ARGS", "").split()
PGBENCH_SECONDS = int(os.environ.get("BENCH_PGBENCH_SECONDS", 15))
PRICE_PENCE = 9500
PROMO_CODE = "LAUNCH5"
# One client in PROMO_EVERY orders with the launch promo code (X1: its row is locked while used).
PROMO_EVERY = int(os.environ.get("BENCH_PROMO_EVERY", 8))

ENV = {
    **os.environ,
    "DATABASE_URL": f"{SERVER}/{DB_NAME}",
    "REDIS_URL": REDIS_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-a-secret-" + "x" * 40,  # production settings ask for 50 characters
    "CACHE_URL": REDIS_URL,  # the throttles' counts, shared by the gunicorn workers as in production
    # Production settings refuse the development values; the bench sends no mail nor webhooks.
    "STRIPE_WEBHOOK_SECRET": "whsec_bench-only",
    "MINT_SMS_WEBHOOK_SECRET": "bench-only-sms-secret",
    "MINT_ERASURE_HASH_KEY": "bench-only-erasure-key",
    "EMAIL_URL": "smtp://127.0.0.1:1025",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
    # Issue 14's throttle (30 placements an hour per customer) would answer 429 to a launch.
    "MINT_THROTTLE_ORDER_PLACEMENT": "1000000/hour",
    "DJANGO_SETTINGS_MODULE": "mint_shop.settings",
}
if "BENCH_WORKERS" in os.environ:
    ENV["WEB_CONCURRENCY"] = os.environ["BENCH_WORKERS"]
# gunicorn's own lines and its access log (one JSON line a request, as production writes them).
GUNICORN_LOG = Path(tempfile.gettempdir()) / f"{DB_NAME}-gunicorn.log"


def log(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def manage(*args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE, env=ENV, check=True, stdout=subprocess.DEVNULL)


def seed() -> tuple[int, list[str]]:
    """The limited edition, a delivery option, terms in force, and 64 customers with tokens."""
    os.environ.update(ENV)
    import django

    django.setup()
    import datetime as dt

    from rest_framework.authtoken.models import Token

    from catalogue.models import DeliveryOption, Product, Range, TermsVersion
    from customers.models import Customer, User
    from promotions.models import PromoCode

    commemorative = Range.objects.create(code="commemorative", name="Commemorative collectable coins")
    product = Product.objects.create(
        sku="LAUNCH-5000", name="Launch day £5 silver proof", range=commemorative,
        price_pence=PRICE_PENCE, mintage=MINTAGE, stock=MINTAGE,
    )
    DeliveryOption.objects.create(code="uk-standard", name="UK standard", region="uk", charge_pence=395)
    TermsVersion.objects.create(version="bench", published_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), text="T&Cs")
    PromoCode.objects.create(
        code=PROMO_CODE, kind="fixed", amount_pence=500, terms="£5 off at the launch",
        starts_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), expires_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    tokens = []
    for n in range(CLIENTS):
        user = User.objects.create(username=f"launch{n}", email=f"launch{n}@example.com")
        Customer.objects.create(user=user, first_name="Launch", last_name=f"Customer {n}",
                                email=user.email, date_of_birth=dt.date(1980, 1, 1), postcode="SW1A 1AA")
        tokens.append(Token.objects.create(user=user).key)
    return product.pk, tokens


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_settings() -> dict:
    """What gunicorn.conf.py resolves to in the bench's environment (for the printed line)."""
    os.environ.update(ENV)
    conf = runpy.run_path(str(BASE / "gunicorn.conf.py"))
    return {name: conf[name] for name in ("workers", "threads", "worker_connections", "keepalive", "max_requests")}


def start_gunicorn(port: int) -> subprocess.Popen:
    with GUNICORN_LOG.open("w") as log_file:
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "mint_shop.wsgi", *GUNICORN_ARGS],
            cwd=BASE, env={**ENV, "GUNICORN_BIND": f"127.0.0.1:{port}"}, stderr=log_file,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start")


class Connection:
    """One keep-alive HTTP/1.1 connection: the load generator must cost little CPU itself.

    A reply saying `Connection: close` (gunicorn's sync workers always do) opens a new one
    for the next request.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader = self.writer = None

    async def post(self, head: bytes, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        status_line, *header_lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        headers = dict(line.split(": ", 1) for line in header_lines if line)
        headers = {name.lower(): value for name, value in headers.items()}
        if "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        else:
            payload = await self.reader.read()
        if headers.get("connection", "").lower() == "close" or "content-length" not in headers:
            self.writer.close()
            self.reader = self.writer = None
        return int(status_line.split(" ", 2)[1]), payload


async def warm(connection: Connection, token: str) -> None:
    """One request of the customer's own before the launch: a launch's servers are up and warm before
    it, so the spike measures serving orders, not gunicorn's processes importing Django and opening
    their first database connections."""
    head = f"GET /api/v1/orders/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n".encode()
    status, _ = await connection.post(head, b"")
    if status != 200:
        raise RuntimeError(f"warming up: HTTP {status}")


async def client(connection: Connection, token: str, product_id: int, attempts: int, seed_: int,
                 results: list) -> None:
    rng = random.Random(seed_)
    promo = {"promo_code": PROMO_CODE} if PROMO_EVERY and seed_ % PROMO_EVERY == 0 else {}
    for _ in range(attempts):
        quantity = rng.choice((1, 2))
        body = json.dumps({
            "lines": [{"product_id": product_id, "quantity": quantity, "unit_price_pence": PRICE_PENCE}],
            "delivery": {"option": "uk-standard", "name": "Launch Customer", "address": "1 Mint Street",
                         "postcode": "SW1A 1AA"},
            # A card order, as on the web: payments record the hold and its Stripe call for after
            # the commit (no worker runs, so Stripe is never called; the queue is purged at the end).
            "payment": {"method": "card", "stripe_payment_method_id": "pm_card_visa"},
            **promo,
        }).encode()
        head = (
            f"POST /api/v1/orders/ HTTP/1.1\r\nHost: 127.0.0.1:{connection.port}\r\nAuthorization: Token {token}\r\n"
            f"Content-Type: application/json\r\nIdempotency-Key: {uuid.uuid4().hex}\r\n"
        ).encode()
        started = time.perf_counter()
        status, payload = await asyncio.wait_for(connection.post(head, body), timeout=60)
        finished = time.perf_counter()
        code = json.loads(payload).get("code", "") if status >= 400 else ""
        results.append((status, code, quantity, finished - started, finished))


async def spike(port: int, product_id: int, tokens: list[str], meter: CpuMeter) -> tuple[list, float, float]:
    """The launch, after every client has warmed up its connection; the meter starts with the launch.
    Returns the results, when the launch started, and the load generator's CPU seconds during it."""
    clients = [(Connection(port), token) for token in tokens]
    await asyncio.gather(*(warm(connection, token) for connection, token in clients))
    share, extra = divmod(ATTEMPTS, CLIENTS)
    results: list = []
    meter.start()
    client_cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(
        client(connection, token, product_id, share + (n < extra), n, results)
        for n, (connection, token) in enumerate(clients)
    ))
    return results, started, time.process_time() - client_cpu


def pgbench() -> float:
    url = f"{SERVER}/{DB_NAME}"
    subprocess.run(["pgbench", "-i", "-q", "-s", "10", url], check=True, capture_output=True)
    out = subprocess.run(
        ["pgbench", "-c", str(CLIENTS), "-j", str(os.cpu_count() or 1), "-T", str(PGBENCH_SECONDS), url],
        check=True, capture_output=True, text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """p50, p95 and p99 of request times given in seconds, in milliseconds."""
    values = [s * 1000 for s in seconds]
    return {q: round(percentile(values, n), 1) for q, n in (("p50", 50), ("p95", 95), ("p99", 99))}


def main() -> None:
    began = time.monotonic()
    log(f"recreating {DB_NAME} and migrating")
    recreate_database()
    manage("migrate", "--noinput")
    product_id, tokens = seed()
    port = free_port()
    gunicorn = gunicorn_settings()
    log(f"gunicorn {gunicorn} on 127.0.0.1:{port}, its log in {GUNICORN_LOG}; {CLIENTS} clients, {ATTEMPTS} attempts")
    server = start_gunicorn(port)
    meter = CpuMeter(server.pid, DB_NAME)
    load_before = os.getloadavg()
    try:
        results, started, client_cpu = asyncio.run(spike(port, product_id, tokens, meter))
        load_after = os.getloadavg()
        meter.stop()
    finally:
        server.terminate()
        server.wait(30)

    from django.db.models import Sum

    from catalogue.models import Product
    from orders.models import Order, OrderLine

    accepted = [r for r in results if r[0] == 201]
    refused_for_stock = [r for r in results if r[1] == "out_of_stock"]
    other = [r for r in results if r[0] != 201 and r[1] != "out_of_stock"]
    sold = OrderLine.objects.filter(product_id=product_id, withdrawn_at__isnull=True).aggregate(n=Sum("quantity"))["n"]
    left = Product.objects.get(pk=product_id).stock
    stranded = left if any(r[2] <= left for r in refused_for_stock) else 0
    selling_seconds = (max(r[4] for r in accepted) - started) if accepted else 0.0
    orders_per_second = len(accepted) / selling_seconds if selling_seconds else 0.0
    sold_out_at = max(r[4] for r in accepted) if accepted else started
    refusals_after = [r for r in refused_for_stock if r[4] > sold_out_at]

    log(f"pgbench (TPC-B-like, scale 10, {CLIENTS} clients, {PGBENCH_SECONDS}s)")
    tps = pgbench()
    subprocess.run([PYTHON, "-m", "celery", "-A", "mint_shop", "purge", "-f"], cwd=BASE, env=ENV,
                   check=False, capture_output=True)  # the acknowledgments queued for a worker that never ran
    print(json.dumps({
        "orders_accepted": len(accepted),
        "orders_in_database": Order.objects.count(),
        "units_sold": sold,
        "mintage": MINTAGE,
        "oversold_units": max(0, sold - MINTAGE) + max(0, -left),
        "units_unsold_while_refused_for_stock": stranded,
        "attempts": len(results),
        "refused_for_stock": len(refused_for_stock),
        "other_responses": sorted({f"{r[0]} {r[1]}" for r in other}),
        "orders_per_second": round(orders_per_second, 1),
        "attempts_per_second": round(len(results) / (max(r[4] for r in results) - started), 1),
        "latency_ms": latency_ms([r[3] for r in results]),
        "pgbench_tps": round(tps, 1),
        "ratio_orders_per_second_to_pgbench_tps": round(orders_per_second / tps, 3) if tps else None,
        "gunicorn": gunicorn,
        "clients": CLIENTS,
        "cpus": os.cpu_count(),
        # The load generator shares the CPUs it measures: its own CPU seconds over the selling
        # and refusing phase, and the machine's load average (1 min) before and after it.
        "client_cpu_seconds": round(client_cpu, 1),
        "client_cpu_share_of_one_cpu": round(client_cpu / (max(r[4] for r in results) - started), 2),
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        # CPU milliseconds by part (bench/cpu.py): per accepted order while selling, and per
        # sold-out refusal after the last sale; "machine" is every CPU's busy time.
        "cpu_ms_per_accepted_order": meter.ms_each(started, sold_out_at, len(accepted)),
        "cpu_ms_per_refusal": meter.ms_each(sold_out_at, max(r[4] for r in results), len(refusals_after)),
        "run_seconds": round(time.monotonic() - began, 1),
    }))


if __name__ == "__main__":
    main()
