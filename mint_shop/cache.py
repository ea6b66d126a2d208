"""Django's Redis cache (the API's throttle counts, issue 14), keeping one Redis client object per pool.

Django's `RedisCacheClient.get_client` builds a `redis.Redis` on every call, and building one copies
redis-py's table of response callbacks: about 0.4 ms of CPU, twice per throttled request (DRF's
throttle reads the history and writes it back). The client is only a handle on the connection pool
(which Django already keeps) and is safe to share between threads, so one per pool is kept.
settings.py names this backend when CACHE_URL is redis://; tests/mint_shop/test_redis_clients.py fails if
a Django upgrade stops using the client below.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # the pools live as long as this object: ids are not reused
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
