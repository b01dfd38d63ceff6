"""Writes for reminders: dispatch (log + queue), the guarded send, opt-outs.

Exactly once per channel: every reminder has one ReminderLog row per channel, unique per
(enrollment, rule, period, channel). A worker may send only after an UPDATE moved that row from
"pending" (or "deferred" whose time has come) to "sending" (or took over a "sending" row abandoned
longer than REMINDER_REQUEUE_SECONDS ago, i.e. a killed worker), and marks it "sent" right after
the SMTP server or the platform accepted the message. Duplicate tasks (retries, two beats,
redelivery after a crash, a rerun) find the row claimed or sent and stop. A failed send puts the
row back to "pending"; the dispatcher queues such rows again, so none is lost. An IM row taken
over after its platform call had started (`attempted_at`) may have been delivered: it is marked
failed ("in-doubt") and not sent again. Each channel's row stands alone, so one channel's failure
never holds up another's.
"""

import logging
import smtplib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from accounts.models import User
from audit.services import audit_record
from progress.models import Enrollment
from progress.selectors import enrollments_progress

from . import delivery, selectors
from .channels import PLATFORM_OF
from .delivery_reports import dingtalk_reports_check
from .emails import message_for
from .im_messages import message_for_channel
from .models import (
    ROBOT_CHANNELS,
    ReminderCategory,
    ReminderChannel,
    ReminderKind,
    ReminderLog,
    ReminderOptOut,
    ReminderRule,
)
from .rules import Candidate, in_window, local_today, reason_text, zone

logger = logging.getLogger(__name__)
Status = ReminderLog.Status


class ReminderTransientError(Exception):
    """The SMTP server or the network failed in a way worth retrying later."""


@dataclass
class DispatchResult:
    batches: int = 0
    queued: int = 0
    requeued: int = 0
    corrected: int = 0  # DingTalk notices its delivery reports showed were held back or not delivered

    def as_dict(self) -> dict:
        return asdict(self)


# Reminders per queued task: one broker message and one SMTP connection for the lot, instead of
# one each (publishing 5,000 messages one by one was most of a dispatch). The price: a worker
# killed mid-batch leaves the rest of its batch to the next dispatch's sweep of rows queued more
# than REMINDER_REQUEUE_SECONDS ago (the broker hides an unacknowledged message for an hour).
SEND_BATCH = 50
# IM batches are larger: logs with the same message go out in one call of up to 1000 recipients.
CHANNEL_BATCH = {ReminderChannel.EMAIL: SEND_BATCH, ReminderChannel.WECOM: 1000, ReminderChannel.DINGTALK: 500,
                 ReminderChannel.FEISHU: 200}
ROBOT_BATCH = 5


def _queue(rows: list[tuple[int, str]]) -> None:
    by_channel: dict[str, list[int]] = {}
    for pk, channel in rows:
        by_channel.setdefault(channel, []).append(pk)
    for channel, ids in sorted(by_channel.items()):
        size = CHANNEL_BATCH.get(channel, ROBOT_BATCH)
        for start in range(0, len(ids), size):
            # robust: with in-process tasks (no broker) one failing batch must not stop the others.
            transaction.on_commit(_send_later(ids[start:start + size]), robust=True)


def _send_later(log_ids: list[int]) -> Callable[[], None]:
    def queue_reminder_send() -> None:  # a named function: Django logs its __qualname__ on errors
        from .tasks import reminder_send_batch_task  # tasks import services: import here, not at the top

        reminder_send_batch_task.delay(log_ids)

    return queue_reminder_send


def _claim_for_queueing(query, now: datetime) -> list[tuple[int, str]]:
    """Lock the rows we are about to queue so a second dispatcher running now skips them."""
    rows = list(query.select_for_update(skip_locked=True).values_list("pk", "channel"))
    ReminderLog.objects.filter(pk__in=[pk for pk, _ in rows]).update(queued_at=now)
    return rows


