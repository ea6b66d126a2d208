"""The production processes, started as a host starts them, take one order (issue 14, "Running it for real").

On a fresh database on the local PostgreSQL and the suite's Redis, with DEBUG off and real-looking secrets:
the release step (`manage.py release`), then `Procfile`'s web (gunicorn), worker and beat under honcho, with
localstripe in place of Stripe and an SMTP server that keeps what it receives. A customer registers, signs in
and places a card order through the API; the worker sends its emails; every line the processes write is a
JSON object, and the lines of a request (and of the tasks it queued) carry its request id.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.conftest import _free_port, localstripe_running, service_missing, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PROCESSES = ("web", "worker", "beat")
CUSTOMER = {
    "first_name": "Ada", "last_name": "Lovelace", "email": "ada.smoke@example.com", "date_of_birth": "1985-12-10",
    "postcode": "SW1A 1AA", "capacity_declared": True, "checks_agreed": True, "password": "an-unguessable-phrase-41",
}
# The one line (after a blank one) Celery prints rather than logs (celery.apps.worker, on SIGTERM).
CELERY_SHUTDOWN_NOTICE = "worker: Warm shutdown (MainProcess)"
SEED_CATALOGUE = """
import datetime as dt
from catalogue.models import DeliveryOption, Product, Range, TermsVersion
TermsVersion.objects.create(version="2026.1", published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), text="T&Cs")
DeliveryOption.objects.create(code="uk-standard", name="UK standard", region="uk", charge_pence=395)
gifts = Range.objects.create(code="gifts", name="Gifts")
print(Product.objects.create(sku="BOX-1", name="Keepsake coin box", range=gifts, price_pence=2500, stock=5).pk)
"""


class Mailbox:
    """aiosmtpd's handler: keeps every message the worker delivers."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted for delivery"


@pytest.fixture
def services():
    """The local PostgreSQL and Redis the suite runs on: production needs both."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        service_missing("the production smoke test needs PostgreSQL (DATABASE_URL=postgres://…)")
    if not settings.REDIS_URL:
        service_missing("the production smoke test needs Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        service_missing(f"Redis is not reachable: {exc}")
    return database


@pytest.fixture
def fresh_database(services, transactional_db):
    """A database of its own on the suite's PostgreSQL server, dropped afterwards.

    Made as a copy of the suite's test database, which pytest-django migrated from empty with these same
    migrations (and which holds, between tests, what the migrations wrote, or nothing after a flush):
    so the release step's `migrate` finds nothing to do here, and the test stays well under a minute
    (from empty, migrating alone takes 25 s of CPU).
    Where the copy cannot be made (another session is connected to it), the database starts empty.
    """
    import psycopg
    from django.db import connections

    name = f"mint_smoke_{uuid.uuid4().hex[:12]}"
    server = {
        "host": services["HOST"] or None, "port": services["PORT"] or None, "user": services["USER"] or None,
        "password": services["PASSWORD"] or None, "dbname": "postgres", "autocommit": True,
    }
    template = connections["default"].settings_dict["NAME"]
    connections.close_all()  # a database being copied must have no session open on it
    with psycopg.connect(**server) as conn:
        try:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        except psycopg.errors.ObjectInUse:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["DATABASE_URL"])
    yield urlunsplit(url._replace(path=f"/{name}"))
    with psycopg.connect(**server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def mailbox():
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def stripe_server(tmp_path):
    with localstripe_running(tmp_path / "localstripe.pickle") as server:
        yield server


@pytest.fixture
def production_env(fresh_database, mailbox, stripe_server, tmp_path):
    """What a production host's environment holds: DEBUG unset, no development secret left."""
    env = {name: value for name, value in os.environ.items() if name not in ("DEBUG", "LOG_FORMAT")}
    beat_prefix = f"mint-smoke-{uuid.uuid4().hex[:8]}:beat"
    env.update(
        DJANGO_SETTINGS_MODULE="mint_shop.settings",
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=fresh_database,
        REDIS_URL=settings.REDIS_URL,
        CACHE_URL=settings.REDIS_URL,  # throttles shared by the web workers
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STRIPE_SECRET_KEY=f"sk_test_{secrets.token_hex(12)}",
        STRIPE_WEBHOOK_SECRET=f"whsec_{secrets.token_hex(16)}",
        STRIPE_API_BASE=stripe_server.url,
        MINT_SMS_WEBHOOK_SECRET=secrets.token_hex(16),
        MINT_ERASURE_HASH_KEY=secrets.token_hex(16),
        EMAIL_URL=f"smtp://127.0.0.1:{mailbox.port}",
        MINT_VAR_DIR=str(tmp_path / "var"),
        GUNICORN_BIND=f"127.0.0.1:{_free_port()}",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        CELERY_CONCURRENCY="1",
        MINT_BEAT_KEY_PREFIX=beat_prefix,
    )
    yield env
    import redis

    connection = redis.Redis.from_url(settings.REDIS_URL)
    for key in connection.scan_iter(f"{beat_prefix}*"):
        connection.delete(key)


def _manage(env, *args) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _lines(log: Path) -> dict[str, list[str]]:
    """honcho's output by process: `12:00:00 web.1 | <line>`."""
    by_process: dict[str, list[str]] = {}
    for line in log.read_text().splitlines():
        prefix, _, text = line.partition(" | ")
        by_process.setdefault(prefix.split()[-1].split(".")[0], []).append(text)
    return by_process


