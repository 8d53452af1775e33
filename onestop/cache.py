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


def get_many(keys) -> dict:
    """`cache.get_many(keys)` of the default cache, for keys this project built (short, plain ASCII).

    On ReusingRedisCache it skips what Django does per key besides prefixing it — the memcached-safety
    scan of every character (`validate_key`), a warning no Redis key needs — and the mapping back
    through a second dict: one MGET and the values' unpickling. ≈ 0.05 ms of the public lookup's
    ≈ 0.15 ms round trip (docs/performance.md, "Load test"). Any other backend: its own get_many.
    """
    from django.core.cache import caches

    backend = caches["default"]
    if not isinstance(backend, ReusingRedisCache):
        return backend.get_many(keys)
    made = [backend.make_key(key) for key in keys]
    client = backend._cache
    loads = client._serializer.loads
    found = client.get_client(None).mget(made)
    return {key: loads(value) for key, value in zip(keys, found, strict=True) if value is not None}
