from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .grading import AnswerKey


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True / false")
    NUMERIC = "numeric", _("Numeric")
    TEXT = "text", _("Short text")


class ReviewPolicy(models.TextChoices):
    """When a learner sees right answers and explanations (like Moodle's review options)."""

    AFTER_ATTEMPT = "after_attempt", _("After each attempt")
    AFTER_PASS = "after_pass", _("After passing")
    NEVER = "never", _("Never")


class Quiz(models.Model):
    """A set of questions and the rules for taking it. It does not know where it is shown."""

    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change.")
    pass_mark = models.PositiveSmallIntegerField(default=80)
    max_attempts = models.PositiveSmallIntegerField(default=0, help_text=_("0 means unlimited"))
    cooldown_minutes = models.PositiveIntegerField(default=0)
    review = models.CharField(max_length=20, choices=ReviewPolicy.choices,
                              default=ReviewPolicy.AFTER_ATTEMPT)
    # A timed exam: an attempt must end by start + limit and by the close of the window.
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

    @property
    def is_timed(self) -> bool:
        return bool(self.time_limit_minutes or self.closes_at)


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=50, help_text="Stable id from the content file.")
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    order = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    fingerprint = models.CharField(max_length=64)
    text_html = models.TextField()
    explanation_html = models.TextField()
    answer = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key"], name="unique_question_key_per_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}:{self.key} v{self.version}"

    def answer_key(self, choices: list["Choice"]) -> AnswerKey:
        return AnswerKey(
            key=self.key,
            kind=self.kind,
            answer=self.answer,
            choices=frozenset(c.key for c in choices),
            correct_choices=frozenset(c.key for c in choices if c.is_correct),
            fractions={c.key: c.fraction for c in choices},
        )


class Choice(models.Model):
    """One option of one version of a question; old versions stay for past attempts."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    version = models.PositiveIntegerField()
    key = models.CharField(max_length=4)
    order = models.PositiveIntegerField()
    text_html = models.TextField()
    # Part of the best answer: the full-credit option of a single choice, every option with a
    # positive fraction of a multiple choice.
    is_correct = models.BooleanField(default=False)
    fraction = models.DecimalField(max_digits=8, decimal_places=7, default=0,
                                   help_text="Share of the marks, -1 … 1 (Moodle's answer fraction).")
    feedback = models.TextField(blank=True, help_text="Plain text shown to a learner who chose it.")

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "version", "key"], name="unique_choice_per_question_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version} {self.key}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        ABANDONED = "abandoned", _("Abandoned")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()
    quiz_version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # {question key: {"version": n, "choices": [[token, choice key], ...] in display order}}
    layout = models.JSONField(default=dict)
    responses = models.JSONField(default=dict, blank=True)
    outcomes = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField()
    passed = models.BooleanField(null=True, blank=True)
    # Timed exams only. The attempt keeps the questions it was started with (``paper``), so an edit
    # of the quiz during the exam changes nothing for it; ``draft`` is what autosave last stored
    # ({form field: [values]}), graded as it stands when the deadline passes (``auto_submitted``).
    deadline = models.DateTimeField(null=True, blank=True)
    paper = models.JSONField(default=list, blank=True, encoder=DjangoJSONEncoder)
    draft = models.JSONField(default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    focus_losses = models.PositiveIntegerField(default=0)
    focus_log = models.JSONField(default=list, blank=True)  # [[ISO time, "blur" | "hidden"], ...]

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "quiz", "status"]),
                   models.Index(fields=["status", "deadline"], name="attempt_open_deadline")]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz"], condition=models.Q(status="open"),
                                    name="one_open_attempt_per_user_quiz"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.quiz_id} #{self.number} {self.status}"

    @property
    def focus_moments(self) -> list[tuple[datetime, str]]:
        return [(datetime.fromisoformat(moment), kind) for moment, kind in self.focus_log]


class QuestionResult(models.Model):
    """A learner's latest answer to one question: the 错题本 lists it until it earns full credit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="question_results")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="results")
    last_correct = models.BooleanField(help_text="Full credit: off the 错题本.")
    last_credit = models.DecimalField(max_digits=8, decimal_places=7, default=0)
    wrong_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_result_per_question")]
        indexes = [models.Index(fields=["user", "last_correct"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.question_id} {'right' if self.last_correct else 'wrong'}"


class TimeExtension(models.Model):
    """Extra minutes one learner gets on one timed quiz (an accessibility arrangement made by HR)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_extensions")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="time_extensions")
    extra_minutes = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "quiz"], name="one_time_extension_per_quiz")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.quiz_id} +{self.extra_minutes} min"
