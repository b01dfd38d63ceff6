"""Render a module's text the way learners will see it, without saving anything."""

import hashlib
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from courses.content.loader import SourceFile
from courses.content.rendering import Rendered
from courses.library import library_for_course
from courses.models import Module
from courses.render_cache import source_render
from courses.selectors import bank_candidates_for
from courses.services import module_neighbours, module_problems, module_source
from quizzes import grading
from quizzes.parser import ParsedQuestion
from quizzes.syntax import Problem

from .sourcetext import normalise_newlines


@dataclass
class PreviewModule:
    """What the learner page fragment (partials/_module_body.html) reads from a module."""

    title: str
    objectives: list
    body_html: str
    toc: list = field(default_factory=list)
    minutes: object = ""


@dataclass
class QuestionPreview:
    key: str
    kind: str
    status: str  # "new", "changed" (a new version: statistics start again) or "same"
    text_html: str
    explanation_html: str
    choices: list[dict]  # text_html, is_correct, percent ("" for a plain [x] / [ ]), feedback
    answer: dict
    answers: list[dict] = field(default_factory=list)  # numeric / text: text, percent, feedback


@dataclass
class Preview:
    source: SourceFile
    module: PreviewModule | None
    problems: list[Problem]
    questions: list[QuestionPreview] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # question ids that would be deactivated


def module_preview(*, module: Module, text: str) -> Preview:
    source = module_source(text=normalise_newlines(text), path=module.source_path)
    neighbours = module_neighbours(course=module.course, part=module.part, module=module)
    library = library_for_course(course=module.course)
    preview = Preview(source, None, module_problems(source=source, neighbours=neighbours, module=module,
                                                    library=library, bank=bank_candidates_for(course=module.course)))
    meta = source.doc.meta
    if source.rendered is None:
        # A text with problems is still previewed as far as it renders (within the same budget);
        # its problems are listed, and a render that fails shows an empty preview.
        source_render(source, library)
    rendered = source.rendered or Rendered("")
    objectives = meta.get("objectives") if isinstance(meta.get("objectives"), list) else []
    preview.module = PreviewModule(title=str(meta.get("title", "")), objectives=objectives,
                                   body_html=rendered.body_html, toc=rendered.toc,
                                   minutes=meta.get("minutes", ""))
    _questions(preview, module, rendered.questions)
    return preview


def _questions(preview: Preview, module: Module, pieces: list[dict]) -> None:
    stored = {}
    if module.quiz_id:
        stored = {q["key"]: q for q in module.quiz.questions.values("key", "fingerprint", "is_active")}
    empty = {"text_html": "", "explanation_html": "", "choices": []}  # the text did not render
    for index, question in enumerate(preview.source.doc.questions):
        # The same digest quizzes.services.quiz_sync stores: equal means "same question version".
        digest = hashlib.sha256(question.fingerprint().encode("utf-8")).hexdigest()
        old = stored.get(question.key)
        status = "new" if old is None else ("same" if old["fingerprint"] == digest else "changed")
        html = pieces[index] if index < len(pieces) else empty
        # A text that did not render has no choice pieces: nothing to pair.
        choices = [{**piece, "percent": "" if choice.plain else _percent(choice.fraction), "feedback": choice.feedback}
                   for piece, choice in zip(html["choices"], question.choices, strict=False)]
        preview.questions.append(QuestionPreview(
            question.key, question.kind, status, html["text_html"], html["explanation_html"],
            choices, question.answer, _answers(question)))
    keys = {q.key for q in preview.questions}
    preview.removed = sorted(k for k, q in stored.items() if q["is_active"] and k not in keys)


def _percent(fraction) -> str:
    return f"{(100 * fraction).normalize():f}"


def _answers(question: ParsedQuestion) -> list[dict]:
    """The accepted answers as a trainer reads them, with their weight and feedback."""
    if question.kind not in ("numeric", "text") or not question.answer:
        return []
    unit = question.answer.get("unit", "")
    rows = []
    for answer in grading.answers(question.answer, question.kind):
        text = answer.value
        if question.kind == "numeric" and answer.value != grading.CATCH_ALL:
            text = f"{answer.value}{f' ± {answer.tolerance}' if answer.tolerance else ''} {unit}".strip()
        rows.append({"text": text, "percent": _percent(answer.fraction), "feedback": answer.feedback})
    return rows


def preview_html(preview: Preview, request=None) -> str:
    return render_to_string("authoring/_preview.html", {"preview": preview}, request=request)
