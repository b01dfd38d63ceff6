"""Validate → render → upsert. The one way content reaches the database (files and editor alike).

``module_upsert`` is the per-module service: ``import_content`` calls it for every module file
and the browser editor calls it when a trainer publishes (or restores, reorders, moves). Every
call that changes what learners see also records a ``ModuleRevision``, so no text is ever lost
without history. Every revision and every archiving announces ``courses.signals.module_changed``
once the transaction commits (the search index listens).

Files in git are the source of truth. When a file differs from a revision a trainer published
in the browser, the import still wins: the file's text is published (a new revision, origin
"import"), the browser revision stays in the history and the import prints a warning. A live
module that has no file is archived the same way, with a warning when it was created or last
published in the browser. To keep browser edits, export them into ``content/`` and commit.
"""

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audit.services import audit_record
from quizzes.draws import Candidate, rule_problems
from quizzes.models import Quiz
from quizzes.services import ChoiceData, QuestionData, quiz_draw_set, quiz_sync, quiz_timing_set
from quizzes.syntax import Phrase, Problem

from .changes import ChangeNote, ImportChanges, change_record
from .content.documents import parse_document
from .content.durations import parse_duration
from .content.exercises import answer_sheet
from .content.frontmatter import parse_moment
from .content.loader import ContentProblem, CourseSource, PartSource, SourceFile, load_content
from .content.rendering import Library, Rendered, render_question
from .content.sanitise import RENDER_VERSION
from .library import library_for_course, library_from_source, library_sync, modules_relink
from .models import Change, Course, Module, ModuleRevision, Part
from .render_cache import content_tree_render, source_render
from .revisions import course_revision_refresh
from .selectors import bank_candidates_for
from .signals import module_changed_announce

QUIZ_SETTING_FIELDS = ("max_attempts", "cooldown_minutes", "review")
Origin = ModuleRevision.Origin


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
    warnings: list[str] = field(default_factory=list)
    relinked: list[str] = field(default_factory=list)  # re-rendered for a new glossary or templates

    @property
    def changed(self) -> int:
        return len(self.created) + len(self.updated) + len(self.archived)


@dataclass(frozen=True)
class Neighbours:
    """What a module's slug and order must not collide with."""

    slugs: frozenset[str]  # every other module of the course, archived ones too (slugs are forever)
    orders: dict[int, str]  # order -> slug of the other live modules of the same part


@dataclass
class ModuleResult:
    module: Module
    changed: bool
    created: bool = False
    revision: ModuleRevision | None = None
    replaced: ModuleRevision | None = None  # a browser-published text this save replaced
    pending_draft: ModuleRevision | None = None  # an unpublished draft this save went past


def content_validate(*, root: Path) -> list[ContentProblem]:
    """Every problem the import would meet: the same loading, limits, parsing and rendering."""
    courses, problems = load_content(root)
    return problems or content_tree_render(courses=courses)


@transaction.atomic
def content_import(*, root: Path, force: bool = False, material: frozenset[str] = frozenset(),
                   reason: str = "", actor_label: str = "manage.py import_content") -> ImportReport:
    """Import every course below ``root``; nothing is written unless all of it is valid. An
    import that changed something is recorded in the audit log ("content.import").

    ``material`` names modules ("course-slug/module-slug") whose changed text is a material change,
    with ``reason``; every other changed module is recorded as editorial. Naming a module the import
    does not change is a problem too (nothing is written): the flag would otherwise be lost."""
    courses, problems = load_content(root)
    problems = problems or content_tree_render(courses=courses)
    if problems:
        raise ContentInvalid(problems)
    report = ImportReport()
    notes = ImportChanges(material=material, note=ChangeNote(Change.MATERIAL, reason) if material else None)
    for source in courses:
        _course_import(source, report, force, notes)
    if missed := sorted(material - notes.applied):
        raise ContentInvalid([_unchanged_material(root, key) for key in missed])
    if report.changed:
        audit_record(actor=None, actor_label=actor_label, action="content.import",
                     after={"root": str(root), "created": report.created, "updated": report.updated,
                            "archived": report.archived})
    return report


# --- one module: the service both paths share -----------------------------------------------

def _unchanged_material(root: Path, key: str) -> ContentProblem:
    phrase = Phrase("--material %(key)s: this import does not change that module (it is unchanged, new or "
                    "not in these files)", {"key": key})
    return ContentProblem(str(root), 0, phrase.english(), phrase)