@transaction.atomic
def reminder_logs_create(*, candidates: list[Candidate], now: datetime) -> int:
    """Insert the gate rows (existing ones are left alone) and queue one task per new row."""
    if not candidates:
        return 0
    with translation.override("en"):
        ReminderLog.objects.bulk_create([
            ReminderLog(rule=c.rule, enrollment_id=c.enrollment_id, recipient_id=c.recipient.id,
                        period=c.period, channel=channel, reason=reason_text(c.reason)[:200])
            for c in candidates for channel in c.channels
        ], ignore_conflicts=True)
    enrollment_ids = {c.enrollment_id for c in candidates if c.enrollment_id}
    recipients = {c.recipient.id for c in candidates if not c.enrollment_id}
    fresh = ReminderLog.objects.filter(status=Status.PENDING, queued_at__isnull=True).filter(
        Q(enrollment_id__in=enrollment_ids) | Q(enrollment__isnull=True, recipient_id__in=recipients))
    rows = _claim_for_queueing(fresh, now)
    _queue(rows)
    return len(rows)


def reminders_requeue_stale(*, now: datetime, batch_size: int = selectors.BATCH_SIZE) -> int:
    """Queue again what was queued or claimed long ago and never sent (lost message, dead worker),
    and what a rate limit deferred until now."""
    cutoff = now - timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    stale = ReminderLog.objects.filter(Q(status=Status.PENDING, queued_at__lt=cutoff)
                                       | Q(status=Status.SENDING, claimed_at__lt=cutoff)
                                       | Q(status=Status.DEFERRED, not_before__lte=now))
    total, last = 0, 0
    while True:
        rows = list(stale.filter(pk__gt=last).order_by("pk").values_list("pk", "recipient__timezone")
                    [:batch_size])
        if not rows:
            return total
        last = rows[-1][0]
        awake = [pk for pk, tz in rows if in_window(now, tz)]  # at night they wait for the morning
        with transaction.atomic():
            claimed = _claim_for_queueing(stale.filter(pk__in=awake), now)
            _queue(claimed)
        total += len(claimed)


def reminders_dispatch(*, now: datetime | None = None, batch_size: int = selectors.BATCH_SIZE) -> DispatchResult:
    """Scan enrollments batch by batch, log and queue what qualifies now, then sweep stale rows."""
    now = now or timezone.now()
    rules, result = selectors.active_rules(), DispatchResult()
    if rules:
        for batch in selectors.fact_batches(now=now, batch_size=batch_size):
            result.batches += 1
            candidates = [c for c in selectors.batch_candidates(batch, rules, now)
                          if in_window(now, c.recipient.timezone)]
            result.queued += reminder_logs_create(candidates=candidates, now=now)
        digests = [c for c in selectors.digest_candidates(rules, selectors.digest_recipients(), now)
                   if in_window(now, c.recipient.timezone)]
        result.queued += reminder_logs_create(candidates=digests, now=now)
    result.corrected = dingtalk_reports_check(now=now)
    result.requeued = reminders_requeue_stale(now=now, batch_size=batch_size)
    return result


def _finish(log_id: int, status: str, error: str = "", **fields) -> None:
    ReminderLog.objects.filter(pk=log_id).update(status=status, last_error=error[:300], **fields)


