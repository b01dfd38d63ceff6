"""Trainer writes: save a draft, publish, restore, create, reorder and move modules.

Publishing runs courses.services.module_upsert, the very service import_content uses, so the
browser and the files cannot drift apart. Every save names the revision the trainer started
from (``base_id``); when the module's newest revision is another one, nothing is written and the
caller gets a Conflict to show (optimistic concurrency, serialised by a row lock on the module).
"""

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from audit.services import audit_record
from courses.changes import ChangeNote
from courses.models import Course, Module, ModuleRevision, Part
from courses.revisions import course_revision_refresh
from courses.selectors import bank_candidates_for
from courses.services import (
    ContentInvalid,
    Neighbours,
    course_positions_refresh,
    module_neighbours,
    module_problems,
    module_source,
    module_upsert,
    revision_record,
)
from quizzes.syntax import Problem

from .sourcetext import new_module_text, normalise_newlines, set_front_matter_value

Origin = ModuleRevision.Origin


@dataclass
class Conflict:
    base: ModuleRevision | None
    latest: ModuleRevision


@dataclass
class SaveOutcome:
    revision: ModuleRevision | None = None
    problems: list[Problem] = field(default_factory=list)
    conflict: Conflict | None = None
    unchanged: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and self.conflict is None


def revision_latest(*, module: Module) -> ModuleRevision | None:
    return module.revisions.select_related("author").order_by("-number").first()


def _locked(module: Module) -> Module:
    return Module.objects.select_for_update(of=("self",)).select_related("course", "part", "quiz").get(pk=module.pk)


def _conflict(module: Module, base_id: int | None) -> Conflict | None:
    latest = revision_latest(module=module)
    if latest is None or latest.pk == base_id:
        return None
    base = module.revisions.filter(pk=base_id).first() if base_id else None
    return Conflict(base=base, latest=latest)


def _as_problems(error: ContentInvalid) -> list[Problem]:
    return [Problem(p.line, p.message, p.phrase) for p in error.problems]


@transaction.atomic
def revision_save_draft(*, module: Module, text: str, base_id: int | None, author: User) -> SaveOutcome:
    """Store the text as a draft: validated like a publish, invisible to learners."""
    module = _locked(module)
    if conflict := _conflict(module, base_id):
        return SaveOutcome(conflict=conflict)
    source = module_source(text=normalise_newlines(text), path=module.source_path)
    neighbours = module_neighbours(course=module.course, part=module.part, module=module)
    if problems := module_problems(source=source, neighbours=neighbours, module=module,
                                   bank=bank_candidates_for(course=module.course)):
        return SaveOutcome(problems=problems)
    latest = revision_latest(module=module)
    if latest is not None and latest.content_hash == source.content_hash:
        return SaveOutcome(revision=latest, unchanged=True)
    revision = revision_record(module=module, text=source.text, author=author, origin=Origin.EDITOR,
                               published=False, based_on=latest)
    return SaveOutcome(revision=revision)


@transaction.atomic
def revision_publish(*, module: Module, text: str, base_id: int | None, author: User, change: ChangeNote,
                     origin: str = Origin.EDITOR, based_on: ModuleRevision | None = None) -> SaveOutcome:
    """Validate, render and publish the text for learners (the same service import_content runs).
    ``change``: material or editorial, recorded on the published revision and in the audit log."""
    module = _locked(module)
    if conflict := _conflict(module, base_id):
        return SaveOutcome(conflict=conflict)
    latest = revision_latest(module=module)
    source = module_source(text=normalise_newlines(text), path=module.source_path)
    try:
        result = module_upsert(course=module.course, part=module.part, source=source, module=module,
                               author=author, origin=origin, publish=latest, based_on=based_on or latest,
                               change=change)
    except ContentInvalid as error:
        return SaveOutcome(problems=_as_problems(error))
    revision = result.revision
    if not result.changed:
        if latest is not None and not latest.is_draft and latest.content_hash == source.content_hash:
            return SaveOutcome(revision=latest, unchanged=True)
        # The live text again, over a newer draft: the history's head must be what learners see.
        revision = revision_record(module=module, text=source.text, author=author, origin=origin,
                                   published=True, publish=latest, based_on=based_on or latest, change=change)
    course_positions_refresh(course=module.course)
    course_revision_refresh(course=module.course)
    return SaveOutcome(revision=revision)