def module_source(*, text: str, path: str | Path = "") -> SourceFile:
    """Parse a module's full text (front matter, body, quiz) as if it were a file."""
    return SourceFile(Path(path), text, parse_document(text, "module"))


def module_neighbours(*, course: Course, part: Part, module: Module | None = None) -> Neighbours:
    """The module's neighbours as the database has them (one query)."""
    others = Module.objects.filter(course=course).exclude(pk=module.pk if module else None)
    rows = list(others.values_list("slug", "part_id", "order", "archived_at"))
    return Neighbours(
        slugs=frozenset(slug for slug, *_ in rows),
        orders={order: slug for slug, part_id, order, archived in rows
                if part_id == part.pk and archived is None},
    )


def module_problems(*, source: SourceFile, neighbours: Neighbours, module: Module | None = None,
                    library: Library | None = None, bank: list[Candidate] | None = None) -> list[Problem]:
    """Everything wrong with a module's text, each with its line (empty: it may be saved). ``bank``:
    the course's bank questions its draw rules are checked against (the import checks the tree's)."""
    problems = list(source.doc.problems)
    if bank is not None and source.doc.draw_rules:
        problems += rule_problems(source.doc.draw_rules, bank)
    if library is not None:
        problems += [Problem.of(d.line, "no template %(slug)r in this course", slug=d.args)
                     for d in source.doc.directives
                     if d.name == "resource" and d.args and d.args not in library.resources]
    problems = problems or source_render(source, library)  # the render needs a clean text
    slug, order = source.doc.meta.get("slug"), source.doc.meta.get("order")
    if module is not None and isinstance(slug, str) and slug != module.slug:
        problems.append(Problem.of(front_matter_line(source.text, "slug"),
                                   "the slug is this module's identity (learner progress hangs on it); "
                                   "keep it as %(slug)r or create a new module", slug=module.slug))
    elif slug in neighbours.slugs:
        problems.append(Problem.of(front_matter_line(source.text, "slug"),
                                   "slug %(slug)r is already used by another module of this course", slug=slug))
    if isinstance(order, int) and order in neighbours.orders:
        problems.append(Problem.of(front_matter_line(source.text, "order"),
                                   "order %(order)s is already used by module %(other)r in this part",
                                   order=order, other=neighbours.orders[order]))
    return sorted(set(problems))


def front_matter_line(text: str, name: str) -> int:
    """Line number of a front-matter field (1 when it is missing)."""
    pattern = re.compile(rf"^{re.escape(name)}\s*:")
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines()[1:], start=2):
        if line.strip() == "---":
            break
        if pattern.match(line):
            return number
    return 1


@transaction.atomic
def module_upsert(*, course: Course, part: Part, source: SourceFile, module: Module | None = None,
                  position: int | None = None, neighbours: Neighbours | None = None,
                  author: User | None = None, origin: str = Origin.IMPORT, live: bool = True,
                  force: bool = False, publish: ModuleRevision | None = None, note: str = "",
                  based_on: ModuleRevision | None = None, library: Library | None = None,
                  change: ChangeNote | None = None) -> ModuleResult:
    """Validate, render and save one module; record the saved text as a revision.

    ``neighbours`` and ``library`` (glossary, templates) default to the database's; the importer
    passes the file tree's. ``live=False`` saves a module learners cannot see yet (a new module's
    first draft). ``publish`` is a draft revision holding exactly this text: it is marked published
    instead of recording a copy. Raises ContentInvalid (nothing written) when the text has problems.
    """
    if neighbours is None:
        neighbours = module_neighbours(course=course, part=part, module=module)
    library = library or library_for_course(course=course)
    bank = None if origin == Origin.IMPORT else bank_candidates_for(course=course)
    problems = module_problems(source=source, neighbours=neighbours, module=module, library=library, bank=bank)
    if problems:
        raise ContentInvalid([ContentProblem(str(source.path), p.line, p.message, p.phrase) for p in problems])
    module = module or Module(course=course, slug=source.slug, position=position or 0)
    if live and _is_current(module, source, force) and module.part_id == part.pk:
        if position is not None and module.position != position:
            Module.objects.filter(pk=module.pk).update(position=position, updated_at=timezone.now())
            module.position = position
        return ModuleResult(module, changed=False)
    result = ModuleResult(module, changed=True, created=module.pk is None)
    if module.pk is not None:
        result.pending_draft, result.replaced = _superseded(module, source, origin)
    _module_fill(module, part, source, position, library)
    if not live:
        module.archived_at = timezone.now()
    module.save()
    _quiz_settings_apply(module, course)
    result.revision = revision_record(
        module=module, text=source.text, author=author, origin=origin, published=live,
        publish=publish, note=note, based_on=based_on, change=change if live and not result.created else None)
    return result