def is_transient(error: Exception) -> bool:
    """Server or network trouble is retried; only a 5xx refusal of this recipient or message is final.

    (A refused login or sender is the server's configuration: once fixed, the reminder should go.)
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code < 500
    # smtplib.SMTPException, refused or reset connections, timeouts, a send that hit the task's time limit
    return isinstance(error, OSError | SoftTimeLimitExceeded)


def reminder_send(*, log_id: int, now: datetime | None = None) -> str:
    """Send one logged reminder if it still qualifies; returns what happened (for logs and tests)."""
    now = now or timezone.now()
    if not _claim_many([log_id], now):
        return "already-handled"
    log = ReminderLog.objects.select_related("rule", "recipient").filter(pk=log_id).first()
    if log is None:
        return "gone"
    if log.channel == ReminderChannel.EMAIL:
        return _deliver(log, selectors.live_candidate(log=log, now=now), now)
    retry: list[int] = []
    outcomes = _send_im([log], selectors.live_candidates(logs=[log], now=now), now, retry.append,
                        lambda ids, wait: None)
    if retry:
        raise ReminderTransientError(log.last_error or "platform unavailable")
    return next(iter(outcomes))


def _deliver(log: ReminderLog, candidate: Candidate | None, now: datetime, connection=None) -> str:
    """Send a claimed reminder that still qualifies (``candidate``, checked after the claim)."""
    if candidate is None:
        _finish(log.pk, Status.SKIPPED, "no longer qualifies")
        return "skipped"
    if not in_window(now, candidate.recipient.timezone):
        _finish(log.pk, Status.PENDING, "outside the daytime window", queued_at=now)
        return "deferred"
    try:
        message = message_for(candidate, log)
        message.connection = connection
        message.send()
    except Exception as error:
        if not is_transient(error):
            _finish(log.pk, Status.FAILED, f"{type(error).__name__}: {error}")
            logger.exception("reminder %s failed for good", log.pk)
            return "failed"
        # Back to pending: the task's retry, or the next dispatch after a crash, picks it up again.
        _finish(log.pk, Status.PENDING, f"{type(error).__name__}: {error}", queued_at=timezone.now())
        raise ReminderTransientError(str(error)) from error
    _finish(log.pk, Status.SENT, sent_at=timezone.now())
    return "sent"


def _claim_many(log_ids: list[int], now: datetime) -> list[int]:
    """Claim rows in one go: pending ones, deferred ones whose time has come, and those a killed
    worker abandoned; rows another worker holds are skipped."""
    abandoned = now - timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    open_rows = ReminderLog.objects.filter(pk__in=log_ids).filter(
        Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=abandoned)
        | Q(status=Status.DEFERRED, not_before__lte=now))
    with transaction.atomic():
        ids = list(open_rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
        ReminderLog.objects.filter(pk__in=ids).update(status=Status.SENDING, claimed_at=now,
                                                      attempts=F("attempts") + 1)
    return ids


def reminders_send_batch(*, log_ids: list[int], retry_later: Callable[[int], None],
                         defer_later: Callable[[list[int], float], None]) -> dict[str, int]:
    """Send several logged reminders: one claim, one re-check of who still qualifies, then one
    SMTP connection for the emails and one platform call per IM message and batch. One that fails
    in a way worth retrying is handed to ``retry_later`` (its own task, with backoff); those a
    rate limit deferred are handed to ``defer_later`` with the wait; the batch goes on."""
    now = timezone.now()
    logs = list(ReminderLog.objects.select_related("rule", "recipient").filter(pk__in=_claim_many(log_ids, now))
                .order_by("pk"))
    candidates = selectors.live_candidates(logs=logs, now=now)
    outcomes: dict[str, int] = {"already-handled": len(set(log_ids)) - len(logs)}
    emails = [log for log in logs if log.channel == ReminderChannel.EMAIL]
    for outcome, count in _send_im([log for log in logs if log.channel != ReminderChannel.EMAIL], candidates, now,
                                   retry_later, defer_later).items():
        outcomes[outcome] = outcomes.get(outcome, 0) + count
    if emails:
        _send_emails(emails, candidates, now, retry_later, outcomes)
    return outcomes


def _send_emails(logs: list[ReminderLog], candidates: dict, now: datetime, retry_later: Callable[[int], None],
                 outcomes: dict[str, int]) -> None:
    connection = _open_connection()
    try:
        for log in logs:
            try:
                outcome = _deliver(log, candidates.get(log.pk), now, connection)
            except ReminderTransientError:
                connection.close()
                connection = _open_connection()  # the next email gets a fresh connection
                retry_later(log.pk)
                outcome = "retry"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    finally:
        connection.close()


IN_DOUBT = "in-doubt"  # error code of an IM row whose platform call a killed worker left unanswered
INVALID_RECIPIENT = "invalid-recipient"  # the platform does not know this person (or not in the app's scope)
RENDER_FAILED = "render-failed"  # our own error: the message could not be built


def _address(log: ReminderLog, candidate: Candidate) -> str:
    """The recipient id on the log's platform; a robot's post has no person, so the log names it."""
    if log.channel in ROBOT_CHANNELS:
        return f"log-{log.pk}"
    return candidate.recipient.uid(PLATFORM_OF[log.channel])


def _send_im(logs: list[ReminderLog], candidates: dict, now: datetime, retry_later: Callable[[int], None],
             defer_later: Callable[[list[int], float], None]) -> dict[str, int]:
    """Group the claimed IM logs by channel and message, then send each group (delivery.deliver)."""
    outcomes: dict[str, int] = {}

    def count(outcome: str, n: int = 1) -> None:
        if n:
            outcomes[outcome] = outcomes.get(outcome, 0) + n

    groups: dict[tuple, dict[str, list[int]]] = {}
    progress = enrollments_progress(enrollment_ids=[log.enrollment_id for log in logs if log.enrollment_id])
    for log in logs:
        candidate = candidates.get(log.pk)
        if log.attempted_at is not None:  # a killed worker's call may have reached the person
            _finish(log.pk, Status.FAILED, "the worker stopped during the platform call; not sent again",
                    error_code=IN_DOUBT)
            count("failed")
        elif candidate is None:
            _finish(log.pk, Status.SKIPPED, "no longer qualifies")
            count("skipped")
        elif not in_window(now, candidate.recipient.timezone):
            _finish(log.pk, Status.PENDING, "outside the daytime window", queued_at=now)
            count("deferred")
        else:
            try:
                message = message_for_channel(candidate, log, progress.get(log.enrollment_id))
            except Exception as error:  # one broken message must not hold up the rest of the batch
                logger.exception("reminder %s could not be rendered for %s", log.pk, log.channel)
                _finish(log.pk, Status.FAILED, f"{type(error).__name__}: {error}", error_code=RENDER_FAILED)
                count("failed")
                continue
            groups.setdefault((log.channel, message), {}).setdefault(_address(log, candidate), []).append(log.pk)
    for (channel, message), by_address in groups.items():
        def attempting(addresses: list[str], by_address=by_address) -> None:
            ReminderLog.objects.filter(pk__in=[pk for a in addresses for pk in by_address[a]]).update(
                attempted_at=timezone.now())

        def record(outcome: delivery.Outcome, by_address=by_address) -> None:
            for name, n in _record(outcome, by_address, retry_later, defer_later).items():
                count(name, n)

        delivery.deliver(channel=channel, message=message, recipients=list(by_address),
                         send=delivery.sender(channel), attempting=attempting, record=record)
    return outcomes


def _record(outcome: delivery.Outcome, by_address: dict[str, list[int]], retry_later: Callable[[int], None],
            defer_later: Callable[[list[int], float], None]) -> dict[str, int]:
    """Write what one platform call did (or what waits for a limit), a few UPDATEs whatever its size."""
    def ids(addresses) -> list[int]:
        return [pk for a in addresses for pk in by_address.get(a, [])]

    now = timezone.now()
    rows = ReminderLog.objects
    rows.filter(pk__in=ids(outcome.sent)).update(status=Status.SENT, sent_at=now, last_error="", error_code="",
                                                 message_id=outcome.message_id)
    rows.filter(pk__in=ids(outcome.refused)).update(attempted_at=None)  # no longer in doubt: not delivered
    rows.filter(pk__in=ids(outcome.invalid)).update(
        status=Status.FAILED, error_code=INVALID_RECIPIENT, last_error="the platform does not know this recipient")
    failed_by_code: dict[tuple[str, str], list[str]] = {}
    for address, error in outcome.failed.items():
        failed_by_code.setdefault(error, []).append(address)
    for (code, message), addresses in failed_by_code.items():
        rows.filter(pk__in=ids(addresses)).update(status=Status.FAILED, error_code=code[:40], last_error=message[:300])
    waits: dict[float, list[str]] = {}
    for address, wait in outcome.deferred.items():
        waits.setdefault(wait, []).append(address)
    for wait, addresses in waits.items():
        rows.filter(pk__in=ids(addresses)).update(
            status=Status.DEFERRED, not_before=now + timedelta(seconds=wait), queued_at=now, attempted_at=None,
            last_error=f"rate limit: wait {wait:g} s")
    if waits:
        defer_later(ids(outcome.deferred), max(waits))
    for address, error in outcome.unavailable.items():
        for pk in by_address[address]:
            _finish(pk, Status.PENDING, error, queued_at=now, attempted_at=None)
            retry_later(pk)
    return {"sent": len(ids(outcome.sent)), "failed": len(ids(outcome.invalid)) + len(ids(outcome.failed)),
            "rate-limited": len(ids(outcome.deferred)), "retry": len(ids(outcome.unavailable))}


def _open_connection():
    """An email connection kept open across sends. If the server cannot be reached now, each send
    tries on its own (and fails into its retry) rather than the whole batch failing here."""
    connection = get_connection()
    try:
        connection.open()
    except (OSError, smtplib.SMTPException):
        logger.warning("email server unreachable; each reminder of the batch will try on its own")
    return connection


@transaction.atomic
def reminder_preferences_save(*, user: User, opted_in: bool, choices_on: set[tuple[str, str]],
                              offered: set[tuple[str, str]]) -> None:
    """Opt out of every offered (category, channel) that is not ticked; leave what was not offered alone."""
    User.objects.filter(pk=user.pk).update(reminder_opt_in=opted_in)
    user.reminder_opt_in = opted_in
    keep_on = offered & choices_on
    if keep_on:
        on = Q()
        for category, channel in keep_on:
            on |= Q(category=category, channel=channel)
        ReminderOptOut.objects.filter(user=user).filter(on).delete()
    ReminderOptOut.objects.bulk_create([ReminderOptOut(user=user, category=category, channel=channel)
                                        for category, channel in sorted(offered - choices_on)],
                                       ignore_conflicts=True)


def reminder_unsubscribe(*, user_id: int, category: str) -> bool:
    """One-click unsubscribe from one category's emails (other channels have their own choice on the
    preferences page); repeating it is harmless. False if nobody to update."""
    if category not in ReminderCategory.values or not User.objects.filter(pk=user_id).exists():
        return False
    ReminderOptOut.objects.bulk_create([ReminderOptOut(user_id=user_id, category=category)],
                                       ignore_conflicts=True)
    return True


def tomorrow(now: datetime | None = None) -> datetime:
    """The same moment one day later, in the site's zone (for the HR preview)."""
    return ((now or timezone.now()).astimezone(zone(settings.TIME_ZONE)) + timedelta(days=1))


