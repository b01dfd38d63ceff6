"""Certificate validity and retraining: open it, record re-reading and re-passing, re-stamp.

Retraining never touches a learner's ModuleProgress (their first completion, scores and time
stay as they were): each Retraining row keeps its own read, pass and completion. A learner whose
last open retraining row of a course is complete gets their certificate re-stamped with the
course's current revision; when recertification was among them, its validity starts again.
"""

from bisect import bisect_right
from datetime import UTC, date, datetime

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from courses.content.durations import Duration, duration_or_none, parse_duration
from courses.models import Change, Course, CourseRevision, Module, ModuleRevision
from courses.revisions import course_revision_current
from quizzes.models import Attempt

from .models import Certificate, ModuleProgress, Retraining

RECERTIFY_WITHIN_DEFAULT = "30 days"
RETRAIN_WITHIN_DEFAULT = "30 days"
BATCH_SIZE = 500


def certificate_valid_until(*, course: Course, start: datetime) -> datetime | None:
    validity = duration_or_none(course.valid_for)
    return validity.after(start) if validity else None


def recertification_window(course: Course) -> Duration:
    return parse_duration(course.recertify_within or RECERTIFY_WITHIN_DEFAULT)


def recertification_modules(*, course: Course) -> list[Module]:
    """The live required modules the course marks `recurring`; none marked: all of them."""
    required = list(Module.objects.live().filter(course=course, required=True).order_by("position"))
    return [m for m in required if m.recurring] or required


def renewal_period(valid_until: datetime) -> str:
    return f"renew:{valid_until.astimezone(UTC):%Y-%m-%dT%H:%M:%S}"


def certificates_recertify(*, now: datetime | None = None) -> int:
    """Open recertification for every live certificate whose renewal window has opened: one
    Retraining row per recurring module, due on the day the certificate expires. Running it
    again (or twice at once) opens nothing new: the period is in a unique constraint."""
    now = now or timezone.now()
    opened = 0
    for course in Course.objects.filter(archived_at__isnull=True).exclude(valid_for=""):
        modules = recertification_modules(course=course)
        if modules:
            opened += _course_recertify(course, modules, recertification_window(course).after(now), now)
    return opened


def _course_recertify(course: Course, modules: list[Module], cutoff: datetime, now: datetime) -> int:
    due = (Certificate.objects.filter(course=course, revoked_at__isnull=True, valid_until__lte=cutoff,
                                      user__is_active=True, user__left_at__isnull=True)
           .only("pk", "user_id", "valid_until", "course_revision").order_by("pk"))
    revision = course_revision_current(course_id=course.pk).number
    opened, last = 0, 0
    while batch := list(due.filter(pk__gt=last)[:BATCH_SIZE]):
        last = batch[-1].pk
        existing = set(Retraining.objects.filter(
            course=course, reason=Retraining.Reason.RECERTIFICATION, user_id__in=[c.user_id for c in batch])
            .values_list("user_id", "period"))
        rows = [Retraining(user_id=c.user_id, course=course, module=m, reason=Retraining.Reason.RECERTIFICATION,
                           period=renewal_period(c.valid_until), due_date=timezone.localdate(c.valid_until),
                           assigned_at=now, from_course_revision=c.course_revision, to_course_revision=revision)
                for c in batch if (c.user_id, renewal_period(c.valid_until)) not in existing for m in modules]
        opened += len(Retraining.objects.bulk_create(rows, ignore_conflicts=True))
    return opened


def retraining_open(*, user: User, module: Module) -> list[Retraining]:
    """The learner's open retraining on this module (usually none: one indexed query)."""
    return list(Retraining.objects.filter(user=user, module=module, completed_at__isnull=True)
                .select_related("learned_revision").order_by("assigned_at"))


def retraining_read(*, user: User, module: Module, now: datetime) -> None:
    """The learner read the module (again): that counts for every open retraining on it."""
    rows = Retraining.objects.filter(user=user, module=module, completed_at__isnull=True)
    if rows.filter(read_at__isnull=True).update(read_at=now):
        _retraining_complete(user, module, now)


def retraining_passed(*, user: User, module: Module, attempt: Attempt) -> None:
    """A pass counts for the retraining opened before the attempt was submitted, never an older pass."""
    if not attempt.passed:
        return
    rows = Retraining.objects.filter(user=user, module=module, completed_at__isnull=True,
                                     passed_at__isnull=True, assigned_at__lte=attempt.submitted_at)
    if rows.update(passed_at=attempt.submitted_at):
        _retraining_complete(user, module, attempt.submitted_at)


