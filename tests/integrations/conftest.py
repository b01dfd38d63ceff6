import os
import uuid

import pytest

from tests.standins.pytest_fixtures import *  # noqa: F403

REDIS_URL = os.environ.get("INTEGRATIONS_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def redis_client():
    """The real Redis the rate limiter runs on in production (its own db; keys cleaned up)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        message = f"the Redis token-bucket tests need a Redis at {REDIS_URL} (set INTEGRATIONS_TEST_REDIS_URL)"
        if os.environ.get("REQUIRE_INTEGRATION"):
            pytest.fail(message)
        pytest.skip(message)
    yield client
    client.close()


@pytest.fixture
def bucket_prefix(redis_client):
    prefix = f"test-integrations:{uuid.uuid4().hex}:"
    yield prefix
    for key in redis_client.scan_iter(f"{prefix}*"):
        redis_client.delete(key)
