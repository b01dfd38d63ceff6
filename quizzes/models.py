from django.db import models
from django.utils.translation import gettext_lazy as _

from .grading import AnswerKey


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True / false")
    NUMERIC = "numeric", _("Numeric")
    TEXT = "text", _("Short text")


class Quiz(models.Model):
    """A set of questions. It does not know where it is shown."""

    title = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=0, help_text="Goes up with every change.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


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
        )


class Choice(models.Model):
    """One option of one version of a question; old versions stay for past attempts."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    version = models.PositiveIntegerField()
    key = models.CharField(max_length=4)
    order = models.PositiveIntegerField()
    text_html = models.TextField()
    is_correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "version", "key"], name="unique_choice_per_question_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.version} {self.key}"
