"""Writes for reminders: dispatch (log + queue), the guarded send, opt-outs.

Exactly once: every email has one ReminderLog row, unique per (enrollment, rule, period). A
worker may send only after an UPDATE moved that row from "pending" to "sending" (or took over
a "sending" row abandoned longer than REMINDER_REQUEUE_SECONDS ago, i.e. a killed worker), and
marks it "sent" right after the SMTP server accepted the message. Duplicate tasks (retries,
two beats, redelivery after a crash, a rerun) find the row claimed or sent and stop. A failed
send puts the row back to "pending"; the dispatcher queues such rows again, so none is lost.
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

from . import selectors
from .emails import message_for
from .models import ReminderCategory, ReminderLog, ReminderOptOut, ReminderRule
from .rules import Candidate, in_window, reason_text, zone

logger = logging.getLogger(__name__)
Status = ReminderLog.Status


class ReminderTransientError(Exception):
    """The SMTP server or the network failed in a way worth retrying later."""


@dataclass
class DispatchResult:
    batches: int = 0
    queued: int = 0
    requeued: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


# Reminders per queued task: one broker message and one SMTP connection for the lot, instead of
# one each (publishing 5,000 messages one by one was most of a dispatch). The price: a worker
# killed mid-batch leaves the rest of its batch to the next dispatch's sweep of rows queued more
# than REMINDER_REQUEUE_SECONDS ago (the broker hides an unacknowledged message for an hour).
SEND_BATCH = 50


def _queue(log_ids: list[int]) -> None:
    for start in range(0, len(log_ids), SEND_BATCH):
        # robust: with in-process tasks (no broker) one failing batch must not stop the others.
        transaction.on_commit(_send_later(log_ids[start:start + SEND_BATCH]), robust=True)


def _send_later(log_ids: list[int]) -> Callable[[], None]:
    def queue_reminder_send() -> None:  # a named function: Django logs its __qualname__ on errors
        from .tasks import reminder_send_batch_task  # tasks import services: import here, not at the top

        reminder_send_batch_task.delay(log_ids)

    return queue_reminder_send


def _claim_for_queueing(query, now: datetime) -> list[int]:
    """Lock the rows we are about to queue so a second dispatcher running now skips them."""
    ids = list(query.select_for_update(skip_locked=True).values_list("pk", flat=True))
    ReminderLog.objects.filter(pk__in=ids).update(queued_at=now)
    return ids


@transaction.atomic
def reminder_logs_create(*, candidates: list[Candidate], now: datetime) -> int:
    """Insert the gate rows (existing ones are left alone) and queue one task per new row."""
    if not candidates:
        return 0
    with translation.override("en"):
        ReminderLog.objects.bulk_create([
            ReminderLog(rule=c.rule, enrollment_id=c.enrollment_id, recipient_id=c.recipient.id,
                        period=c.period, reason=reason_text(c.reason)[:200]) for c in candidates
        ], ignore_conflicts=True)
    enrollment_ids = {c.enrollment_id for c in candidates if c.enrollment_id}
    recipients = {c.recipient.id for c in candidates if not c.enrollment_id}
    fresh = ReminderLog.objects.filter(status=Status.PENDING, queued_at__isnull=True).filter(
        Q(enrollment_id__in=enrollment_ids) | Q(enrollment__isnull=True, recipient_id__in=recipients))
    ids = _claim_for_queueing(fresh, now)
    _queue(ids)
    return len(ids)


def reminders_requeue_stale(*, now: datetime, batch_size: int = selectors.BATCH_SIZE) -> int:
    """Queue again what was queued or claimed long ago and never sent (lost message, dead worker)."""
    cutoff = now - timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    stale = ReminderLog.objects.filter(Q(status=Status.PENDING, queued_at__lt=cutoff)
                                       | Q(status=Status.SENDING, claimed_at__lt=cutoff))
    total, last = 0, 0
    while True:
        rows = list(stale.filter(pk__gt=last).order_by("pk").values_list("pk", "recipient__timezone")
                    [:batch_size])
        if not rows:
            return total
        last = rows[-1][0]
        awake = [pk for pk, tz in rows if in_window(now, tz)]  # at night they wait for the morning
        with transaction.atomic():
            ids = _claim_for_queueing(stale.filter(pk__in=awake), now)
            _queue(ids)
        total += len(ids)


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
    result.requeued = reminders_requeue_stale(now=now, batch_size=batch_size)
    return result


def _claim(log_id: int, now: datetime) -> bool:
    abandoned = now - timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    return bool(ReminderLog.objects.filter(pk=log_id).filter(
        Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=abandoned)
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1))


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
    if not _claim(log_id, now):
        return "already-handled"
    log = ReminderLog.objects.select_related("rule", "recipient").filter(pk=log_id).first()
    if log is None:
        return "gone"
    return _deliver(log, selectors.live_candidate(log=log, now=now), now)


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
    """Claim a batch's rows in one go (the same gate as _claim); rows another worker holds are skipped."""
    abandoned = now - timedelta(seconds=settings.REMINDER_REQUEUE_SECONDS)
    open_rows = ReminderLog.objects.filter(pk__in=log_ids).filter(
        Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=abandoned))
    with transaction.atomic():
        ids = list(open_rows.select_for_update(skip_locked=True).values_list("pk", flat=True))
        ReminderLog.objects.filter(pk__in=ids).update(status=Status.SENDING, claimed_at=now,
                                                      attempts=F("attempts") + 1)
    return ids


def reminders_send_batch(*, log_ids: list[int], retry_later: Callable[[int], None]) -> dict[str, int]:
    """Send several logged reminders: one claim, one re-check of who still qualifies, one SMTP
    connection for the lot. One that fails in a way worth retrying is handed to ``retry_later``
    (its own task, with backoff) and the batch goes on."""
    now = timezone.now()
    logs = list(ReminderLog.objects.select_related("rule", "recipient").filter(pk__in=_claim_many(log_ids, now))
                .order_by("pk"))
    candidates = selectors.live_candidates(logs=logs, now=now)
    outcomes: dict[str, int] = {"already-handled": len(set(log_ids)) - len(logs)}
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
    return outcomes


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
def reminder_preferences_save(*, user: User, opted_in: bool, categories_on: set[str],
                              offered: set[str]) -> None:
    """Opt out of every offered category that is not ticked; leave categories not offered alone."""
    User.objects.filter(pk=user.pk).update(reminder_opt_in=opted_in)
    user.reminder_opt_in = opted_in
    off = offered - categories_on
    ReminderOptOut.objects.filter(user=user, category__in=offered & categories_on).delete()
    ReminderOptOut.objects.bulk_create([ReminderOptOut(user=user, category=c) for c in sorted(off)],
                                       ignore_conflicts=True)


def reminder_unsubscribe(*, user_id: int, category: str) -> bool:
    """One-click unsubscribe from one category; repeating it is harmless. False if nobody to update."""
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
