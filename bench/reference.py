"""The ceiling of the launch benchmark on this machine: a bare DRF endpoint beside pgbench.

    python -m bench.reference        # after `make bench`, on its database

Runs gunicorn exactly as `make bench` does (gunicorn.conf.py, production's middleware), but
serving only `bench/reference_urls.py`: one hot-row UPDATE and one INSERT in a transaction,
nothing else. The same 64 keep-alive clients make the same number of attempts; then pgbench
runs. The ratio it prints is what any order path can at best reach here, since an order does
at least this work; bench/README.md compares it with `make bench`'s. Not a test.
"""

import asyncio
import json
import os
import time

from bench import launch
from bench.cpu import CpuMeter

TABLE = "bench_reference_sale"  # what bench/reference_urls.py writes to; made and dropped here


async def _attempts(connection: launch.Connection, head: bytes, body: bytes, count: int, results: list) -> None:
    for _ in range(count):
        started = time.perf_counter()
        status, _ = await connection.post(head, body)
        finished = time.perf_counter()
        results.append((status, finished - started, finished))


async def _run(port: int, product_id: int, meter: CpuMeter) -> tuple[list, float]:
    """Every client warms its connection with one sale (a launch's servers are up before it), then the
    meter starts and the clients sell. Returns the results and when the selling started."""
    head = f"POST /reference/sale/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n".encode()
    body = json.dumps({"product_id": product_id}).encode()
    connections = [launch.Connection(port) for _ in range(launch.CLIENTS)]
    await asyncio.gather(*(connection.post(head, body) for connection in connections))
    results: list = []
    meter.start()
    started = time.perf_counter()
    share = launch.ATTEMPTS // launch.CLIENTS
    await asyncio.gather(*(_attempts(connection, head, body, share, results) for connection in connections))
    return results, started


def main() -> None:
    os.environ.update(launch.ENV)
    import django

    django.setup()
    from django.db import connection

    from catalogue.models import Product, Range

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, product_id integer NOT NULL,"
                       " sold_at timestamptz NOT NULL DEFAULT now())")
    product_id = Product.objects.create(sku="REFERENCE", name="Reference", range=Range.objects.first(),
                                        price_pence=launch.PRICE_PENCE, stock=1_000_000_000).pk
    launch.ENV["DJANGO_SETTINGS_MODULE"] = "bench.reference_settings"
    port = launch.free_port()
    launch.log(f"reference endpoint on 127.0.0.1:{port}; {launch.CLIENTS} clients, {launch.ATTEMPTS} attempts")
    server = launch.start_gunicorn(port)
    meter = CpuMeter(server.pid, launch.DB_NAME)
    try:
        results, started = asyncio.run(_run(port, product_id, meter))
        meter.stop()
    finally:
        server.terminate()
        server.wait(30)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # nosec B608
        written = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {TABLE}")
    Product.objects.filter(pk=product_id).delete()
    ended = max(r[2] for r in results)
    launch.log("pgbench")
    tps = launch.pgbench()
    per_second = len(results) / (ended - started)
    print(json.dumps({
        "sales": len(results),
        "rows_written": written,
        "statuses": sorted({r[0] for r in results}),
        "sales_per_second": round(per_second, 1),
        "latency_ms": launch.latency_ms([r[1] for r in results]),
        "pgbench_tps": round(tps, 1),
        "ratio_sales_per_second_to_pgbench_tps": round(per_second / tps, 3),
        "cpu_ms_per_sale": meter.ms_each(started, ended, len(results)),
        "clients": launch.CLIENTS,
        "gunicorn": launch.gunicorn_settings(),
    }))


if __name__ == "__main__":
    main()