def _retraining_complete(user: User, module: Module, now: datetime) -> None:
    done = Retraining.objects.filter(user=user, module=module, completed_at__isnull=True, read_at__isnull=False)
    if module.quiz_id:
        done = done.filter(passed_at__isnull=False)
    reasons = set(done.values_list("reason", flat=True))
    if not reasons or not done.update(completed_at=now):
        return
    still_open = Retraining.objects.filter(user=user, course_id=module.course_id, completed_at__isnull=True,
                                           module__archived_at__isnull=True)
    if not still_open.exists():
        certificate_restamp(user=user, course=module.course, now=now,
                            renew=Retraining.Reason.RECERTIFICATION in reasons)


def certificate_restamp(*, user: User, course: Course, now: datetime, renew: bool) -> int:
    """Stamp the learner's certificate with the current course revision; a renewal also starts its
    validity again from now. Revoked certificates stay revoked. Returns rows changed (0 or 1)."""
    revision = course_revision_current(course_id=course.pk)
    changes = {"course_revision": revision.number, "course_fingerprint": revision.fingerprint, "stamped_at": now}
    if renew:
        changes["valid_until"] = certificate_valid_until(course=course, start=now)
    return Certificate.objects.filter(user=user, course=course, revoked_at__isnull=True).update(**changes)


# --- retraining after a material change ------------------------------------------------------

def change_period(revision: ModuleRevision) -> str:
    return f"change:{revision.pk}"


def material_revision(*, revision_id: int) -> ModuleRevision | None:
    """A published material change, or None (an editorial one, a draft, or no such revision)."""
    return (ModuleRevision.objects.filter(pk=revision_id, change=Change.MATERIAL, published_at__isnull=False)
            .select_related("module__course").first())


def content_change_affected(*, revision: ModuleRevision) -> QuerySet[ModuleProgress]:
    """Who learned the module on an earlier text and is not yet asked to learn it again: completed
    it before the change was published, has not learned it again since (another retraining), and
    has no retraining for this change. Leavers are left out. Rows carry ``learned_at``."""
    since = revision.published_at
    relearned = Retraining.objects.filter(user_id=OuterRef("user_id"), module_id=revision.module_id,
                                          completed_at__isnull=False)
    last_relearned = relearned.values("user_id").annotate(last=Max("completed_at")).values("last")[:1]
    assigned = Retraining.objects.filter(user_id=OuterRef("user_id"), module_id=revision.module_id,
                                         period=change_period(revision))
    return (ModuleProgress.objects
            .filter(module_id=revision.module_id, completed_at__lt=since, user__is_active=True,
                    user__left_at__isnull=True)
            .exclude(Exists(relearned.filter(completed_at__gte=since)))
            .exclude(Exists(assigned))
            .annotate(learned_at=Greatest(F("completed_at"), Coalesce(Subquery(last_relearned), F("completed_at")))))


@transaction.atomic
def content_change_assign(*, revision: ModuleRevision, due_date: date, assigned_by: User | None) -> int:
    """Ask everyone affected by this material change to learn ONLY its module again, by ``due_date``.
    Each row names the text they learned (for the diff) and the course revisions from and to.
    Assigning again adds only people who became affected since; returns how many were assigned."""
    if revision.change != Change.MATERIAL or revision.published_at is None:
        raise ValueError(f"revision {revision.pk} is not a published material change")
    module = revision.module
    texts = list(ModuleRevision.objects.filter(module=module, published_at__isnull=False)
                 .order_by("published_at").values_list("published_at", "pk"))
    course_revisions = list(CourseRevision.objects.filter(course_id=module.course_id)
                            .order_by("created_at").values_list("created_at", "number"))
    target = course_revision_current(course_id=module.course_id).number
    now = timezone.now()
    rows = [Retraining(user_id=p.user_id, course_id=module.course_id, module=module,
                       reason=Retraining.Reason.CONTENT_CHANGE, period=change_period(revision), due_date=due_date,
                       assigned_at=now, assigned_by=assigned_by, to_course_revision=target,
                       from_course_revision=_at(course_revisions, p.learned_at),
                       learned_revision_id=_at(texts, p.learned_at))
            for p in content_change_affected(revision=revision).only("user_id", "completed_at")]
    Retraining.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _at(history: list[tuple[datetime, int]], moment: datetime) -> int | None:
    """The value that was current at ``moment`` in a (since, value) history sorted by time; the first
    one for a moment before it (learning done before course revisions were recorded)."""
    index = bisect_right([since for since, _value in history], moment)
    return history[max(index, 1) - 1][1] if history else None


def content_change_auto_assign(*, revision_id: int) -> int:
    """What a course with `retrain: auto` does on its own after a material change (0 otherwise)."""
    revision = material_revision(revision_id=revision_id)
    if revision is None or revision.module.course.retrain != "auto":
        return 0
    within = parse_duration(revision.module.course.retrain_within or RETRAIN_WITHIN_DEFAULT)
    due = timezone.localdate(within.after(timezone.now()))
    return content_change_assign(revision=revision, due_date=due, assigned_by=None)
