"""Sending claimed reminders to people's work IM (WeCom, DingTalk, Feishu) and to group robots.

Logs that carry the same message on the same channel go out together, in the largest batch the
platform's API takes (WeCom 1000 recipients, DingTalk 100, Feishu one call per person). Before
each call the batch's rows get `attempted_at`, and right after it each row is recorded as sent,
failed (with the platform's error code) or deferred: a rate limit (ours, shared in Redis, or the
platform's code) defers the rest of the group to a later time instead of dropping anything. A
wait of a second or two is slept inside the task; a longer one leaves the rows "deferred".
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from integrations.dingtalk import WORK_NOTICE_BATCH, DingTalkClient
from integrations.entities import Message, SendResult
from integrations.errors import InvalidCredentials, PlatformError, PlatformUnavailable, RateLimited, TokenExpired
from integrations.feishu import FeishuClient
from integrations.ratelimit import Rule, default_bucket
from integrations.wecom import DAILY_RECIPIENTS_PER_SEAT, MAX_RECIPIENTS_PER_SEND, WeComClient

from .models import ReminderChannel

Channel = ReminderChannel
sleep = time.sleep  # tests move the stand-ins' clock instead of waiting

SHORT_WAIT_SECONDS = 2.0
INLINE_WAIT_BUDGET_SECONDS = 30.0  # at most this much sleeping per task; the rest is deferred
# WeCom drops a repeat of the same message to the same member within this interval (at most 4 h):
# a second line of defence should a send ever be repeated.
WECOM_DUPLICATE_CHECK_SECONDS = 4 * 3600
CHUNK = {Channel.WECOM: MAX_RECIPIENTS_PER_SEND, Channel.DINGTALK: WORK_NOTICE_BATCH, Channel.FEISHU: 1}
# Channel-wide limits, shared by all workers through Redis. A token bucket lets through its burst
# plus its rate over any window, so each is sized for burst + rate × window <= the platform's
# limit in every sliding window of that length. Feishu im/v1/messages: "1000 次/分钟、50 次/秒" per
# app: 90 + 15/s × 60 s = 990 a minute, 4 + 40/s × 1 s = 44 a second.
FEISHU_MESSAGES = "https://open.feishu.cn/document/server-docs/im-v1/message/create"
CHANNEL_LIMITS = {
    Channel.FEISHU: (("second", Rule(4, 0.1, FEISHU_MESSAGES)), ("minute", Rule(90, 6, FEISHU_MESSAGES))),
}


@dataclass
class Outcome:
    """What happened to each recipient id of one group."""

    sent: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    deferred: dict[str, float] = field(default_factory=dict)  # seconds to wait
    failed: dict[str, tuple[str, str]] = field(default_factory=dict)  # (platform code, message)
    unavailable: dict[str, str] = field(default_factory=dict)  # transient: retried with backoff
    refused: list[str] = field(default_factory=list)  # answered "wait", not delivered: tried again here
    message_id: str = ""  # the platform's id of the call (one call per chunk)


Send = Callable[[list[str], Message], SendResult]


def _robot(send_one: Callable[[Message], None]) -> Send:
    def send(recipients: list[str], message: Message) -> SendResult:
        send_one(message)
        return SendResult(sent=tuple(recipients))
    return send


def sender(channel: str) -> Send:
    s = settings
    if channel == Channel.WECOM:
        client = WeComClient()
        return lambda users, message: client.send_message(
            users, message, duplicate_check_seconds=WECOM_DUPLICATE_CHECK_SECONDS)
    if channel == Channel.DINGTALK:
        return DingTalkClient().send_work_notice
    if channel == Channel.FEISHU:
        return FeishuClient().send_message
    if channel == Channel.WECOM_ROBOT:
        return _robot(lambda m: WeComClient().robot_send(key=s.WECOM_ROBOT_KEY, message=m))
    if channel == Channel.DINGTALK_ROBOT:
        return _robot(lambda m: DingTalkClient().robot_send(
            access_token=s.DINGTALK_ROBOT_ACCESS_TOKEN, secret=s.DINGTALK_ROBOT_SECRET, message=m))
    if channel == Channel.FEISHU_ROBOT:
        return _robot(lambda m: FeishuClient().bot_send(
            hook_token=s.FEISHU_ROBOT_HOOK_TOKEN, secret=s.FEISHU_ROBOT_SECRET, message=m))
    raise ValueError(f"not an IM channel: {channel}")


def _chunk_size(channel: str) -> int:
    if channel == Channel.WECOM and settings.WECOM_ACCOUNT_LIMIT:
        # The client takes a whole call from the daily bucket of seats × 200: a call must fit in it.
        return min(CHUNK[channel], settings.WECOM_ACCOUNT_LIMIT * DAILY_RECIPIENTS_PER_SEAT)
    return CHUNK.get(channel, 1)


def _channel_wait(channel: str, cost: int) -> float:
    """0 when every channel bucket gave `cost` tokens, else the wait. Tokens an earlier bucket gave
    are spent even when a later one refuses: that errs on the side of sending less."""
    for name, rule in CHANNEL_LIMITS.get(channel, ()):
        decision = default_bucket().take("reminders", f"channel:{channel}:{name}", rule, cost)
        if not decision.allowed:
            return decision.wait
    return 0.0


def deliver(*, channel: str, message: Message, recipients: Sequence[str], send: Send,
            attempting: Callable[[list[str]], None], record: Callable[[Outcome], None]) -> None:
    """Send one message to recipients on one channel. `attempting` is called before each platform
    call and `record` right after it, so a worker killed mid-group leaves only the call in flight
    in doubt; what waits for a rate limit is recorded last, as deferred."""
    slept = 0.0
    size = _chunk_size(channel)
    queue = list(dict.fromkeys(recipients))
    while queue:
        chunk, queue = queue[:size], queue[size:]
        done = Outcome()
        wait = _channel_wait(channel, len(chunk))
        if wait:
            done.deferred = dict.fromkeys(chunk, wait)
        else:
            attempting(chunk)
            wait = _send_chunk(send, chunk, message, done)
        waiting, done.deferred = done.deferred, {}
        done.refused = list(waiting)
        record(done)
        if not waiting:
            continue
        if wait <= SHORT_WAIT_SECONDS and slept + wait <= INLINE_WAIT_BUDGET_SECONDS:
            sleep(wait)
            slept += wait
            queue = list(waiting) + queue
            continue
        record(Outcome(deferred={**waiting, **dict.fromkeys(queue, wait)}))
        return


def _send_chunk(send: Send, chunk: list[str], message: Message, outcome: Outcome) -> float:
    """One platform call; returns how long to wait before the unsent rest may go (0: go on)."""
    try:
        result = send(chunk, message)
    except RateLimited as exc:
        outcome.deferred.update(dict.fromkeys(chunk, exc.retry_after))
        return max(exc.retry_after, 0.001)
    except (PlatformUnavailable, InvalidCredentials, TokenExpired) as exc:
        # Down, or refusing our app's credentials: once the platform or its settings are fixed it
        # should go, so it is retried with backoff (and the dispatcher's sweep) rather than failed.
        outcome.unavailable.update(dict.fromkeys(chunk, str(exc)))
        return 0.0
    except PlatformError as exc:
        outcome.failed.update(dict.fromkeys(chunk, (str(exc.code if exc.code is not None else ""), exc.message)))
        return 0.0
    outcome.sent.extend(result.sent)
    outcome.invalid.extend(result.invalid)
    outcome.message_id = ",".join(result.message_ids)[:64]
    outcome.deferred.update(result.deferred)
    return max(result.deferred.values(), default=0.0)
