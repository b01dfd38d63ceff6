"""A learner's journey: enrolments and where they come from (cohorts and course assignments),
module progress, reflections, certificates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Module, ModuleRevision


class Enrollment(models.Model):
    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNED = "assigned", _("Assigned")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SELF)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField(null=True, blank=True)
    assignment = models.ForeignKey("CourseAssignment", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="enrollments")
    unassigned_at = models.DateTimeField(null=True, blank=True,
                                         help_text=_("Set when HR withdraws the assignment; history stays."))
    completed_at = models.DateTimeField(null=True, blank=True)
    last_module = models.ForeignKey(Module, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    # Rollups of this learner's ModuleProgress in the course, kept current by progress.services so
    # HR reports over thousands of learners aggregate one table instead of joining per learner.
    started_at = models.DateTimeField(null=True, blank=True)
    active_seconds = models.PositiveIntegerField(default=0)
    modules_completed = models.PositiveIntegerField(default=0)
    average_best_score = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class ModuleProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="module_progress")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="progress")
    first_viewed_at = models.DateTimeField()
    last_viewed_at = models.DateTimeField()
    last_beat_at = models.DateTimeField(null=True, blank=True)
    active_seconds = models.PositiveIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.PositiveSmallIntegerField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="one_progress_per_module")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.module_id}"

    @property
    def status(self) -> str:
        return "completed" if self.completed_at else "in_progress"


class Reflection(models.Model):
    """A learner's private answer to a reflection prompt; only they ever see it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="reflections")
    key = models.SlugField(max_length=50)
    text = models.TextField(max_length=5000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module", "key"],
                                               name="one_reflection_per_prompt")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.module_id}:{self.key}"


class ExerciseResult(models.Model):
    """A learner's latest answers to one data exercise, as the server graded them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_results")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="exercise_results")
    key = models.SlugField(max_length=50)
    answers = models.JSONField(default=dict)  # blank id -> what the learner typed
    results = models.JSONField(default=dict)  # blank id -> right or not
    attempts = models.PositiveIntegerField(default=0)
    solved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module", "key"],
                                               name="one_exercise_result_per_exercise")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.module_id}:{self.key}"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(max_length=20, unique=True)
    issued_at = models.DateTimeField()
    learner_name = models.CharField(max_length=200)
    course_title = models.CharField(max_length=200)
    total_seconds = models.PositiveIntegerField()
    # None: the course sets no validity, the certificate never expires.
    valid_until = models.DateTimeField(null=True, blank=True)
    # The course revision (courses.CourseRevision.number and fingerprint) the learner was last
    # certified on: set at issue, re-stamped when retraining or recertification is complete.
    course_revision = models.PositiveIntegerField(null=True, blank=True)
    course_fingerprint = models.CharField(max_length=64, blank=True)
    stamped_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="one_certificate_per_course")]

    def __str__(self) -> str:
        return f"{self.code} {self.course_title}"

    @property
    def hours(self) -> float:
        return round(self.total_seconds / 3600, 1)

    def status_at(self, moment) -> str:
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.valid_until is not None and self.valid_until <= moment:
            return self.Status.EXPIRED
        return self.Status.VALID

class Retraining(models.Model):
    """One module a learner must learn again: re-read and re-pass, by a due date.

    Opened by recertification (before a certificate expires) or by a material content change.
    The learner's ModuleProgress is never reset: this row keeps its own read, pass and completion,
    so the first completion, scores and time stay in the reports. ``period`` names the occasion
    (the certificate's expiry, or the change), so opening the same one twice writes nothing.
    """

    class Reason(models.TextChoices):
        RECERTIFICATION = "recertification", _("Recertification")
        CONTENT_CHANGE = "content_change", _("Material content change")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="retrainings")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="retrainings")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="retrainings")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    period = models.CharField(max_length=40)
    due_date = models.DateField()
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Course revision the learner was certified or trained on, and the one they retrain for.
    from_course_revision = models.PositiveIntegerField(null=True, blank=True)
    to_course_revision = models.PositiveIntegerField()
    # The module text they learned before (content changes: the diff is shown against it).
    learned_revision = models.ForeignKey(ModuleRevision, null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module", "period"],
                                               name="one_retraining_per_module_occasion")]
        indexes = [models.Index(fields=["course", "completed_at"], name="retraining_course_open")]

    def __str__(self) -> str:
        return f"{self.user_id} again on {self.module_id} ({self.period})"

class ModuleCredit(models.Model):
    """学时 earned by completing a module, fixed as the module granted them at completion: a later
    edit of the module's credit hours does not rewrite what a learner earned. The credit counts once
    the learner's trusted active time on the module (ModuleProgress.active_seconds, the evidence)
    reaches ``required_seconds``; until then it is pending."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="module_credits")
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="credits")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="module_credits")
    hours = models.DecimalField(max_digits=5, decimal_places=2)
    category = models.CharField(max_length=50, blank=True)
    required_seconds = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "module"], name="one_credit_per_module")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.module_id}: {self.hours} h"


class OfflineCredit(models.Model):
    """学时 from training outside the platform (classroom), entered by HR with a reason; kept apart
    from online credit and recorded in the audit log."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offline_credits")
    title = models.CharField(_("training"), max_length=200)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    category = models.CharField(_("category"), max_length=50)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.title} {self.held_on}: {self.hours} h"


class Cohort(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    # Names of the departments (User.department) whose members this cohort follows: HR's
    # department_cohorts_refresh adds people who join them and removes people who move away.
    follows_departments = models.JSONField(_("follows departments"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CohortMember(models.Model):
    """Membership with history: leaving sets left_at instead of deleting the row."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships")
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], condition=models.Q(left_at__isnull=True),
                                    name="one_active_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.cohort_id}"


class CourseAssignment(models.Model):
    """HR assigns a course to a cohort with a due date; each member gets an Enrollment."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="assignments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="assignments")
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "course"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="one_live_assignment_per_cohort_course"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} → {self.cohort_id} by {self.due_date}"
