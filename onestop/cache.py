"""Django's Redis cache, keeping its Redis client object instead of building one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` constructs a `redis.Redis` for every
cache operation (the pool is reused, the client is not); the constructor fills its table of ~170
response callbacks each time: ≈ 0.1–0.4 ms of CPU per call, more than the round trip it serves, on
the public lookup's one `get_many` (docs/performance.md, "Load test"). A client over a shared pool is
safe to reuse; Django's cache handler gives each thread its own backend instance anyway.
"""
from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    """settings.CACHES "BACKEND": "onestop.cache.ReusingRedisCache" (with CACHE_URL)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
