"""The IM reminder measure: messages per second per channel (WeCom, DingTalk, Feishu), from logged
reminders to the platform's stand-in on loopback, through the real send path (claim, live re-check,
card rendering, batched platform calls, the shared buckets, recording). Everything it writes is
rolled back, as in the directory-sync measure.

The platforms' limits pace the sends (Feishu: 1,000 a minute); the pacing's waits skip the
stand-in's clock ahead instead of sleeping, so `per_s` is what the pipeline can do and
`per_platform_minute` shows the limit that held.

Alone: DATABASE_URL=… REDIS_URL=… DJANGO_SECRET_KEY=… DJANGO_SETTINGS_MODULE=bench.settings \\
       .venv/bin/python -m bench.channels   (migrate that database and import the course first)
"""

import json
import os
import time
import uuid
from datetime import timedelta
from unittest import mock

import django

django.setup()

import redis  # noqa: E402
from allauth.socialaccount.models import SocialAccount  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from courses.models import Course  # noqa: E402
from integrations import ratelimit  # noqa: E402
from progress.models import Enrollment  # noqa: E402
from reminders import delivery, services  # noqa: E402
from reminders.models import ReminderLog, ReminderRule  # noqa: E402
from reminders.rules import local_today  # noqa: E402
from tests.standins.dingtalk import DingTalkStandin  # noqa: E402
from tests.standins.directory import Member, Org, dingtalk_shape, feishu_shape, wecom_shape  # noqa: E402
from tests.standins.feishu import FeishuStandin  # noqa: E402
from tests.standins.server import SkippingClock  # noqa: E402
from tests.standins.wecom import WeComStandin  # noqa: E402

RECIPIENTS = int(os.environ.get("BENCH_CHANNEL_RECIPIENTS", "2000"))
CHANNELS = ("wecom", "dingtalk", "feishu")


class _RollBack(Exception):
    pass


def _standin(channel: str, org: Org):
    if channel == "wecom":
        server = WeComStandin(directory=wecom_shape(org), clock=SkippingClock()).start()
        return server, {"WECOM_BASE_URL": server.base_url, "WECOM_CORP_ID": server.corp_id,
                        "WECOM_AGENT_ID": server.agent_id, "WECOM_SECRET": server.secret}
    if channel == "dingtalk":
        server = DingTalkStandin(directory=dingtalk_shape(org), clock=SkippingClock()).start()
        return server, {"DINGTALK_API_BASE_URL": server.base_url, "DINGTALK_OAPI_BASE_URL": server.base_url,
                        "DINGTALK_APP_KEY": server.app_key, "DINGTALK_APP_SECRET": server.app_secret,
                        "DINGTALK_AGENT_ID": server.agent_id}
    server = FeishuStandin(directory=feishu_shape(org), clock=SkippingClock()).start()
    return server, {"FEISHU_BASE_URL": server.base_url, "FEISHU_APP_ID": server.app_id,
                    "FEISHU_APP_SECRET": server.app_secret}


WARM_UP = 20  # the first send imports the URL modules and loads the catalogues: not the pipeline's pace


def measure() -> dict:
    for channel in CHANNELS:
        _one(channel, WARM_UP)
    return {channel: _one(channel, RECIPIENTS) for channel in CHANNELS}


def _one(channel: str, recipients: int) -> dict:
    tag = uuid.uuid4().hex[:6]
    uids = [f"b{tag}{n:05d}" for n in range(recipients)]
    org = Org([], [Member(uid, f"学员{n}", ["1"], "", "", "", "") for n, uid in enumerate(uids)])
    server, overrides = _standin(channel, org)
    prefix = f"bench-channels:{tag}:"
    client = redis.Redis.from_url(settings.REDIS_URL) if settings.REDIS_URL else None
    bucket = ratelimit.RedisBucket(client, prefix=prefix, clock=server.clock) if client \
        else ratelimit.LocalBucket(clock=server.clock)
    result: dict = {"recipients": recipients}
    try:
        with override_settings(**overrides, REMINDER_WINDOW="00:00-00:00"), \
                mock.patch.object(ratelimit, "_default", bucket), \
                mock.patch.object(delivery, "sleep", server.clock.advance), transaction.atomic():
            result.update(_send_all(channel, uids, server))
            raise _RollBack
    except _RollBack:
        pass
    finally:
        server.stop()
        for key in client.scan_iter(f"{prefix}*") if client else []:
            client.delete(key)
    return result


def _send_all(channel: str, uids: list[str], server) -> dict:
    course = Course.objects.filter(archived_at__isnull=True).order_by("pk").first()
    rule = ReminderRule.objects.create(name="bench: 3 days before", kind="due_soon", days=3, channels=[channel])
    due = local_today(timezone.now(), settings.TIME_ZONE) + timedelta(days=3)
    users = User.objects.bulk_create([User(email=f"{uid}@bench.example", display_name=uid) for uid in uids])
    SocialAccount.objects.bulk_create([SocialAccount(user=u, provider=channel, uid=uid) for u, uid in zip(users, uids,
                                                                                                         strict=True)])
    enrollments = Enrollment.objects.bulk_create([Enrollment(user=u, course=course, due_date=due) for u in users])
    logs = ReminderLog.objects.bulk_create([
        ReminderLog(rule=rule, enrollment=e, recipient=u, period=due.isoformat(), channel=channel)
        for e, u in zip(enrollments, users, strict=True)])
    ids = [log.pk for log in logs]
    size = services.CHANNEL_BATCH[channel]
    platform_started, started = server.clock(), time.perf_counter()
    for start in range(0, len(ids), size):
        services.reminders_send_batch(log_ids=ids[start:start + size], retry_later=lambda pk: None,
                                      defer_later=lambda pks, wait: None)
    seconds = time.perf_counter() - started
    platform_minutes = max(server.clock() - platform_started, 1e-9) / 60
    sent = ReminderLog.objects.filter(pk__in=ids, status="sent").count()
    return {"sent": sent, "seconds": round(seconds, 2), "per_s": round(sent / seconds, 1),
            "platform_minutes": round(platform_minutes, 2),
            # Only where the limits paced the sends (the platform's clock ran ahead of the wall clock).
            "per_platform_minute": round(sent / platform_minutes) if platform_minutes * 60 > 1.5 * seconds else None,
            "requests": len(server.requests)}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
