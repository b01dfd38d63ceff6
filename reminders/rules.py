"""Who gets which reminder, as pure functions of a few facts and the clock (no database here).

Every rule turns the facts about one enrollment (or one HR person) into at most one
`Candidate` with a *period*: the string that, with the enrollment and the rule, names the one
email that may ever be sent for it (e.g. the due date for "3 days before", the due date and
the repeat number for overdue reminders, the ISO week for the HR digest).
"""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils.translation import gettext, ngettext

from accounts.sso import is_placeholder

from .channels import PLATFORM_OF, personal, robots, rule_channels
from .models import ReminderCategory, ReminderChannel, ReminderKind, ReminderRule

# Completion congratulations are only sent for courses finished this recently, so turning the
# rule on (or seeding it) does not congratulate everyone who ever finished a course.
COMPLETION_LOOKBACK_DAYS = 7
LEARNER_KINDS = {ReminderKind.DUE_SOON, ReminderKind.OVERDUE, ReminderKind.INACTIVE}


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    name: str = ""
    timezone: str = "Asia/Shanghai"
    language: str = "zh-hans"
    is_active: bool = True
    opted_in: bool = True
    opt_outs: frozenset[tuple[str, str]] = frozenset()  # (category, channel)
    identities: tuple[tuple[str, str], ...] = ()  # (platform, the person's id there)

    def uid(self, platform: str) -> str:
        return next((uid for name, uid in self.identities if name == platform), "")

    def reachable(self, category: str, channels: Sequence[str]) -> tuple[str, ...]:
        """Those of `channels` that reach this person and that they accept for `category`."""
        if not (self.is_active and self.opted_in):
            return ()
        return tuple(c for c in channels if (category, c) not in self.opt_outs and self._addressable(c))

    def _addressable(self, channel: str) -> bool:
        if channel == ReminderChannel.EMAIL:
            return bool(self.email) and not is_placeholder(self.email)
        return bool(self.uid(PLATFORM_OF[channel]))


@dataclass(frozen=True)
class Facts:
    """What selection needs to know about one enrollment, loaded in batches by selectors.py."""

    enrollment_id: int
    learner: Recipient
    course_title: str = ""
    enrolled_at: datetime | None = None
    due_date: date | None = None
    last_activity_at: datetime | None = None
    completed_at: datetime | None = None
    withdrawn: bool = False  # unassigned, assignment withdrawn, or left the cohort
    manager: Recipient | None = None
    certificate_code: str | None = None
    certificate_valid_until: datetime | None = None  # of a live (not revoked) certificate


@dataclass(frozen=True)
class Candidate:
    rule: ReminderRule
    recipient: Recipient
    period: str
    reason: dict = field(default_factory=dict)  # code + numbers; reason_text() words it
    facts: Facts | None = None  # None for the HR digest
    channels: tuple[str, ...] = (ReminderChannel.EMAIL,)  # one log, and one send, per channel

    @property
    def enrollment_id(self) -> int | None:
        return self.facts.enrollment_id if self.facts else None

    @property
    def key(self) -> tuple:
        """The gate's identity: the unique constraints on ReminderLog."""
        return (self.enrollment_id, self.rule.pk, self.period, None if self.facts else self.recipient.id)


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(now: datetime, tz: str) -> date:
    return now.astimezone(zone(tz)).date()


def parse_window(text: str) -> tuple[time, time]:
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


def in_window(now: datetime, tz: str, window: str | None = None) -> bool:
    """Daytime only, in the recipient's own time zone: never wake anyone at night.

    A window whose start equals its end ("00:00-00:00") means any time of day.
    """
    start, end = parse_window(window or settings.REMINDER_WINDOW)
    local = now.astimezone(zone(tz)).time()
    if start == end:
        return True
    return start <= local < end if start < end else (local >= start or local < end)


def due_soon_period(rule: ReminderRule, rules: Sequence[ReminderRule], days_left: int, due: date) -> str | None:
    """The tightest "N days before" rule that covers today, so a missed day is caught up, not lost."""
    if days_left < 0:
        return None
    covering = [r.days for r in rules if r.kind == ReminderKind.DUE_SOON and r.days >= days_left]
    if not covering or rule.days != min(covering):
        return None
    return due.isoformat()


