"""Django's Redis cache, degrading to a per-process memory cache while Redis is unreachable.

Everything the site keeps in the cache can be rebuilt or is short-lived: rendered module pages
(keyed by a fingerprint of what they show), rendered previews (keyed by the text's hash) and
allauth's rate-limit counters. So when Redis is down the site keeps working on a local cache
instead of answering 500, and goes back to Redis by itself a few seconds after it returns.

Rate limits while Redis is down: they fail open to per-process counters (see the README). Each
server process counts on its own, so the limits still hold per process (with 2 gunicorn workers
an attacker gets at most twice the attempts), and sign-in keeps working for everyone: failing
closed would turn a cache outage into "nobody can sign in".
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
METHODS = ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
           "delete_many", "clear")


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        super().__init__(server, {**params, "OPTIONS": options})
        self.fallback = LocMemCache(f"redis-fallback-{server}", {"OPTIONS": {"MAX_ENTRIES": 2000}})
        self.down_until = 0.0

    def _call(self, name: str, *args, **kwargs):
        if time.monotonic() < self.down_until:
            return getattr(self.fallback, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE:
            # Skip Redis for a few seconds: every request waiting for a connect timeout would be
            # an outage of its own.
            self.down_until = time.monotonic() + self.retry_seconds
            logger.warning("Redis cache unreachable; using this process's memory for %ss",
                           self.retry_seconds, exc_info=True)
            return getattr(self.fallback, name)(*args, **kwargs)


def _delegate(name: str):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in METHODS:
    setattr(ResilientRedisCache, _name, _delegate(_name))
