"""Reminders: the rules (data HR can edit), the send log that gates every send on every channel,
opt-outs per category and channel."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Before the due date")
    OVERDUE = "overdue", _("Overdue")
    INACTIVE = "inactive", _("Inactive")
    COMPLETED = "completed", _("Course completed")
    ESCALATION = "escalation", _("Escalation to the manager")
    HR_DIGEST = "hr_digest", _("Weekly HR digest")
    CERT_EXPIRING = "cert_expiring", _("Certificate expires soon")
    CERT_EXPIRED = "cert_expired", _("Certificate expired")
    # Sent on demand, when a manager presses "nudge" on 团队学习; the dispatcher never selects it.
    NUDGE = "nudge", _("Nudge from the manager")


class ReminderCategory(models.TextChoices):
    """What a person can opt out of; each kind belongs to exactly one category."""

    DEADLINES = "deadlines", _("Due dates and overdue courses")
    INACTIVITY = "inactivity", _("Nudges when I have not studied for a while")
    ACHIEVEMENTS = "achievements", _("Congratulations when I complete a course")
    ESCALATIONS = "escalations", _("My team members' long-overdue courses")
    DIGEST = "digest", _("Weekly overdue digest for HR")
    CERTIFICATES = "certificates", _("My certificates about to expire or expired")


KIND_CATEGORY = {
    ReminderKind.DUE_SOON: ReminderCategory.DEADLINES,
    ReminderKind.OVERDUE: ReminderCategory.DEADLINES,
    ReminderKind.INACTIVE: ReminderCategory.INACTIVITY,
    ReminderKind.COMPLETED: ReminderCategory.ACHIEVEMENTS,
    ReminderKind.ESCALATION: ReminderCategory.ESCALATIONS,
    ReminderKind.HR_DIGEST: ReminderCategory.DIGEST,
    ReminderKind.CERT_EXPIRING: ReminderCategory.CERTIFICATES,
    ReminderKind.CERT_EXPIRED: ReminderCategory.CERTIFICATES,
    ReminderKind.NUDGE: ReminderCategory.DEADLINES,
}


class ReminderChannel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("reminder channel", "Email")  # "Email" alone is allauth's form label
    WECOM = "wecom", _("WeCom message")
    DINGTALK = "dingtalk", _("DingTalk work notice")
    FEISHU = "feishu", _("Feishu message")
    WECOM_ROBOT = "wecom_robot", _("WeCom group robot")
    DINGTALK_ROBOT = "dingtalk_robot", _("DingTalk group robot")
    FEISHU_ROBOT = "feishu_robot", _("Feishu group bot")


# Channels that reach one person in their work IM, addressed by their id on that platform.
PERSONAL_IM_CHANNELS = (ReminderChannel.WECOM, ReminderChannel.DINGTALK, ReminderChannel.FEISHU)
# Channels that post into one group chat: only for the HR digest, never for one learner's reminder.
ROBOT_CHANNELS = (ReminderChannel.WECOM_ROBOT, ReminderChannel.DINGTALK_ROBOT, ReminderChannel.FEISHU_ROBOT)


class ReminderRule(models.Model):
    """One row per reminder the platform may send; `days` means something per kind (see help)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    days = models.PositiveSmallIntegerField(
        _("days"), default=0,
        help_text=_("Before the due date: days before it. Overdue and escalation: days after it. "
                    "Inactive: days without activity. Certificate expires soon: days before expiry; "
                    "expired: days after it. Unused for completion and the digest."))
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"), null=True, blank=True,
        help_text=_("Overdue only: send again every N days, up to the cap."))
    max_sends = models.PositiveSmallIntegerField(
        _("cap"), default=1, help_text=_("Overdue only: at most this many reminders per due date."))
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True,
        help_text=_("Digest only: 0 = Monday … 6 = Sunday; sent once per week from that day on."))
    channels = models.JSONField(
        _("channels"), default=list, blank=True,
        help_text=_("Where this reminder goes, e.g. [\"email\", \"wecom\"]. Empty: the company default "
                    "(REMINDER_DEFAULT_CHANNELS). Group robots only for the HR digest."))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "progress_reminderrule"  # the reminder tables were created when this app lived in progress
        ordering = ["kind", "-days"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return self.name

    @property
    def category(self) -> str:
        return KIND_CATEGORY[self.kind]

    def clean(self) -> None:
        if self.kind in {ReminderKind.DUE_SOON, ReminderKind.INACTIVE, ReminderKind.ESCALATION,
                         ReminderKind.CERT_EXPIRING} and not self.days:
            raise ValidationError({"days": _("Give a number of days greater than zero.")})
        if self.kind == ReminderKind.OVERDUE and self.max_sends < 1:
            raise ValidationError({"max_sends": _("The cap must be at least 1.")})
        if self.kind == ReminderKind.HR_DIGEST and (self.weekday is None or self.weekday > 6):
            raise ValidationError({"weekday": _("Choose a weekday from 0 (Monday) to 6 (Sunday).")})
        self._clean_channels()

    def _clean_channels(self) -> None:
        channels = self.channels
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise ValidationError({"channels": _("Give a list of channel names, e.g. [\"email\", \"wecom\"].")})
        unknown = sorted(set(channels) - set(ReminderChannel.values))
        if unknown:
            raise ValidationError({"channels": _("Unknown channel(s): %(names)s. Known: %(known)s.")
                                   % {"names": ", ".join(unknown), "known": ", ".join(ReminderChannel.values)}})
        robots = sorted(set(channels) & set(ROBOT_CHANNELS))
        if robots and self.kind != ReminderKind.HR_DIGEST:
            raise ValidationError({"channels": _("Group robots (%(names)s) post into a group chat: use them "
                                                 "only for the HR digest.") % {"names": ", ".join(robots)}})
        if len(set(channels)) != len(channels):
            raise ValidationError({"channels": _("Name each channel once.")})


class ReminderLog(models.Model):
    """The gate: one row per (enrollment, rule, period, channel); only the worker that claims it sends."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped")
        FAILED = "failed", _("Failed")
        DEFERRED = "deferred", _("Deferred")

    rule = models.ForeignKey(ReminderRule, on_delete=models.PROTECT, related_name="logs")
    enrollment = models.ForeignKey("progress.Enrollment", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="reminder_logs")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="reminder_logs")
    period = models.CharField(max_length=40)
    channel = models.CharField(max_length=20, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL)
    reason = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set just before the platform is called: a row abandoned after this may have been delivered.
    attempted_at = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(null=True, blank=True)  # deferred by a rate limit until then
    last_error = models.CharField(max_length=300, blank=True)
    error_code = models.CharField(max_length=40, blank=True)  # the platform's own code, as given
    # The platform's id of the call that sent it; DingTalk's is the task whose delivery report tells
    # who the platform itself held back (checked by the dispatcher: delivery_checked_at).
    message_id = models.CharField(max_length=64, blank=True)
    delivery_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "progress_reminderlog"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "rule", "period", "channel"],
                                    condition=models.Q(enrollment__isnull=False),
                                    name="one_reminder_per_enrollment_rule_period_channel"),
            models.UniqueConstraint(fields=["recipient", "rule", "period", "channel"],
                                    condition=models.Q(enrollment__isnull=True) & ~models.Q(channel__in=ROBOT_CHANNELS),
                                    name="one_digest_per_recipient_rule_period_channel"),
            # A robot posts into one group: one post per rule and period, whoever it was computed for.
            models.UniqueConstraint(fields=["rule", "period", "channel"],
                                    condition=models.Q(channel__in=ROBOT_CHANNELS),
                                    name="one_robot_post_per_rule_period_channel"),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="reminderlog_status_queued"),
                   models.Index(fields=["channel", "created_at"], name="reminderlog_channel_created")]
        verbose_name = _("reminder log entry")
        verbose_name_plural = _("reminder log")

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.enrollment_id or self.recipient_id}/{self.period}/{self.channel}: {self.status}"


class ReminderOptOut(models.Model):
    """A row means: do not send this person reminders of this category on this channel."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs")
    category = models.CharField(max_length=20, choices=ReminderCategory.choices)
    channel = models.CharField(max_length=20, choices=ReminderChannel.choices, default=ReminderChannel.EMAIL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "progress_reminderoptout"
        constraints = [models.UniqueConstraint(fields=["user", "category", "channel"],
                                               name="one_opt_out_per_category_channel")]

    def __str__(self) -> str:
        return f"{self.user_id} ✗ {self.category}/{self.channel}"