def overdue_period(rule: ReminderRule, days_over: int, due: date) -> tuple[str, int] | None:
    if days_over < max(rule.days, 1):
        return None
    step = (days_over - max(rule.days, 1)) // rule.repeat_every_days if rule.repeat_every_days else 0
    if step >= max(rule.max_sends, 1):
        return None
    return f"{due.isoformat()}#{step}", step


def digest_period(rule: ReminderRule, today: date) -> str | None:
    if rule.weekday is None or today.weekday() < rule.weekday:
        return None
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def _learner_candidate(rule, rules, facts: Facts, today: date, channels: tuple[str, ...]) -> Candidate | None:
    due = facts.due_date
    if rule.kind == ReminderKind.DUE_SOON and due:
        days_left = (due - today).days
        period = due_soon_period(rule, rules, days_left, due)
        reason = {"code": "due_soon", "days": days_left, "due": due.isoformat()}
    elif rule.kind == ReminderKind.OVERDUE and due:
        found = overdue_period(rule, (today - due).days, due)
        period = found[0] if found else None
        reason = {"code": "overdue", "days": (today - due).days, "due": due.isoformat(),
                  "n": (found[1] + 1) if found else 0, "cap": rule.max_sends}
    elif rule.kind == ReminderKind.INACTIVE and not (due and due < today):
        seen = [moment for moment in (facts.last_activity_at, facts.enrolled_at) if moment]
        if not seen:
            return None
        last_day = local_today(max(seen), facts.learner.timezone)
        idle = (today - last_day).days
        period = f"since:{last_day.isoformat()}" if idle >= rule.days else None
        reason = {"code": "inactive", "days": idle}
    else:
        return None
    if period is None:
        return None
    return Candidate(rule, facts.learner, period, reason, facts, channels)


def enrollment_candidates(facts: Facts, rules: Sequence[ReminderRule], now: datetime) -> list[Candidate]:
    """Every reminder this enrollment qualifies for right now (the window is checked separately)."""
    if facts.withdrawn:
        return []
    today = local_today(now, facts.learner.timezone)
    found = []
    for rule in rules:
        if not rule.is_active:
            continue
        if rule.kind in LEARNER_KINDS:
            channels = facts.learner.reachable(rule.category, personal(rule_channels(rule)))
            if facts.completed_at or not channels:
                continue
            candidate = _learner_candidate(rule, rules, facts, today, channels)
        elif rule.kind == ReminderKind.COMPLETED:
            candidate = _completed_candidate(rule, facts, now)
        elif rule.kind == ReminderKind.ESCALATION:
            candidate = _escalation_candidate(rule, facts, today)
        elif rule.kind in (ReminderKind.CERT_EXPIRING, ReminderKind.CERT_EXPIRED):
            candidate = _expiry_candidate(rule, rules, facts, now)
        else:
            continue
        if candidate is not None:
            found.append(candidate)
    return found


def _completed_candidate(rule: ReminderRule, facts: Facts, now: datetime) -> Candidate | None:
    recent = facts.completed_at and facts.completed_at >= now - timedelta(days=COMPLETION_LOOKBACK_DAYS)
    channels = facts.learner.reachable(rule.category, personal(rule_channels(rule)))
    if not (recent and facts.certificate_code and channels):
        return None
    return Candidate(rule, facts.learner, "completed",
                     {"code": "completed", "date": local_today(facts.completed_at, facts.learner.timezone)
                      .isoformat()}, facts, channels)


def _expiry_candidate(rule: ReminderRule, rules: Sequence[ReminderRule], facts: Facts,
                      now: datetime) -> Candidate | None:
    """Once per validity period: a renewed certificate has a new expiry, hence a new period."""
    expiry = facts.certificate_valid_until
    channels = facts.learner.reachable(rule.category, personal(rule_channels(rule)))
    if expiry is None or not channels:
        return None
    tz = facts.learner.timezone
    expiry_day = local_today(expiry, tz)
    reason = {"date": expiry_day.isoformat()}
    if rule.kind == ReminderKind.CERT_EXPIRED:
        if now < expiry + timedelta(days=rule.days):
            return None
        return Candidate(rule, facts.learner, f"expired:{expiry_day.isoformat()}",
                         {**reason, "code": "cert_expired", "days": (local_today(now, tz) - expiry_day).days}, facts,
                         channels)
    if now >= expiry:
        return None
    days_left = (expiry_day - local_today(now, tz)).days
    covering = [r.days for r in rules if r.kind == ReminderKind.CERT_EXPIRING and r.is_active and r.days >= days_left]
    if rule.days != min(covering, default=-1):
        return None
    return Candidate(rule, facts.learner, f"expiring:{expiry_day.isoformat()}",
                     {**reason, "code": "cert_expiring", "days": days_left}, facts, channels)


