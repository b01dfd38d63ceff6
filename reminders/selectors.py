"""Reads for reminders. Enrollments are walked in keyset-paginated batches (pk > last, LIMIT n):
a fixed number of queries per batch and never more than one batch in memory, whatever the size."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from accounts.models import User
from progress.models import Certificate, CohortMember, Enrollment

from .models import ReminderCategory, ReminderKind, ReminderLog, ReminderOptOut, ReminderRule
from .rules import (
    COMPLETION_LOOKBACK_DAYS,
    Candidate,
    Facts,
    Recipient,
    digest_candidates,
    enrollment_candidates,
    in_window,
    reason_text,
)

BATCH_SIZE = 500
PREVIEW_LIMIT = 300
# Logs in these states are final for their period: the reminder is not offered again.
DONE_STATUSES = [ReminderLog.Status.SENT, ReminderLog.Status.SENDING, ReminderLog.Status.SKIPPED,
                 ReminderLog.Status.FAILED]
PERSON_FIELDS = ["id", "email", "display_name", "timezone", "language", "is_active", "reminder_opt_in"]


def active_rules() -> list[ReminderRule]:
    return list(ReminderRule.objects.filter(is_active=True))


def _opt_outs(user_ids: set[int]) -> dict[int, frozenset[str]]:
    found: dict[int, set[str]] = {}
    for user_id, category in ReminderOptOut.objects.filter(user_id__in=user_ids).values_list("user_id",
                                                                                          "category"):
        found.setdefault(user_id, set()).add(category)
    return {user_id: frozenset(categories) for user_id, categories in found.items()}


def recipient_of(user: User, opt_outs: dict[int, frozenset[str]]) -> Recipient:
    return Recipient(id=user.pk, email=user.email, name=user.name, timezone=user.timezone,
                     language=user.language, is_active=user.is_active, opted_in=user.reminder_opt_in,
                     opt_outs=opt_outs.get(user.pk, frozenset()))


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


def _person(row: dict, prefix: str, opt_outs: dict[int, frozenset[str]]) -> Recipient:
    email = row[f"{prefix}email"]
    return Recipient(id=row[f"{prefix}id"], email=email, name=row[f"{prefix}display_name"] or email.split("@")[0],
                     timezone=row[f"{prefix}timezone"], language=row[f"{prefix}language"],
                     is_active=row[f"{prefix}is_active"], opted_in=row[f"{prefix}reminder_opt_in"],
                     opt_outs=opt_outs.get(row[f"{prefix}id"], frozenset()))


def _facts(row: dict, opt_outs: dict[int, frozenset[str]]) -> Facts:
    withdrawn = bool(row["assignment_id"] and (row["assignment__withdrawn_at"] or not row["in_cohort"]))
    return Facts(enrollment_id=row["id"], learner=_person(row, "user__", opt_outs),
                 course_title=row["course__title"], enrolled_at=row["enrolled_at"], due_date=row["due_date"],
                 last_activity_at=row["last_activity_at"], completed_at=row["completed_at"], withdrawn=withdrawn,
                 manager=_person(row, "user__manager__", opt_outs) if row["user__manager_id"] else None,
                 certificate_code=row["certificate_code"],
                 certificate_valid_until=row["certificate_valid_until"])


def fact_batches(*, now: datetime, batch_size: int = BATCH_SIZE,
                 enrollment_ids: list[int] | None = None) -> Iterator[list[Facts]]:
    """Two queries per batch: the enrollments (with people, course, cohort, certificate) and opt-outs."""
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
        opt_outs = _opt_outs(people)
        yield [_facts(row, opt_outs) for row in rows]
        if len(rows) < batch_size:
            return


def digest_recipients(*, user_ids: list[int] | None = None) -> list[Recipient]:
    """HR people: a handful, so one list is fine."""
    people = User.objects.filter(groups__name="hr").only(*PERSON_FIELDS).order_by("pk").distinct()
    if user_ids is not None:
        people = people.filter(pk__in=user_ids)
    people = list(people)
    opt_outs = _opt_outs({p.pk for p in people})
    return [recipient_of(person, opt_outs) for person in people]


def batch_candidates(batch: list[Facts], rules: list[ReminderRule], now: datetime) -> list[Candidate]:
    return [c for facts in batch for c in enrollment_candidates(facts, rules, now)]


def done_keys(candidates: list[Candidate]) -> set[tuple]:
    """Which of these candidates already have a final log (one query)."""
    if not candidates:
        return set()
    enrollment_ids = {c.enrollment_id for c in candidates if c.enrollment_id}
    recipients = {c.recipient.id for c in candidates if not c.enrollment_id}
    logs = ReminderLog.objects.filter(status__in=DONE_STATUSES).filter(
        Q(enrollment_id__in=enrollment_ids) | Q(enrollment__isnull=True, recipient_id__in=recipients))
    return {(e, r, p, None if e else u)
            for e, r, p, u in logs.values_list("enrollment_id", "rule_id", "period", "recipient_id")}


def live_candidate(*, log: ReminderLog, now: datetime) -> Candidate | None:
    """Re-check a queued reminder against live data at send time: same rule, period and recipient."""
    return live_candidates(logs=[log], now=now)[log.pk]


def live_candidates(*, logs: list[ReminderLog], now: datetime) -> dict[int, Candidate | None]:
    """live_candidate for a batch of logs: the enrolment facts of all of them in one read."""
    rules = active_rules()
    enrollment_ids = [log.enrollment_id for log in logs if log.enrollment_id]
    found = {}
    for batch in (fact_batches(now=now, enrollment_ids=enrollment_ids) if enrollment_ids else []):
        for c in batch_candidates(batch, rules, now):
            found[(c.rule.pk, c.period, c.recipient.id, c.enrollment_id)] = c
    result = {}
    for log in logs:
        if log.enrollment_id:
            result[log.pk] = found.get((log.rule_id, log.period, log.recipient_id, log.enrollment_id))
            continue
        digests = digest_candidates(rules, digest_recipients(user_ids=[log.recipient_id]), now)
        result[log.pk] = next((c for c in digests if c.rule.pk == log.rule_id and c.period == log.period
                               and c.recipient.id == log.recipient_id), None)
    return result


@dataclass
class Preview:
    rows: list[dict] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0


def _add(preview: Preview, candidates: list[Candidate], limit: int) -> None:
    for c in candidates:
        preview.total += 1
        preview.counts[c.rule.kind] = preview.counts.get(c.rule.kind, 0) + 1
        if len(preview.rows) < limit:
            preview.rows.append({"recipient": c.recipient, "rule": c.rule, "kind": ReminderKind(c.rule.kind),
                                 "course": c.facts.course_title if c.facts else "",
                                 "learner": c.facts.learner if c.facts else None,
                                 "reason": reason_text(c.reason)})


def reminder_preview(*, now: datetime, respect_window: bool, limit: int = PREVIEW_LIMIT) -> Preview:
    """Who would get what at `now`, and why; nothing is written. Batched like the dispatcher."""
    rules, preview = active_rules(), Preview()

    def keep(candidates: list[Candidate]) -> list[Candidate]:
        done = done_keys(candidates)
        return [c for c in candidates if c.key not in done
                and (not respect_window or in_window(now, c.recipient.timezone))]

    for batch in fact_batches(now=now):
        _add(preview, keep(batch_candidates(batch, rules, now)), limit)
    _add(preview, keep(digest_candidates(rules, digest_recipients(), now)), limit)
    return preview


def overdue_by_department(*, today: date) -> list[dict]:
    """The weekly HR digest: live overdue enrollments per department, in one query."""
    return list(Enrollment.objects.filter(completed_at__isnull=True, unassigned_at__isnull=True,
                                          due_date__lt=today, user__is_active=True,
                                          course__archived_at__isnull=True)
                .values("user__department").annotate(overdue=Count("id"), learners=Count("user", distinct=True))
                .order_by("-overdue", "user__department"))


def preference_state(*, user: User) -> tuple[list[str], set[str]]:
    """Which categories this person can receive (offered) and which they switched off."""
    offered = [ReminderCategory.DEADLINES, ReminderCategory.INACTIVITY, ReminderCategory.ACHIEVEMENTS,
               ReminderCategory.CERTIFICATES]
    if user.reports.exists():
        offered.append(ReminderCategory.ESCALATIONS)
    if user.has_role("hr"):
        offered.append(ReminderCategory.DIGEST)
    opted_out = set(ReminderOptOut.objects.filter(user=user).values_list("category", flat=True))
    return [str(c) for c in offered], opted_out
