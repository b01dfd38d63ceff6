"""Access tokens shared by every worker through the Django cache (Redis in production).

A token lives in the cache for its documented lifetime minus a margin. When it is missing, one
worker takes a short lock (cache.add) and fetches it while the others wait for it to appear,
so an expiry never turns into a stampede on the platform's token endpoint (which the platforms
throttle: "不能频繁调用gettoken接口，否则会受到频率拦截").
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache as default_cache

from .errors import PlatformUnavailable

Fetch = Callable[[], tuple[str, int]]  # returns (token, lifetime in seconds)

LOCK_SECONDS = 10  # longer than one token request with its timeout
POLL_SECONDS = 0.05


class TokenCache:
    def __init__(self, cache=None, *, margin: int | None = None, wait_seconds: float = 15.0):
        self.cache = cache or default_cache
        self.margin = settings.INTEGRATIONS_TOKEN_MARGIN_SECONDS if margin is None else margin
        self.wait_seconds = wait_seconds

    def get(self, key: str, fetch: Fetch) -> str:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            token = self.cache.get(key)
            if token:
                return token
            if self.cache.add(f"{key}:lock", 1, LOCK_SECONDS):
                try:
                    return self.cache.get(key) or self._refresh(key, fetch)
                finally:
                    self.cache.delete(f"{key}:lock")
            if time.monotonic() > deadline:
                raise PlatformUnavailable(key.split(":")[1], None, "waited too long for another worker's token fetch")
            time.sleep(POLL_SECONDS)

    def invalidate(self, key: str, token: str) -> None:
        """Forget `token` after the platform rejected it, unless another worker already
        replaced it (deleting the fresh one would cause a second fetch)."""
        if self.cache.get(key) == token:
            self.cache.delete(key)

    def _refresh(self, key: str, fetch: Fetch) -> str:
        token, lifetime = fetch()
        # Keep at least half the lifetime when the margin is larger than a short lifetime.
        ttl = max(lifetime - self.margin, lifetime // 2, 1)
        self.cache.set(key, token, ttl)
        return token
