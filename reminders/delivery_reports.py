"""DingTalk work notices are asynchronous: the send answers with a task id, and only the task's
delivery report says whom DingTalk itself held back (its own limits: 500 a day per employee, the
same content once a day) or could not reach. The dispatcher reads the reports of recent tasks and
corrects the rows it had marked sent, so the HR page never counts a held-back notice as delivered;
held-back ones are deferred to the next day, when DingTalk takes them again."""

import logging
from datetime import datetime, timedelta

from allauth.socialaccount.models import SocialAccount

from integrations.dingtalk import DingTalkClient
from integrations.errors import PlatformError

from .channels import configured
from .models import ReminderChannel, ReminderLog

logger = logging.getLogger(__name__)
Status = ReminderLog.Status

REPORT_AFTER_SECONDS = 60  # DingTalk delivers a task within seconds; its report is complete by then
REPORT_WINDOW_DAYS = 2  # tasks older than this are no longer asked about (DingTalk keeps reports that long)
HELD_BACK = "forbidden"
NOT_DELIVERED = "not-delivered"
MAX_TASKS_PER_RUN = 200


def dingtalk_reports_check(*, now: datetime) -> int:
    """Read the delivery report of each recent DingTalk task not checked yet; returns how many rows
    it corrected. A report not ready, or DingTalk unreachable, waits for the next dispatch."""
    if ReminderChannel.DINGTALK not in configured():
        return 0
    unchecked = ReminderLog.objects.filter(
        channel=ReminderChannel.DINGTALK, status=Status.SENT, delivery_checked_at__isnull=True,
        sent_at__lte=now - timedelta(seconds=REPORT_AFTER_SECONDS),
        sent_at__gte=now - timedelta(days=REPORT_WINDOW_DAYS)).exclude(message_id="")
    tasks = list(unchecked.values_list("message_id", flat=True).distinct().order_by("message_id")[:MAX_TASKS_PER_RUN])
    if not tasks:
        return 0
    client, corrected = DingTalkClient(), 0
    for task_id in tasks:
        try:
            report = client.delivery_report(task_id)
        except PlatformError:
            logger.warning("DingTalk delivery report of task %s not available now", task_id, exc_info=True)
            continue
        if report.done:
            corrected += _apply(task_id, report, unchecked.filter(message_id=task_id), now)
    return corrected


def _apply(task_id: str, report, rows, now: datetime) -> int:
    users = dict(rows.values_list("recipient_id", "pk"))
    uids = dict(SocialAccount.objects.filter(provider="dingtalk", user_id__in=users).values_list("uid", "user_id"))

    def pks(found) -> list[int]:
        return [users[uids[uid]] for uid in found if uid in uids]

    held, lost = pks(report.forbidden), pks([*report.failed, *report.invalid])
    ReminderLog.objects.filter(pk__in=held).update(
        status=Status.DEFERRED, not_before=now + timedelta(days=1), queued_at=now, attempted_at=None,
        error_code=HELD_BACK, last_error=f"DingTalk held it back (task {task_id}): its own daily limits")
    ReminderLog.objects.filter(pk__in=lost).update(
        status=Status.FAILED, error_code=NOT_DELIVERED, last_error=f"DingTalk could not deliver it (task {task_id})")
    rows.update(delivery_checked_at=now)
    return len(held) + len(lost)
