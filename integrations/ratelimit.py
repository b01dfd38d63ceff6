"""A token bucket shared by every worker: "go" or "wait N seconds", never a silent drop.

Buckets are keyed per (platform, scope), e.g. ("wecom", "app:1000002:member:zhangsan") for
WeCom's 30 messages per member per minute. Production uses Redis, where one Lua script reads,
refills and takes in a single atomic step, with Redis's own clock so workers on different
machines agree. Without Redis (the embedded default) an in-process bucket does the same sums.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class Rule:
    """`rate` units per `per` seconds; the bucket holds at most `rate` (the allowed burst)."""

    rate: int
    per: float
    source: str = ""  # the documentation the numbers come from

    @property
    def refill_per_second(self) -> float:
        return self.rate / self.per


@dataclass(frozen=True)
class Decision:
    allowed: bool
    wait: float  # seconds until `cost` units are available again; 0.0 when allowed
    remaining: float


class Bucket(Protocol):
    def take(self, platform: str, scope: str, rule: Rule, cost: int = 1) -> Decision: ...


def _check_cost(rule: Rule, cost: int) -> None:
    if not 1 <= cost <= rule.rate:
        raise ValueError(f"cost {cost} can never fit a bucket of {rule.rate}")


# KEYS[1] bucket; ARGV: capacity, refill per second, cost, now (or "" for Redis TIME).
# Numbers go back as strings: Redis truncates Lua numbers to integers.
TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * refill)
  ts = now
end
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = (cost - tokens) / refill
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / refill * 1000) + 1000)
return {allowed, tostring(wait), tostring(tokens)}
"""


class RedisBucket:
    def __init__(self, client, *, prefix: str = "integrations:bucket:", clock: Callable[[], float] | None = None):
        self.client = client
        self.prefix = prefix
        self.clock = clock  # None: Redis's clock, shared by all workers
        self._script = client.register_script(TAKE_SCRIPT)

    def take(self, platform: str, scope: str, rule: Rule, cost: int = 1) -> Decision:
        _check_cost(rule, cost)
        now = "" if self.clock is None else repr(self.clock())
        allowed, wait, remaining = self._script(
            keys=[f"{self.prefix}{platform}:{scope}"], args=[rule.rate, repr(rule.refill_per_second), cost, now]
        )
        return Decision(bool(int(allowed)), _round_up(float(wait)), float(remaining))


class LocalBucket:
    """In-process bucket for the embedded default (one process, no Redis)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}

    def take(self, platform: str, scope: str, rule: Rule, cost: int = 1) -> Decision:
        _check_cost(rule, cost)
        key = f"{platform}:{scope}"
        with self._lock:
            now = self.clock()
            tokens, ts = self._state.get(key, (float(rule.rate), now))
            if now > ts:
                tokens, ts = min(rule.rate, tokens + (now - ts) * rule.refill_per_second), now
            if tokens >= cost:
                self._state[key] = (tokens - cost, ts)
                return Decision(True, 0.0, tokens - cost)
            self._state[key] = (tokens, ts)
            return Decision(False, _round_up((cost - tokens) / rule.refill_per_second), tokens)


def _round_up(seconds: float) -> float:
    # Millisecond precision, rounded up so that waiting `wait` is always enough.
    return math.ceil(seconds * 1000) / 1000


_default: Bucket | None = None
_default_lock = threading.Lock()


def default_bucket() -> Bucket:
    """The process-wide bucket: Redis when INTEGRATIONS_RATE_LIMIT_REDIS_URL (default:
    REDIS_URL) is set, else in-process."""
    global _default
    with _default_lock:
        if _default is None:
            url = settings.INTEGRATIONS_RATE_LIMIT_REDIS_URL
            if url:
                import redis

                _default = RedisBucket(redis.Redis.from_url(url))
            else:
                _default = LocalBucket()
        return _default
