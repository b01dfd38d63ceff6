"""IM reminders with the real thing: PostgreSQL, Redis, a `celery worker` subprocess and the WeCom /
Feishu stand-ins on loopback. Two dispatches, a worker SIGKILLed mid-batch and a token that expires
mid-batch: every member gets one message per channel, never two."""

import time
from datetime import timedelta

import pytest
import redis
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from progress.models import Enrollment
from reminders.models import ReminderLog, ReminderRule
from reminders.rules import local_today
from tests.factories import UserFactory
from tests.standins.feishu import FeishuStandin
from tests.standins.wecom import WeComStandin

from .test_integration import REDIS_URL, REQUEUE_SECONDS, _needs_postgres_and_redis, smtp, stack, wait_for

__all__ = ["_needs_postgres_and_redis", "smtp", "stack"]  # the fixtures this module borrows
MEMBERS = ["zhangwei", "lina", "wangfang", "liuyang", "chenjing", "yangfan"]  # active in both stand-ins
MESSAGES = "/open-apis/im/v1/messages"


def forget_cached_tokens() -> None:
    """Tokens another test's stand-in issued are unknown to this one (the client would refetch)."""
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter("*integrations:*:token:*"):
        client.delete(key)


@pytest.fixture
def wecom(stack):
    server = WeComStandin().start()
    stack.env.update({"WECOM_BASE_URL": server.base_url, "WECOM_CORP_ID": server.corp_id,
                      "WECOM_AGENT_ID": server.agent_id, "WECOM_SECRET": server.secret})
    forget_cached_tokens()
    yield server
    server.stop()


@pytest.fixture
def feishu(stack):
    server = FeishuStandin().start()
    stack.env.update({"FEISHU_BASE_URL": server.base_url, "FEISHU_APP_ID": server.app_id,
                      "FEISHU_APP_SECRET": server.app_secret})
    forget_cached_tokens()
    yield server
    server.stop()


def members_due_in_three_days(course, platform: str, *channels: str) -> None:
    ReminderRule.objects.all().delete()
    ReminderRule.objects.create(name="3 days before", kind="due_soon", days=3, channels=list(channels))
    due = local_today(timezone.now(), "Asia/Shanghai") + timedelta(days=3)
    for uid in MEMBERS:
        user = UserFactory(email=f"{uid}@example.com")
        SocialAccount.objects.create(user=user, provider=platform, uid=uid)
        Enrollment.objects.create(user=user, course=course, due_date=due)


def final(count: int) -> bool:
    return ReminderLog.objects.filter(status__in=["sent", "failed"]).count() == count


def delivered_to(server) -> list[str]:
    return sorted(user for user, _ in server.delivered)


def test_wecom_and_email_each_arrive_once_after_two_dispatches(stack, smtp, wecom, imported_course):
    members_due_in_three_days(imported_course, "wecom", "email", "wecom")
    smtp.start()
    stack.start_worker()
    assert "12 reminder(s) queued" in stack.dispatch()
    assert "0 reminder(s) queued" in stack.dispatch()
    wait_for(lambda: ReminderLog.objects.filter(status="sent").count() == 12, "six emails and six cards")
    stack.dispatch()
    time.sleep(1)  # anything extra would have arrived by now
    assert delivered_to(wecom) == sorted(MEMBERS) and len(wecom.calls("/cgi-bin/message/send")) == 1
    assert smtp.inbox.recipients() == sorted(f"{uid}@example.com" for uid in MEMBERS)
    card = next(body["textcard"] for user, body in wecom.delivered if user == "lina")
    assert "/accounts/sso/wecom/?next=" in card["url"]  # signed in inside WeCom, then the module


def test_a_worker_killed_mid_batch_sends_nothing_twice(stack, smtp, feishu, imported_course):
    members_due_in_three_days(imported_course, "feishu", "feishu")
    feishu.slow(MESSAGES, 1.0)  # long enough to kill the worker while the third card is in flight
    first = stack.start_worker()
    stack.dispatch()
    wait_for(lambda: len(feishu.calls(MESSAGES)) >= 3, "the third card to be in flight")
    stack.kill(first)
    assert ReminderLog.objects.filter(status="sending").count() == 4  # the one in flight and three to go
    feishu.slow(MESSAGES, 0)
    stack.start_worker()
    time.sleep(REQUEUE_SECONDS)
    stack.dispatch()  # takes over the rows the killed worker claimed
    wait_for(lambda: final(6), "every reminder to be settled")
    time.sleep(0.5)
    assert delivered_to(feishu) == sorted(MEMBERS)  # the card in flight arrived; none arrived twice
    in_doubt = ReminderLog.objects.get(status="failed")
    assert in_doubt.error_code == "in-doubt" and in_doubt.attempted_at is not None
    assert ReminderLog.objects.filter(status="sent").count() == 5


def test_a_token_that_expires_mid_batch_is_refreshed_and_the_batch_completes(stack, smtp, feishu,
                                                                            imported_course):
    members_due_in_three_days(imported_course, "feishu", "feishu")
    feishu.slow(MESSAGES, 0.3)
    stack.start_worker()
    stack.dispatch()
    wait_for(lambda: len(feishu.calls(MESSAGES)) >= 2, "two cards sent")
    issued = feishu.tenant_tokens.issued
    feishu.clock.advance(7300)  # the token the worker holds is now expired at the platform
    wait_for(lambda: final(6), "the batch to complete")
    assert ReminderLog.objects.filter(status="sent").count() == 6
    assert delivered_to(feishu) == sorted(MEMBERS)
    assert feishu.tenant_tokens.issued == issued + 1
    assert len(feishu.calls(MESSAGES)) == 7  # one call refused with the expired token, then retried
