"""onestop.cache.get_many: what cache.get_many answers, on the Redis backend (when one is reachable) and any other."""
import secrets

import pytest
from django.core.cache import caches

from onestop import cache as onestop_cache

REDIS = "redis://127.0.0.1:6379/15"


def _redis_reachable():
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


VALUES = {"count": 3, "snapshot": {"rev": "ab", "absent": False}, "page": ("ab", None, b"<p>x</p>"), "no": None}


def _check():
    backend = caches["default"]
    backend.set_many({k: v for k, v in VALUES.items() if k != "no"})
    backend.set("falsy", 0)
    keys = [*VALUES, "falsy", "missing"]
    assert onestop_cache.get_many(keys) == backend.get_many(keys)
    assert onestop_cache.get_many(keys) == {"count": 3, "snapshot": VALUES["snapshot"], "page": VALUES["page"],
                                            "falsy": 0}


def test_same_as_get_many_on_the_local_memory_cache():
    _check()


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_same_as_get_many_on_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "onestop.cache.ReusingRedisCache", "LOCATION": REDIS,
                                   "KEY_PREFIX": f"t{secrets.token_hex(4)}"}}
    backend = caches["default"]
    assert isinstance(backend, onestop_cache.ReusingRedisCache)
    try:
        _check()
        backend.incr("count")  # a raw integer in Redis (not pickled): read back as one
        assert onestop_cache.get_many(["count"]) == {"count": 4}
    finally:
        backend.delete_many([*VALUES, "falsy"])
