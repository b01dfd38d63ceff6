import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from .models import Choice, Question, Quiz


@dataclass(frozen=True)
class ChoiceData:
    key: str
    text_html: str
    is_correct: bool


@dataclass(frozen=True)
class QuestionData:
    """A question as the content pipeline hands it over: already rendered and sanitised."""

    key: str
    kind: str
    fingerprint: str
    text_html: str
    explanation_html: str
    answer: dict
    choices: list[ChoiceData] = field(default_factory=list)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def quiz_sync(*, quiz: Quiz, title: str, questions: list[QuestionData]) -> bool:
    """Make the quiz hold exactly these questions, by stable key.

    A question whose meaning changed gets a new version (old choices stay for past attempts);
    a question that disappeared is deactivated, never deleted. Returns whether anything changed.
    """
    existing = {q.key: q for q in quiz.questions.all()}
    changed = quiz.title != title
    for order, data in enumerate(questions, start=1):
        question = existing.pop(data.key, None)
        changed |= _question_upsert(quiz, question, data, order)
    for question in existing.values():
        if question.is_active:
            question.is_active = False
            question.save(update_fields=["is_active"])
            changed = True
    if changed:
        quiz.title = title
        quiz.version += 1
        quiz.save()
    return changed


def _question_upsert(quiz: Quiz, question: Question | None, data: QuestionData, order: int) -> bool:
    fingerprint = _digest(data.fingerprint)
    if question is None:
        question = Question(quiz=quiz, key=data.key, version=0)
    elif question.fingerprint == fingerprint:
        if question.order == order and question.is_active:
            return False
        question.order, question.is_active = order, True
        question.save(update_fields=["order", "is_active"])
        return True
    question.version += 1
    question.kind = data.kind
    question.order = order
    question.fingerprint = fingerprint
    question.text_html = data.text_html
    question.explanation_html = data.explanation_html
    question.answer = data.answer
    question.is_active = True
    question.save()
    Choice.objects.bulk_create(
        Choice(question=question, version=question.version, key=c.key, order=i,
               text_html=c.text_html, is_correct=c.is_correct)
        for i, c in enumerate(data.choices, start=1)
    )
    return True
