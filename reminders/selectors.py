"""Reads for reminders. Enrollments are walked in keyset-paginated batches (pk > last, LIMIT n):
a fixed number of queries per batch and never more than one batch in memory, whatever the size."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate

from accounts.models import User
from progress.models import Certificate, CohortMember, Enrollment

from .channels import PLATFORM_OF, offered_to_people
from .models import (
    ROBOT_CHANNELS,
    ReminderCategory,
    ReminderChannel,
    ReminderKind,
    ReminderLog,
    ReminderOptOut,
    ReminderRule,
)
from .rules import (
    COMPLETION_LOOKBACK_DAYS,
    Candidate,
    Facts,
    Recipient,
    digest_candidates,
    enrollment_candidates,
    in_window,
    nudge_candidate,
    reason_text,
    zone,
)

BATCH_SIZE = 500
PREVIEW_LIMIT = 300
# Logs in these states are final for their period: the reminder is not offered again.
DONE_STATUSES = [ReminderLog.Status.SENT, ReminderLog.Status.SENDING, ReminderLog.Status.SKIPPED,
                 ReminderLog.Status.FAILED]
PERSON_FIELDS = ["id", "email", "display_name", "timezone", "language", "is_active", "reminder_opt_in"]


def active_rules() -> list[ReminderRule]:
    return list(ReminderRule.objects.filter(is_active=True))


@dataclass(frozen=True)
class People:
    """What a batch knows about its people besides their own row: opt-outs and platform ids."""

    opt_outs: dict[int, frozenset[tuple[str, str]]] = field(default_factory=dict)
    identities: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def _people(user_ids: set[int]) -> People:
    """Two queries: the opt-outs (category, channel) and the platform ids (the social accounts
    that sign-in or directory sync recorded: uid is the WeCom / DingTalk / Feishu userid)."""
    opt_outs: dict[int, set[tuple[str, str]]] = {}
    for user_id, category, channel in ReminderOptOut.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "category", "channel"):
        opt_outs.setdefault(user_id, set()).add((category, channel))
    identities: dict[int, list[tuple[str, str]]] = {}
    accounts = SocialAccount.objects.filter(user_id__in=user_ids, provider__in=set(PLATFORM_OF.values()))
    for user_id, provider, uid in accounts.order_by("pk").values_list("user_id", "provider", "uid"):
        identities.setdefault(user_id, []).append((provider, uid))
    return People({u: frozenset(pairs) for u, pairs in opt_outs.items()},
                  {u: tuple(pairs) for u, pairs in identities.items()})


def recipient_of(user: User, people: People) -> Recipient:
    return Recipient(id=user.pk, email=user.email, name=user.name, timezone=user.timezone,
                     language=user.language, is_active=user.is_active, opted_in=user.reminder_opt_in,
                     opt_outs=people.opt_outs.get(user.pk, frozenset()),
                     identities=people.identities.get(user.pk, ()))


ENROLLMENT_FIELDS = ["id", "user_id", "enrolled_at", "due_date", "last_activity_at", "completed_at",
                     "assignment_id", "assignment__withdrawn_at", "course__title", "user__manager_id"]


def _enrollments(now: datetime):
    """Live enrollments still to finish, plus recently completed ones (for congratulations), as rows
    of plain values: building 10,000 model instances with their people was most of a dispatch."""
    live_member = CohortMember.objects.filter(cohort_id=OuterRef("assignment__cohort_id"),
                                              user_id=OuterRef("user_id"), left_at__isnull=True)
    certificate = Certificate.objects.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id"))
    expiring = certificate.filter(revoked_at__isnull=True, valid_until__isnull=False)
    since = now - timedelta(days=COMPLETION_LOOKBACK_DAYS)
    people = [f"user__{name}" for name in PERSON_FIELDS] + [f"user__manager__{n}" for n in PERSON_FIELDS]
    return (Enrollment.objects
            .annotate(certificate_valid_until=Subquery(expiring.values("valid_until")[:1]))
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=since)
                    | Q(certificate_valid_until__isnull=False))
            .filter(unassigned_at__isnull=True, course__archived_at__isnull=True)
            .annotate(in_cohort=Exists(live_member), certificate_code=Subquery(certificate.values("code")[:1]))
            .values(*ENROLLMENT_FIELDS, *people, "in_cohort", "certificate_code", "certificate_valid_until"))


def _person(row: dict, prefix: str, people: People) -> Recipient:
    email, pk = row[f"{prefix}email"], row[f"{prefix}id"]
    return Recipient(id=pk, email=email, name=row[f"{prefix}display_name"] or email.split("@")[0],
                     timezone=row[f"{prefix}timezone"], language=row[f"{prefix}language"],
                     is_active=row[f"{prefix}is_active"], opted_in=row[f"{prefix}reminder_opt_in"],
                     opt_outs=people.opt_outs.get(pk, frozenset()), identities=people.identities.get(pk, ()))


def _facts(row: dict, people: People) -> Facts:
    withdrawn = bool(row["assignment_id"] and (row["assignment__withdrawn_at"] or not row["in_cohort"]))
    return Facts(enrollment_id=row["id"], learner=_person(row, "user__", people),
                 course_title=row["course__title"], enrolled_at=row["enrolled_at"], due_date=row["due_date"],
                 last_activity_at=row["last_activity_at"], completed_at=row["completed_at"], withdrawn=withdrawn,
                 manager=_person(row, "user__manager__", people) if row["user__manager_id"] else None,
                 certificate_code=row["certificate_code"],
                 certificate_valid_until=row["certificate_valid_until"])


def fact_batches(*, now: datetime, batch_size: int = BATCH_SIZE,
                 enrollment_ids: list[int] | None = None) -> Iterator[list[Facts]]:
    """Three queries per batch: the enrollments (with people, course, cohort, certificate), opt-outs
    and platform ids."""
    query = _enrollments(now)
    if enrollment_ids is not None:
        query = query.filter(pk__in=enrollment_ids)
    last = 0
    while True:
        rows = list(query.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not rows:
            return
        last = rows[-1]["id"]
        people = {r["user_id"] for r in rows} | {r["user__manager_id"] for r in rows if r["user__manager_id"]}
        known = _people(people)
        yield [_facts(row, known) for row in rows]
        if len(rows) < batch_size:
            return


def digest_recipients(*, user_ids: list[int] | None = None) -> list[Recipient]:
    """HR people: a handful, so one list is fine."""
    people = User.objects.filter(groups__name="hr").only(*PERSON_FIELDS).order_by("pk").distinct()
    if user_ids is not None:
        people = people.filter(pk__in=user_ids)
    people = list(people)
    known = _people({p.pk for p in people})
    return [recipient_of(person, known) for person in people]


def batch_candidates(batch: list[Facts], rules: list[ReminderRule], now: datetime) -> list[Candidate]:
    return [c for facts in batch for c in enrollment_candidates(facts, rules, now)]


def done_keys(candidates: list[Candidate]) -> set[tuple]:
    """Which (candidate key, channel) pairs already have a final log (one query)."""
    if not candidates:
        return set()
    enrollment_ids = {c.enrollment_id for c in candidates if c.enrollment_id}
    recipients = {c.recipient.id for c in candidates if not c.enrollment_id}
    logs = ReminderLog.objects.filter(status__in=DONE_STATUSES).filter(
        Q(enrollment_id__in=enrollment_ids) | Q(enrollment__isnull=True, recipient_id__in=recipients))
    return {((e, r, p, None if e else u), channel) for e, r, p, u, channel in logs.values_list(
        "enrollment_id", "rule_id", "period", "recipient_id", "channel")}


def still_to_send(candidates: list[Candidate]) -> list[Candidate]:
    """The candidates with only the channels that have no final log yet (and none left without one)."""
    done = done_keys(candidates)
    kept = []
    for c in candidates:
        channels = tuple(channel for channel in c.channels if (c.key, channel) not in done)
        if channels:
            kept.append(replace(c, channels=channels))
    return kept


def live_candidate(*, log: ReminderLog, now: datetime) -> Candidate | None:
    """Re-check a queued reminder against live data at send time: same rule, period and recipient."""
    return live_candidates(logs=[log], now=now)[log.pk]


def live_candidates(*, logs: list[ReminderLog], now: datetime) -> dict[int, Candidate | None]:
    """live_candidate for a batch of logs: the enrolment facts of all of them in one read."""
    rules = active_rules()
    enrollment_ids = [log.enrollment_id for log in logs if log.enrollment_id]
    found, facts = {}, {}
    for batch in (fact_batches(now=now, enrollment_ids=enrollment_ids) if enrollment_ids else []):
        facts.update((f.enrollment_id, f) for f in batch)
        for c in batch_candidates(batch, rules, now):
            found[(c.rule.pk, c.period, c.recipient.id, c.enrollment_id)] = c
    result = {}
    for log in logs:
        if log.rule.kind == ReminderKind.NUDGE:  # on demand: the dispatcher's rules do not select it
            result[log.pk] = nudge_candidate(log.rule, facts.get(log.enrollment_id), log.period)
            continue
        if log.enrollment_id:
            result[log.pk] = found.get((log.rule_id, log.period, log.recipient_id, log.enrollment_id))
            continue
        digests = digest_candidates(rules, digest_recipients(user_ids=[log.recipient_id]), now)
        result[log.pk] = next((c for c in digests if c.rule.pk == log.rule_id and c.period == log.period
                               and c.recipient.id == log.recipient_id and log.channel in c.channels), None)
    for log in logs:  # the person may have turned this channel off since the log was written
        candidate = result[log.pk]
        if candidate is not None and log.channel not in candidate.channels:
            result[log.pk] = None
    return result


@dataclass
class Preview:
    rows: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    channel_counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    deferred: list[dict] = field(default_factory=list)  # waiting for a rate limit, per channel


def _add(preview: Preview, candidates: list[Candidate], limit: int) -> None:
    for c in candidates:
        preview.total += 1
        preview.counts[c.rule.kind] = preview.counts.get(c.rule.kind, 0) + 1
        for channel in c.channels:
            preview.channel_counts[channel] = preview.channel_counts.get(channel, 0) + 1
        if len(preview.rows) < limit:
            preview.rows.append({"recipient": c.recipient, "rule": c.rule, "kind": ReminderKind(c.rule.kind),
                                 "course": c.facts.course_title if c.facts else "",
                                 "learner": c.facts.learner if c.facts else None,
                                 "reason": reason_text(c.reason),
                                 "channels": [ReminderChannel(channel) for channel in c.channels],
                                 "robot": bool(set(c.channels) & set(ROBOT_CHANNELS))})


def deferred_summary() -> list[dict]:
    """Reminders a rate limit pushed back, per channel, with the earliest time they go (one query)."""
    rows = (ReminderLog.objects.filter(status=ReminderLog.Status.DEFERRED).values("channel")
            .annotate(count=Count("id"), first=Min("not_before")).order_by("channel"))
    return [{**row, "channel": ReminderChannel(row["channel"])} for row in rows]


def reminder_preview(*, now: datetime, respect_window: bool, limit: int = PREVIEW_LIMIT) -> Preview:
    """Who would get what at `now`, on which channel, and why; nothing is written. Batched like the
    dispatcher. Reminders already deferred by a rate limit are counted apart: they go first."""
    rules, preview = active_rules(), Preview()

    def keep(candidates: list[Candidate]) -> list[Candidate]:
        return [c for c in still_to_send(candidates) if not respect_window or in_window(now, c.recipient.timezone)]

    for batch in fact_batches(now=now):
        _add(preview, keep(batch_candidates(batch, rules, now)), limit)
    _add(preview, keep(digest_candidates(rules, digest_recipients(), now)), limit)
    preview.deferred = deferred_summary()
    return preview


def overdue_by_department(*, today: date) -> list[dict]:
    """The weekly HR digest: live overdue enrollments per department, in one query."""
    return list(Enrollment.objects.filter(completed_at__isnull=True, unassigned_at__isnull=True,
                                          due_date__lt=today, user__is_active=True,
                                          course__archived_at__isnull=True)
                .values("user__department").annotate(overdue=Count("id"), learners=Count("user", distinct=True))
                .order_by("-overdue", "user__department"))


@dataclass(frozen=True)
class PreferenceState:
    categories: list[str]  # the categories this person can receive
    channels: list[str]  # the channels that can reach them here: email, and IM apps they have an account on
    opted_out: set[tuple[str, str]]  # (category, channel) they switched off

    @property
    def offered(self) -> set[tuple[str, str]]:
        return {(category, channel) for category in self.categories for channel in self.channels}


def preference_state(*, user: User) -> PreferenceState:
    offered = [ReminderCategory.DEADLINES, ReminderCategory.INACTIVITY, ReminderCategory.ACHIEVEMENTS,
               ReminderCategory.CERTIFICATES]
    if user.reports.exists():
        offered.append(ReminderCategory.ESCALATIONS)
    if user.has_role("hr"):
        offered.append(ReminderCategory.DIGEST)
    platforms = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
    channels = [c for c in offered_to_people() if c == ReminderChannel.EMAIL or PLATFORM_OF[c] in platforms]
    opted_out = set(ReminderOptOut.objects.filter(user=user).values_list("category", "channel"))
    return PreferenceState([str(c) for c in offered], channels, opted_out)


DELIVERY_REPORT_DAYS = 14


@dataclass(frozen=True)
class DeliveryRow:
    day: date
    channel: ReminderChannel
    counts: dict[str, int]
    errors: list[dict]  # {"code", "count", "example"} for failed sends


def delivery_by_channel_and_day(*, today: date, days: int = DELIVERY_REPORT_DAYS) -> list[DeliveryRow]:
    """Sent / deferred / failed (and still waiting) per channel and day the reminder was logged, with
    the platforms' error codes of the failures: two grouped queries whatever the volume."""
    site = zone(settings.TIME_ZONE)
    since = datetime.combine(today - timedelta(days=days - 1), time.min, tzinfo=site)
    recent = ReminderLog.objects.filter(created_at__gte=since).annotate(day=TruncDate("created_at", tzinfo=site))
    counts: dict[tuple, dict[str, int]] = {}
    for row in recent.values("day", "channel", "status").annotate(n=Count("id")):
        counts.setdefault((row["day"], row["channel"]), {})[row["status"]] = row["n"]
    for found in counts.values():
        found["waiting"] = found.get(ReminderLog.Status.PENDING, 0) + found.get(ReminderLog.Status.SENDING, 0)
    errors: dict[tuple, list[dict]] = {}
    failures = (recent.filter(status=ReminderLog.Status.FAILED).values("day", "channel", "error_code")
                .annotate(count=Count("id"), example=Max("last_error")).order_by("-count", "error_code"))
    for row in failures:
        errors.setdefault((row["day"], row["channel"]), []).append(
            {"code": row["error_code"] or "—", "count": row["count"], "example": row["example"]})
    return [DeliveryRow(day, ReminderChannel(channel), found, errors.get((day, channel), []))
            for (day, channel), found in sorted(counts.items(), key=lambda item: (-item[0][0].toordinal(),
                                                                                   item[0][1]))]
