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
