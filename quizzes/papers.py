"""The paper a timed attempt keeps: a snapshot of the questions it was started with.

The quiz's own rows move on with every edit (a question's text and answer are overwritten by its
next version), so an attempt that must survive an edit carries what it was asked. The snapshot
copies every stored field of the questions and their choices, so grading and review rebuild the
very objects they were given at the start."""

from django.db import models

from .models import Choice, Question

QUESTION_SKIP = ("quiz",)
CHOICE_SKIP = ("id", "question")


def _fields(model: type[models.Model], skip: tuple[str, ...]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.name not in skip]


def paper_of(questions: list[Question]) -> list[dict]:
    """JSON-ready snapshot of questions with their current choices, in order."""
    question_fields, choice_fields = _fields(Question, QUESTION_SKIP), _fields(Choice, CHOICE_SKIP)
    return [
        {**{f.attname: f.value_from_object(q) for f in question_fields},
         "choices": [{f.attname: f.value_from_object(c) for f in choice_fields} for c in q.current_choices]}
        for q in questions
    ]


def paper_questions(paper: list[dict], quiz_id: int) -> list[Question]:
    """Unsaved Question objects (with their primary keys) rebuilt from a snapshot."""
    question_fields, choice_fields = _fields(Question, QUESTION_SKIP), _fields(Choice, CHOICE_SKIP)
    questions = []
    for item in paper:
        question = Question(quiz_id=quiz_id, **{f.attname: f.to_python(item[f.attname])
                                                for f in question_fields if f.attname in item})
        question.current_choices = [
            Choice(question_id=question.pk, **{f.attname: f.to_python(c[f.attname])
                                               for f in choice_fields if f.attname in c})
            for c in item["choices"]]
        questions.append(question)
    return questions