def test_the_production_processes_start_take_an_order_and_log_json_with_the_request_id(
    production_env, mailbox, stripe_server, tmp_path
):
    env = production_env
    base = f"http://{env['GUNICORN_BIND']}"
    _manage(env, "release")
    product_id = int(_manage(env, "shell", "-c", SEED_CATALOGUE).split()[-1])

    log = tmp_path / "honcho.log"
    empty_env_file = tmp_path / "no.env"
    empty_env_file.write_text("")
    with log.open("w") as out:
        honcho = subprocess.Popen(
            [str(BIN / "honcho"), "-f", "Procfile", "-e", str(empty_env_file), "start", *PROCESSES],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        # The load balancer's check over plain HTTP: not redirected to HTTPS, the database and broker up.
        health = wait_for(lambda: _get_or_none(f"{base}/healthz"), 45, "/healthz")
        assert (health.status_code, health.json()["database"], health.json()["broker"]) == (200, "ok", "ok")
        generated_id = health.headers["X-Request-ID"]  # none was sent: one was made
        assert uuid.UUID(generated_id)

        https = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating load balancer says
        registered = requests.post(
            f"{base}/api/v1/register/", json=CUSTOMER, headers={**https, "X-Request-ID": uuid.uuid4().hex}, timeout=30
        )
        assert registered.status_code == 202, registered.text
        signed_in = requests.post(
            f"{base}/_allauth/app/v1/auth/login",
            json={"email": CUSTOMER["email"], "password": CUSTOMER["password"]}, headers=https, timeout=30,
        )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["meta"]["session_token"]

        card = requests.post(  # what Stripe.js does in the customer's browser
            f"{stripe_server.url}/v1/payment_methods",
            data={"type": "card", "card[number]": "4242424242424242", "card[exp_month]": "12",
                  "card[exp_year]": "2030", "card[cvc]": "123"},
            auth=(env["STRIPE_SECRET_KEY"], ""), timeout=30,
        ).json()["id"]
        order_request_id = uuid.uuid4().hex
        placed = requests.post(
            f"{base}/api/v1/orders/",
            json={
                "lines": [{"product_id": product_id, "quantity": 1}],
                "delivery": {"option": "uk-standard", "name": "Ada Lovelace", "address": "1 Mint Street",
                             "postcode": "SW1A 1AA"},
                "payment": {"method": "card", "stripe_payment_method_id": card},
            },
            headers={**https, "X-Session-Token": token, "X-Request-ID": order_request_id},
            timeout=30,
        )
        assert placed.status_code == 201, placed.text
        assert placed.headers["X-Request-ID"] == order_request_id
        order = requests.get(
            f"{base}/api/v1/orders/{placed.json()['id']}/", headers={**https, "X-Session-Token": token}, timeout=30
        ).json()
        assert order["total_pence"] == 2500 + 395

        # The worker delivers over SMTP what the requests queued: the address confirmation and the order's email.
        wait_for(lambda: len([m for m in mailbox.handler.messages if CUSTOMER["email"] in m[0]]) >= 2, 30,
                  "the worker's emails")
        # The worker made the order's card authorisation at Stripe under production settings: one hold.
        def holds():
            intents = requests.get(
                f"{stripe_server.url}/v1/payment_intents", params={"limit": 100},
                auth=(env["STRIPE_SECRET_KEY"], ""), timeout=30,
            ).json()["data"]
            mine = [i for i in intents if (i.get("metadata") or {}).get("mint_order") == str(order["id"])]
            return mine if mine and all(i["status"] != "requires_confirmation" for i in mine) else None

        assert [i["status"] for i in wait_for(holds, 30, "the order's hold at Stripe")] == ["requires_capture"]
        # The worker ran a task the order's request queued, under that request's id.
        wait_for(lambda: any(
            line.get("request_id") == order_request_id for line in _json(_lines(log).get("worker", []))
        ), 20, "a worker line with the order's request id")
    finally:
        honcho.send_signal(signal.SIGINT)  # as Ctrl-C: honcho asks each process to stop (SIGTERM)
        try:
            honcho.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
            raise

    by_process = _lines(log)
    for process in PROCESSES:
        assert by_process.get(process), f"{process} wrote nothing"
        for line in by_process[process]:
            if line in ("", CELERY_SHUTDOWN_NOTICE):
                continue
            assert isinstance(json.loads(line), dict), f"{process} wrote a line that is not a JSON object: {line}"
    web = _json(by_process["web"])
    access = {(line["method"], line["path"]): line for line in web if line["logger"] == "gunicorn.access"}
    assert access[("POST", "/api/v1/orders/")]["request_id"] == order_request_id
    assert access[("POST", "/api/v1/orders/")]["status"] == 201
    assert access[("GET", "/healthz")]["request_id"] == generated_id
    assert any("Acquired lock" in line["message"] for line in _json(by_process["beat"]))  # the one beat
    # Each stopped when asked, none killed.
    system = "\n".join(by_process.get("system", []))
    assert "SIGKILL" not in system, system
    assert any("Shutting down: Master" in line["message"] for line in web)


def _json(lines: list[str]) -> list[dict]:
    return [json.loads(line) for line in lines if line.startswith("{")]


def _get_or_none(url: str):
    try:
        return requests.get(url, timeout=10)
    except requests.RequestException:  # not listening yet, or a worker still loading the application
        return None
