"""A burst of 5,000 Feishu reminders within the platform's limits, on the stand-in's clock: the shared
Redis buckets pace the sends so the stand-in (which enforces 50 a second and 1,000 a minute in
sliding windows) never refuses one, and every learner gets exactly one card."""

import os
import uuid
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount

from integrations import ratelimit
from progress.models import Enrollment
from reminders import delivery
from reminders.models import ReminderLog, ReminderRule
from tests.factories import UserFactory
from tests.standins.directory import Member, Org, feishu_shape
from tests.standins.feishu import FeishuStandin
from tests.standins.server import SkippingClock

from .conftest import MORNING, TODAY

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LEARNERS = int(os.environ.get("BURST_LEARNERS", "5000"))


def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        give_up = pytest.fail if os.environ.get("REQUIRE_INTEGRATION") else pytest.skip
        give_up(f"the burst test needs a Redis server at {REDIS_URL} (set TEST_REDIS_URL)")
    return client


@pytest.fixture
def feishu(settings, monkeypatch):
    org = Org([], [Member(f"f{n:05d}", f"学员{n}", ["1"], "", "", "", "") for n in range(LEARNERS)])
    server = FeishuStandin(directory=feishu_shape(org), clock=SkippingClock()).start()
    settings.FEISHU_BASE_URL, settings.FEISHU_APP_ID, settings.FEISHU_APP_SECRET = (
        server.base_url, server.app_id, server.app_secret)
    client = redis_client()
    prefix = f"test-burst:{uuid.uuid4().hex[:8]}:"
    monkeypatch.setattr(ratelimit, "_default", ratelimit.RedisBucket(client, prefix=prefix, clock=server.clock))
    monkeypatch.setattr(delivery, "sleep", server.clock.advance)  # waiting skips the platform's clock ahead
    yield server
    server.stop()
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_five_thousand_cards_go_out_within_feishu_limits_exactly_once(imported_course, dispatch, feishu):
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(name="3 days before", kind="due_soon", days=3, channels=["feishu"])
    users = UserFactory.create_batch(LEARNERS)
    SocialAccount.objects.bulk_create(SocialAccount(user=u, provider="feishu", uid=f"f{n:05d}")
                                      for n, u in enumerate(users))
    Enrollment.objects.bulk_create(Enrollment(user=u, course=imported_course, due_date=TODAY + timedelta(days=3))
                                   for u in users)
    started = feishu.clock()

    dispatch(MORNING)

    assert ReminderLog.objects.filter(channel="feishu", status="sent").count() == LEARNERS
    delivered = [user for user, _ in feishu.delivered]
    assert len(delivered) == len(set(delivered)) == LEARNERS
    # Not one call was refused (a refused call would be an extra request): the limits held.
    assert len(feishu.calls("/open-apis/im/v1/messages")) == LEARNERS
    # 90 at once, then 15 a second: 5,000 cannot take less than 5.4 minutes of the platform's time.
    minutes = (feishu.clock() - started) / 60
    assert minutes >= 0.99 * (LEARNERS - 90) / 15 / 60, f"{LEARNERS} messages in {minutes:.1f} platform minutes"