RULE_FIELDS = ("name", "kind", "days", "repeat_every_days", "max_sends", "weekday", "is_active")


@transaction.atomic
def reminder_rule_save(*, rule: ReminderRule, actor: User, request=None) -> ReminderRule:
    """Save a rule HR edited (admin) and record what changed: "reminder_rule.create" or ".change"."""
    stored = ReminderRule.objects.filter(pk=rule.pk).values(*RULE_FIELDS).first() if rule.pk else None
    rule.save()
    after = {name: getattr(rule, name) for name in RULE_FIELDS}
    if stored != after:
        audit_record(actor=actor, action="reminder_rule.change" if stored else "reminder_rule.create",
                     target=rule, before=stored, after=after, request=request)
    return rule


@transaction.atomic
def reminder_rule_delete(*, rule: ReminderRule, actor: User, request=None) -> None:
    """Delete a rule that never sent anything (the admin keeps rules with history)."""
    audit_record(actor=actor, action="reminder_rule.delete", target=rule,
                 before={name: getattr(rule, name) for name in RULE_FIELDS}, request=request)
    rule.delete()



class NudgeRefused(ValueError):
    """Why a nudge was not sent: "switched_off", "already_today", "not_open" or "opted_out"."""


@transaction.atomic
def reminder_nudge(*, enrollment: Enrollment, sender: User, now: datetime | None = None) -> ReminderLog:
    """Queue a manager's nudge for one open enrolment through the reminder engine (the same
    gate, channels, daytime window and opt-outs as every reminder). At most one nudge per learner
    per local day: the learner's row is locked, so two managers pressing at once send one."""
    now = now or timezone.now()
    rule = ReminderRule.objects.filter(kind=ReminderKind.NUDGE, is_active=True).first()
    if rule is None:
        raise NudgeRefused("switched_off")
    learner = User.objects.select_for_update().get(pk=enrollment.user_id)
    if enrollment.completed_at or enrollment.unassigned_at or not learner.is_active:
        raise NudgeRefused("not_open")
    # A nudge is an email: the manager's words, not a platform card.
    if not learner.reminder_opt_in or learner.reminder_opt_outs.filter(
            category=rule.category, channel=ReminderChannel.EMAIL).exists():
        raise NudgeRefused("opted_out")
    period = f"day:{local_today(now, learner.timezone).isoformat()}"
    if ReminderLog.objects.filter(rule=rule, recipient=learner, period=period).exists():
        raise NudgeRefused("already_today")
    with translation.override("en"):
        reason = reason_text({"code": "nudge", "manager": sender.name})[:200]
    log = ReminderLog.objects.create(rule=rule, enrollment=enrollment, recipient=learner, period=period,
                                     reason=reason, queued_at=now, channel=ReminderChannel.EMAIL)
    _queue([(log.pk, log.channel)])
    return log
