"""Validate → render → upsert. The one way content reaches the database (files and editor alike)."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from quizzes.models import Quiz
from quizzes.services import ChoiceData, QuestionData, quiz_sync

from .content.loader import ContentProblem, CourseSource, PartSource, SourceFile, load_content
from .content.rendering import render_body, render_question
from .content.sanitise import RENDER_VERSION, render_markdown
from .models import Course, Module, Part

QUIZ_SETTING_FIELDS = ("max_attempts", "cooldown_minutes", "review")


class ContentInvalid(Exception):
    def __init__(self, problems: list[ContentProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in content")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    archived: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated) + len(self.archived)


def content_validate(*, root: Path) -> list[ContentProblem]:
    _, problems = load_content(root)
    return problems


@transaction.atomic
def content_import(*, root: Path, force: bool = False) -> ImportReport:
    """Import every course below ``root``; nothing is written unless all of it is valid."""
    courses, problems = load_content(root)
    if problems:
        raise ContentInvalid(problems)
    report = ImportReport()
    for source in courses:
        _course_import(source, report, force)
    return report


def _is_current(row, source: SourceFile, force: bool) -> bool:
    return (not force and row.pk is not None and row.content_hash == source.content_hash
            and row.render_version == RENDER_VERSION and row.archived_at is None)


def _track(row, source: SourceFile, report: ImportReport, label: str) -> None:
    (report.updated if row.pk else report.created).append(label)
    row.source = source.text
    row.source_path = str(source.path)
    row.content_hash = source.content_hash
    row.render_version = RENDER_VERSION
    row.archived_at = None
    row.title = source.doc.meta["title"]


def _course_import(source: CourseSource, report: ImportReport, force: bool) -> None:
    course = Course.objects.filter(slug=source.slug).first() or Course(slug=source.slug)
    if _is_current(course, source, force):
        report.unchanged += 1
    else:
        _track(course, source, report, f"course {source.slug}")
        meta = source.doc.meta
        course.description_html, _ = render_markdown(source.doc.body)
        course.pass_mark = meta["pass_mark"]
        course.max_attempts = meta.get("max_attempts", 0)
        course.cooldown_minutes = meta.get("cooldown_minutes", 0)
        course.review = meta.get("review", "after_attempt")
        course.save()
    parts = {p.slug: p for p in course.parts.all()}
    modules = {m.slug: m for m in course.modules.select_related("quiz")}
    position = 0
    for part_source in sorted(source.parts, key=lambda p: p.doc.meta["order"]):
        part = _part_import(course, parts.pop(part_source.slug, None), part_source, report, force)
        for module_source in sorted(part_source.modules, key=lambda m: m.doc.meta["order"]):
            position += 1
            module = modules.pop(module_source.slug, None)
            _module_import(course, part, module, module_source, position, report, force)
    _archive(course, parts.values(), modules.values(), report)
    _quiz_settings_sync(course)


def _quiz_settings_sync(course: Course) -> None:
    """Copy each module's effective quiz rules (module value, else the course's) onto its quiz."""
    for module in course.modules.live().select_related("quiz"):
        quiz = module.quiz
        if quiz is None:
            continue
        wanted = {
            "pass_mark": module.effective_pass_mark,
            "max_attempts": module.max_attempts if module.max_attempts is not None else course.max_attempts,
            "cooldown_minutes": (module.cooldown_minutes if module.cooldown_minutes is not None
                                 else course.cooldown_minutes),
            "review": module.review or course.review,
        }
        if any(getattr(quiz, name) != value for name, value in wanted.items()):
            Quiz.objects.filter(pk=quiz.pk).update(**wanted)


def _part_import(course: Course, part: Part | None, source: PartSource,
                 report: ImportReport, force: bool) -> Part:
    part = part or Part(course=course, slug=source.slug)
    if _is_current(part, source, force):
        report.unchanged += 1
        return part
    _track(part, source, report, f"part {source.slug}")
    part.order = source.doc.meta["order"]
    part.description_html, _ = render_markdown(source.doc.body)
    part.save()
    return part


def _module_import(course: Course, part: Part, module: Module | None, source: SourceFile,
                   position: int, report: ImportReport, force: bool) -> None:
    module = module or Module(course=course, slug=source.slug)
    if _is_current(module, source, force) and module.part_id == part.pk:
        report.unchanged += 1
        if module.position != position:
            Module.objects.filter(pk=module.pk).update(position=position)
        return
    _track(module, source, report, f"module {source.slug}")
    meta = source.doc.meta
    module.part, module.position = part, position
    module.order, module.minutes = meta["order"], meta["minutes"]
    module.objectives = meta["objectives"]
    module.required = meta.get("required", True)
    module.pass_mark = meta.get("pass_mark")
    module.pass_mark_reason = meta.get("pass_mark_reason", "")
    module.max_attempts = meta.get("max_attempts")
    module.cooldown_minutes = meta.get("cooldown_minutes")
    module.review = meta.get("review", "")
    module.body_html, module.toc = render_body(source.doc)
    if source.doc.has_quiz:
        module.quiz = module.quiz or Quiz.objects.create(title=module.title)
        quiz_sync(quiz=module.quiz, title=module.title, questions=_question_data(source))
    elif module.quiz is not None:
        quiz_sync(quiz=module.quiz, title=module.title, questions=[])
    module.save()


def _question_data(source: SourceFile) -> list[QuestionData]:
    data = []
    for question in source.doc.questions:
        html = render_question(question)
        data.append(QuestionData(
            key=question.key, kind=question.kind, fingerprint=question.fingerprint(),
            text_html=html["text_html"], explanation_html=html["explanation_html"],
            answer=question.answer, choices=[ChoiceData(**c) for c in html["choices"]],
        ))
    return data


def _archive(course: Course, parts, modules, report: ImportReport) -> None:
    now = timezone.now()
    for module in modules:
        if module.archived_at is None:
            module.archived_at = now
            module.save(update_fields=["archived_at"])
            report.archived.append(f"module {module.slug}")
    for part in parts:
        if part.archived_at is None:
            part.archived_at = now
            part.save(update_fields=["archived_at"])
            report.archived.append(f"part {part.slug}")