def revision_restore(*, module: Module, revision: ModuleRevision, base_id: int | None,
                     author: User, change: ChangeNote) -> SaveOutcome:
    """Publish an old revision's text again. The module keeps its current place in the course."""
    text = set_front_matter_value(revision.source, "order", module.order)
    return revision_publish(module=module, text=text, base_id=base_id, author=author, change=change,
                            origin=Origin.RESTORE, based_on=revision)


@transaction.atomic
def module_create(*, course: Course, part: Part, slug: str, title: str, author: User,
                  objective: str, heading: str, body: str) -> Module:
    """A new module, saved as a first draft that learners cannot see until it is published.

    Raises ContentInvalid (e.g. the slug is taken) with nothing written.
    """
    orders = Module.objects.live().filter(part=part).values_list("order", flat=True)
    text = new_module_text(title=title, slug=slug, order=max(orders, default=0) + 1,
                           objective=objective, heading=heading, body=body)
    result = module_upsert(course=course, part=part, source=module_source(text=text), author=author,
                           origin=Origin.CREATE, live=False)
    _content_audit(action="content.module_create", module=result.module, author=author,
                   after={"slug": slug, "part": part.slug, "revision": result.revision.number})
    return result.module


@transaction.atomic
def module_reorder(*, module: Module, direction: int, author: User) -> bool:
    """Swap a live module with its neighbour above (-1) or below (+1) in its part."""
    siblings = list(Module.objects.live().select_for_update(of=("self",)).filter(part_id=module.part_id)
                    .select_related("course", "part", "quiz").order_by("order", "slug"))
    index = next(i for i, m in enumerate(siblings) if m.pk == module.pk)
    other_index = index + direction
    if direction not in (-1, 1) or not 0 <= other_index < len(siblings):
        return False
    first, second = siblings[index], siblings[other_index]
    planned = {first.slug: second.order, second.slug: first.order}
    for moving in (first, second):
        _place(moving, moving.part, planned[moving.slug], author, planned)
    course_positions_refresh(course=module.course)
    _content_audit(action="content.reorder", module=module, author=author,
                   before={"order": planned[second.slug]}, after={"order": planned[first.slug]})
    course_revision_refresh(course=module.course)
    return True


@transaction.atomic
def module_move(*, module: Module, part: Part, author: User) -> bool:
    """Move a live module to the end of another part of the same course."""
    module = _locked(module)
    if part.pk == module.part_id or part.course_id != module.course_id or module.archived_at:
        return False
    orders = Module.objects.live().filter(part=part).values_list("order", flat=True)
    order = max(orders, default=0) + 1
    before = {"part": module.part.slug, "order": module.order}
    _place(module, part, order, author, {module.slug: order})
    course_positions_refresh(course=module.course)
    _content_audit(action="content.move", module=module, author=author, before=before,
                   after={"part": part.slug, "order": order})
    course_revision_refresh(course=module.course)
    return True


def _content_audit(*, action: str, module: Module, author: User, before: dict | None = None,
                   after: dict | None = None) -> None:
    audit_record(actor=author, action=action, target=module, before=before,
                 after={"course": module.course.slug, **(after or {})})


def _place(module: Module, part: Part, order: int, author: User, planned: dict[str, int]) -> None:
    """Publish the module with a new order (and part); keep a pending draft in step."""
    latest = revision_latest(module=module)
    base = module_neighbours(course=module.course, part=part, module=module)
    neighbours = Neighbours(slugs=base.slugs,
                            orders={planned.get(slug, o): slug for o, slug in base.orders.items()})
    text = set_front_matter_value(module.source, "order", order)
    module_upsert(course=module.course, part=part, source=module_source(text=text, path=module.source_path),
                  module=module, neighbours=neighbours, author=author, origin=Origin.REORDER, based_on=latest)
    if latest is not None and latest.is_draft:
        draft = set_front_matter_value(latest.source, "order", order)
        revision_record(module=module, text=draft, author=author, origin=Origin.REORDER, published=False,
                        based_on=latest)
