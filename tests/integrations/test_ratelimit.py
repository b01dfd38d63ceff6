"""The shared token bucket: the Redis one production uses (against the real Redis here) and
the in-process fallback, with the same arithmetic."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from integrations.ratelimit import LocalBucket, RedisBucket, Rule

PER_MINUTE_20 = Rule(20, 60)
ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def burst(bucket, count: int, scope: str = "robot:abc"):
    return [bucket.take("wecom", scope, PER_MINUTE_20) for _ in range(count)]


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture(params=["redis", "local"])
def bucket(request, clock):
    if request.param == "local":
        return LocalBucket(clock=clock)
    client, prefix = request.getfixturevalue("redis_client"), request.getfixturevalue("bucket_prefix")
    return RedisBucket(client, prefix=prefix, clock=clock)


def test_a_burst_of_100_against_20_a_minute_lets_exactly_20_through_and_reports_the_wait(bucket):
    decisions = burst(bucket, 100)
    assert sum(d.allowed for d in decisions) == 20
    assert all(d.allowed for d in decisions[:20])
    # one unit comes back every 60/20 = 3 seconds
    assert {d.wait for d in decisions[20:]} == {3.0}


def test_waiting_the_reported_time_is_enough(bucket, clock):
    burst(bucket, 20)
    denied = bucket.take("wecom", "robot:abc", PER_MINUTE_20)
    clock.now += denied.wait
    assert bucket.take("wecom", "robot:abc", PER_MINUTE_20).allowed
    assert not bucket.take("wecom", "robot:abc", PER_MINUTE_20).allowed


def test_buckets_are_separate_per_platform_and_scope(bucket):
    burst(bucket, 20, "robot:abc")
    assert bucket.take("wecom", "robot:other", PER_MINUTE_20).allowed
    assert bucket.take("feishu", "robot:abc", PER_MINUTE_20).allowed


def test_a_cost_takes_that_many_units_and_reports_the_wait_for_all_of_them(bucket):
    assert bucket.take("wecom", "daily", PER_MINUTE_20, cost=15).allowed
    denied = bucket.take("wecom", "daily", PER_MINUTE_20, cost=10)
    assert not denied.allowed and denied.wait == 15.0  # 5 units missing, 3 s each


def test_a_cost_larger_than_the_bucket_is_a_programming_error(bucket):
    with pytest.raises(ValueError):
        bucket.take("wecom", "daily", PER_MINUTE_20, cost=21)


def test_two_threads_share_one_bucket(bucket):
    results = []
    lock = threading.Lock()

    def work():
        for decision in burst(bucket, 50):
            with lock:
                results.append(decision.allowed)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 100 and sum(results) == 20


WORKER = """
import sys, redis
sys.path.insert(0, {root!r})
from integrations.ratelimit import RedisBucket, Rule
bucket = RedisBucket(redis.Redis.from_url({url!r}), prefix={prefix!r})
print(sum(bucket.take("dingtalk", "robot:shared", Rule(20, 60)).allowed for _ in range(50)))
"""


def test_two_processes_share_one_bucket_on_redis_time(redis_client, bucket_prefix):
    # given two separate processes (as two Celery workers), on Redis's own clock
    from tests.integrations.conftest import REDIS_URL

    code = WORKER.format(root=str(ROOT), url=REDIS_URL, prefix=bucket_prefix)
    workers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    allowed = [int(worker.communicate(timeout=60)[0]) for worker in workers]
    # then together they got exactly the bucket's 20 (a refill needs 3 s, far more than the run)
    assert sum(allowed) == 20


def test_redis_bucket_keys_expire(redis_client, bucket_prefix):
    bucket = RedisBucket(redis_client, prefix=bucket_prefix)
    bucket.take("wecom", "member:zhangwei", PER_MINUTE_20)
    ttl = redis_client.pttl(f"{bucket_prefix}wecom:member:zhangwei")
    assert 0 < ttl <= 61_000  # a full refill, plus a second