def revision_record(*, module: Module, text: str, author: User | None, origin: str, published: bool,
                    publish: ModuleRevision | None = None, note: str = "",
                    based_on: ModuleRevision | None = None, change: ChangeNote | None = None) -> ModuleRevision:
    """Append a revision to the module's history (or mark the draft ``publish`` as published).
    ``change`` says whether a published text is a material or an editorial change (see changes.py)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    now = timezone.now()
    module_changed_announce(module_id=module.pk)
    marks = {"change": change.kind, "change_reason": change.reason} if change and published else {}
    if publish is not None and publish.is_draft and publish.content_hash == digest:
        publish.published_at = now
        for name, value in marks.items():
            setattr(publish, name, value)
        publish.save(update_fields=["published_at", *marks])
        revision = publish
    else:
        number = (module.revisions.aggregate(top=Max("number"))["top"] or 0) + 1
        revision = ModuleRevision.objects.create(
            module=module, number=number, source=text, content_hash=digest, author=author, origin=origin,
            note=note[:200], based_on=based_on, created_at=now, published_at=now if published else None, **marks)
    if marks:
        change_record(revision=revision, author=author)
    return revision


def _superseded(module: Module, source: SourceFile,
                origin: str) -> tuple[ModuleRevision | None, ModuleRevision | None]:
    """A draft newer than the published text, and a browser-published text an import replaces."""
    latest = module.revisions.order_by("-number").select_related("author").first()
    draft = latest if latest is not None and latest.is_draft else None
    if origin != Origin.IMPORT:
        return draft, None
    published = latest if latest is not None and not latest.is_draft else (
        module.revisions.filter(published_at__isnull=False).order_by("-number")
        .select_related("author").first())
    if published is not None and published.origin != Origin.IMPORT \
            and published.content_hash != source.content_hash and module.content_hash != source.content_hash:
        return draft, published
    return draft, None


def _module_fill(module: Module, part: Part, source: SourceFile, position: int | None, library: Library) -> None:
    _track(module, source)
    meta = source.doc.meta
    module.part = part
    if position is not None:
        module.position = position
    module.order, module.minutes = meta["order"], meta["minutes"]
    module.objectives = meta["objectives"]
    module.required = meta.get("required", True)
    module.recurring = meta.get("recurring", False)
    module.pass_mark = meta.get("pass_mark")
    module.pass_mark_reason = meta.get("pass_mark_reason", "")
    module.max_attempts = meta.get("max_attempts")
    module.cooldown_minutes = meta.get("cooldown_minutes")
    module.review = meta.get("review", "")
    module.credit_hours = _hours(meta.get("credit_hours"))
    module.credit_category = meta.get("credit_category", "").strip()
    rendered = _rendered(source, library)
    module.body_html, module.toc = rendered.body_html, rendered.toc
    module.exercises = {d.exercise.key: answer_sheet(d.exercise) for d in source.doc.directives if d.exercise}
    if source.doc.has_quiz:
        module.quiz = module.quiz or Quiz.objects.create(title=module.title)
        quiz_sync(quiz=module.quiz, title=module.title, questions=_question_data(source, rendered))
        quiz_timing_set(quiz=module.quiz, time_limit_minutes=meta.get("time_limit_minutes"),
                        opens_at=parse_moment(meta.get("opens_at")), closes_at=parse_moment(meta.get("closes_at")))
        rules = [rule.as_dict() for rule in source.doc.draw_rules]
        quiz_draw_set(quiz=module.quiz, bank=module.course.bank if rules else None, rules=rules)
    elif module.quiz is not None:
        quiz_sync(quiz=module.quiz, title=module.title, questions=[])


def _hours(value: float | None) -> Decimal | None:
    """Front matter numbers (validated: at most two decimals) as exact decimals: 0.1 stays 0.10."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def course_positions_refresh(*, course: Course) -> None:
    """Number the live modules through the course: part order, then module order."""
    modules = list(Module.objects.live().filter(course=course).select_related("part")
                   .order_by("part__order", "order", "slug"))
    changed, now = [], timezone.now()
    for position, module in enumerate(modules, start=1):
        if module.position != position:
            module.position, module.updated_at = position, now
            changed.append(module)
    Module.objects.bulk_update(changed, ["position", "updated_at"])


