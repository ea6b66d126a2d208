"""Issue 15: the throttles' cache and Celery's publishing keep one Redis client object, not one per call.

Building a `redis.Redis` costs about 0.4 ms of CPU (mint_shop/cache.py, mint_shop/broker.py); these fail
if an upgrade of Django or kombu stops using the shared client, instead of the cost coming back unseen.
"""

import pytest
import redis
from django.conf import settings

from mint_shop.cache import RedisCache
from mint_shop.celery import app as celery_app
from tests.conftest import service_missing


@pytest.fixture
def redis_url():
    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set")
    return settings.REDIS_URL


@pytest.fixture
def clients_built(monkeypatch):
    built = []
    real_init = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    return built


def test_the_throttle_cache_counts_through_one_client_per_pool(redis_url, clients_built):
    cache = RedisCache(redis_url, {"KEY_PREFIX": "test-redis-clients"})
    cache.set("history", [1.0], 30)
    built = len(clients_built)
    for _ in range(5):
        cache.set("history", [*cache.get("history", []), 2.0], 30)
    assert cache.get("history") == [1.0] + [2.0] * 5
    assert len(clients_built) == built == 1
    cache.delete("history")


def test_celery_publishes_through_one_client_per_channel(redis_url, clients_built):
    conf = celery_app.conf
    assert conf.broker_transport == "mint_shop.broker:Transport"
    with celery_app.connection_for_write(redis_url) as connection, connection.Producer() as producer:
        with connection.SimpleQueue("test-redis-clients") as queue:
            queue.clear()
            for number in range(3):
                producer.publish({"n": number}, routing_key="test-redis-clients", declare=[])
                if number == 0:
                    built = len(clients_built)
            assert len(clients_built) == built
            assert sorted(queue.get(timeout=2).payload["n"] for _ in range(3)) == [0, 1, 2]