def _escalation_candidate(rule: ReminderRule, facts: Facts, today: date) -> Candidate | None:
    """Goes to the manager: the learner's own opt-out does not silence their manager."""
    due, manager = facts.due_date, facts.manager
    if facts.completed_at or not due or not facts.learner.is_active:
        return None
    channels = manager.reachable(rule.category, personal(rule_channels(rule))) if manager else ()
    if not channels:
        return None
    days_over = (today - due).days
    if days_over < rule.days:
        return None
    return Candidate(rule, manager, due.isoformat(), {"code": "escalation", "days": days_over,
                                                      "learner": facts.learner.name or facts.learner.email}, facts,
                     channels)


def digest_candidates(rules: Iterable[ReminderRule], recipients: Sequence[Recipient],
                      now: datetime) -> list[Candidate]:
    """Each HR person on their own channels, and each group robot once, logged under the first HR
    person (the robot's post is the group's, so nobody's own opt-out silences it)."""
    found = []
    digest_rules = [r for r in rules if r.is_active and r.kind == ReminderKind.HR_DIGEST]
    for rule in digest_rules:
        channels = rule_channels(rule)
        for person in recipients:
            period = digest_period(rule, local_today(now, person.timezone))
            reachable = person.reachable(ReminderCategory.DIGEST, personal(channels))
            if period and reachable:
                found.append(Candidate(rule, person, period, {"code": "hr_digest", "week": period},
                                       channels=reachable))
        period = digest_period(rule, local_today(now, settings.TIME_ZONE))
        if recipients and period and robots(channels):
            found.append(Candidate(rule, recipients[0], period, {"code": "hr_digest", "week": period},
                                   channels=robots(channels)))
    return found


def reason_text(reason: dict) -> str:
    """Why someone gets a reminder, in the active language (dry run, HR preview, the log)."""
    code, days = reason.get("code"), reason.get("days", 0)
    if code == "due_soon":
        return ngettext("Due %(due)s: %(days)s day left", "Due %(due)s: %(days)s days left", days) % reason
    if code == "overdue":
        return ngettext("%(days)s day overdue (reminder %(n)s of at most %(cap)s)",
                        "%(days)s days overdue (reminder %(n)s of at most %(cap)s)", days) % reason
    if code == "inactive":
        return ngettext("No activity for %(days)s day", "No activity for %(days)s days", days) % reason
    if code == "completed":
        return gettext("Completed on %(date)s") % reason
    if code == "escalation":
        return ngettext("%(learner)s is %(days)s day overdue", "%(learner)s is %(days)s days overdue",
                        days) % reason
    if code == "cert_expiring":
        return ngettext("Certificate expires on %(date)s: %(days)s day left",
                        "Certificate expires on %(date)s: %(days)s days left", days) % reason
    if code == "cert_expired":
        return gettext("Certificate expired on %(date)s") % reason
    if code == "hr_digest":
        return gettext("Weekly digest for %(week)s") % reason
    if code == "nudge":
        return gettext("Nudged by %(manager)s") % reason
    return ""


def nudge_candidate(rule: ReminderRule, facts: Facts | None, period: str) -> Candidate | None:
    """A manager's nudge still goes out if the course is open and the learner takes such emails."""
    if facts is None or facts.withdrawn or facts.completed_at or not rule.is_active:
        return None
    channels = facts.learner.reachable(rule.category, (ReminderChannel.EMAIL,))
    if not channels:
        return None
    return Candidate(rule, facts.learner, period, {"code": "nudge", "manager": ""}, facts, channels)