# --- the file tree ---------------------------------------------------------------------------

def _is_current(row, source: SourceFile, force: bool) -> bool:
    return (not force and row.pk is not None and row.content_hash == source.content_hash
            and row.render_version == RENDER_VERSION and row.archived_at is None)


def _track(row, source: SourceFile, report: ImportReport | None = None, label: str = "") -> None:
    if report is not None:
        (report.updated if row.pk else report.created).append(label)
    row.source = source.text
    if str(source.path) not in ("", "."):
        row.source_path = str(source.path)
    row.content_hash = source.content_hash
    row.render_version = RENDER_VERSION
    row.archived_at = None
    row.title = source.doc.meta["title"]


def _course_import(source: CourseSource, report: ImportReport, force: bool, notes: ImportChanges) -> None:
    course = Course.objects.filter(slug=source.slug).first() or Course(slug=source.slug)
    if _is_current(course, source, force):
        report.unchanged += 1
    else:
        _track(course, source, report, f"course {source.slug}")
        meta = source.doc.meta
        course.description_html = _rendered(source).body_html
        course.pass_mark = meta["pass_mark"]
        course.max_attempts = meta.get("max_attempts", 0)
        course.cooldown_minutes = meta.get("cooldown_minutes", 0)
        course.review = meta.get("review", "after_attempt")
        course.language = meta.get("language", "zh-Hans")
        course.valid_for = str(parse_duration(meta["valid_for"])) if "valid_for" in meta else ""
        course.recertify_within = (str(parse_duration(meta["recertify_within"]))
                                   if "recertify_within" in meta else "")
        course.credit_hours = _hours(meta.get("credit_hours")) or Decimal(0)
        course.credit_category = meta.get("credit_category", "").strip()
        course.credit_min_active = meta.get("credit_min_active")
        course.retrain = meta.get("retrain", "hr")
        course.retrain_within = str(parse_duration(meta["retrain_within"])) if "retrain_within" in meta else ""
        course.save()
    _bank_import(course, source)
    relink = library_sync(course=course, source=source, force=force)
    library = library_from_source(source=source)
    parts = {p.slug: p for p in course.parts.all()}
    modules = {m.slug: m for m in course.modules.select_related("quiz")}
    rendered: set[str] = set()
    position = 0
    for part_source in sorted(source.parts, key=lambda p: p.doc.meta["order"]):
        part = _part_import(course, parts.pop(part_source.slug, None), part_source, report, force)
        for module_source in sorted(part_source.modules, key=lambda m: m.doc.meta["order"]):
            position += 1
            key = f"{source.slug}/{module_source.slug}"
            result = module_upsert(
                course=course, part=part, source=module_source, module=modules.pop(module_source.slug, None),
                position=position, neighbours=_tree_neighbours(source, part_source, module_source),
                force=force, library=library, change=notes.for_module(key))
            notes.record(key, updated=result.changed and not result.created)
            _report_module(result, report)
            if result.changed:
                rendered.add(result.module.slug)
    if relink:
        renders = {m.slug: _rendered(m, library) for part_source in source.parts for m in part_source.modules}
        report.relinked = modules_relink(course=course, rendered=renders, skip=rendered)
    _archive(course, parts.values(), modules.values(), report)
    _quiz_settings_sync(course)
    course_revision_refresh(course=course)


def _bank_import(course: Course, source: CourseSource) -> None:
    """Make the course's bank quiz hold exactly the questions of its _bank/ files (by id, versioned
    like any quiz, so papers already drawn keep what they asked)."""
    if not source.bank and course.bank is None:
        return
    if course.bank is None:
        course.bank = Quiz.objects.create(title=f"{course.title} · bank")
        course.save(update_fields=["bank"])
    questions = []
    for bank_file in source.bank:
        for question in bank_file.doc.questions:
            html = render_question(question)
            questions.append(QuestionData(
                key=question.key, kind=question.kind, fingerprint=question.fingerprint(),
                text_html=html["text_html"], explanation_html=html["explanation_html"], answer=question.answer,
                choices=_choices_data(question, html), tags=question.tags,
                difficulty=question.difficulty))
    quiz_sync(quiz=course.bank, title=course.bank.title, questions=questions)


def _tree_neighbours(course: CourseSource, part: PartSource, module: SourceFile) -> Neighbours:
    return Neighbours(
        slugs=frozenset(m.slug for p in course.parts for m in p.modules if m is not module),
        orders={m.doc.meta.get("order"): m.slug for m in part.modules if m is not module},
    )


def _report_module(result: ModuleResult, report: ImportReport) -> None:
    slug = result.module.slug
    if not result.changed:
        report.unchanged += 1
        return
    (report.created if result.created else report.updated).append(f"module {slug}")
    if result.replaced is not None:
        who = result.replaced.author.name if result.replaced.author else "?"
        report.warnings.append(
            f"module {slug}: the file replaced revision #{result.replaced.number}, published in the "
            f"browser by {who} on {timezone.localtime(result.replaced.published_at):%Y-%m-%d %H:%M}; "
            "it stays in the module's history")
    if result.pending_draft is not None:
        report.warnings.append(f"module {slug}: unpublished browser draft #{result.pending_draft.number} "
                               "is older than the imported text; it stays in the history")


def _quiz_settings_sync(course: Course) -> None:
    for module in course.modules.live().select_related("quiz"):
        _quiz_settings_apply(module, course)


def _quiz_settings_apply(module: Module, course: Course) -> None:
    """Copy the module's effective quiz rules (module value, else the course's) onto its quiz."""
    quiz = module.quiz
    if quiz is None:
        return
    wanted = {
        "pass_mark": module.pass_mark if module.pass_mark is not None else course.pass_mark,
        "max_attempts": module.max_attempts if module.max_attempts is not None else course.max_attempts,
        "cooldown_minutes": (module.cooldown_minutes if module.cooldown_minutes is not None
                             else course.cooldown_minutes),
        "review": module.review or course.review,
    }
    if any(getattr(quiz, name) != value for name, value in wanted.items()):
        Quiz.objects.filter(pk=quiz.pk).update(**wanted, updated_at=timezone.now())
        for name, value in wanted.items():
            setattr(quiz, name, value)


def _part_import(course: Course, part: Part | None, source: PartSource,
                 report: ImportReport, force: bool) -> Part:
    part = part or Part(course=course, slug=source.slug)
    if _is_current(part, source, force):
        report.unchanged += 1
        return part
    _track(part, source, report, f"part {source.slug}")
    part.order = source.doc.meta["order"]
    part.description_html = _rendered(source).body_html
    part.save()
    return part


def _rendered(source: SourceFile, library: Library | None = None) -> Rendered:
    """What validation rendered (content_import and module_problems render every valid text)."""
    if source.rendered is None and (problems := source_render(source, library)):
        raise ContentInvalid([ContentProblem(str(source.path), p.line, p.message, p.phrase) for p in problems])
    return source.rendered


def _question_data(source: SourceFile, rendered: Rendered) -> list[QuestionData]:
    data = []
    for question, html in zip(source.doc.questions, rendered.questions, strict=True):
        data.append(QuestionData(
            key=question.key, kind=question.kind, fingerprint=question.fingerprint(),
            text_html=html["text_html"], explanation_html=html["explanation_html"],
            answer=question.answer, choices=_choices_data(question, html),
        ))
    return data


def _choices_data(question, html: dict) -> list[ChoiceData]:
    return [ChoiceData(key=c.key, text_html=h["text_html"], is_correct=c.correct, fraction=c.fraction,
                       feedback=c.feedback) for c, h in zip(question.choices, html["choices"], strict=True)]


def _archive(course: Course, parts, modules, report: ImportReport) -> None:
    now = timezone.now()
    for module in modules:
        if module.archived_at is None:
            module.archived_at = now
            module.save(update_fields=["archived_at", "updated_at"])
            module_changed_announce(module_id=module.pk)
            report.archived.append(f"module {module.slug}")
            latest = module.revisions.filter(published_at__isnull=False).order_by("-number").first()
            if latest is not None and latest.origin != Origin.IMPORT:
                report.warnings.append(
                    f"module {module.slug}: published in the browser but has no file in content/; "
                    "archived (export it into content/ to keep it); its history is kept")
    for part in parts:
        if part.archived_at is None:
            part.archived_at = now
            part.save(update_fields=["archived_at", "updated_at"])
            report.archived.append(f"part {part.slug}")
