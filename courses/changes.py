"""Material or editorial: what a published change means for people already trained on the module.

A material change (what a certified person must know changed) carries a short reason; it is stored
on the revision, written to the audit log and announced to the apps above (progress computes who
is affected and, when the course says `retrain: auto`, assigns them the module again). An
editorial change is recorded the same way and triggers nothing.
"""

from dataclasses import dataclass, field

from audit.services import audit_record

from .models import Change, ModuleRevision
from .signals import material_change_announce

REASON_MAX_LENGTH = 300


@dataclass(frozen=True)
class ChangeNote:
    kind: str  # Change.MATERIAL or Change.EDITORIAL
    reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in Change.values:
            raise ValueError(f"a change is 'material' or 'editorial', not {self.kind!r}")
        reason = self.reason.strip()
        if self.kind == Change.MATERIAL and not reason:
            raise ValueError("a material change needs a short reason (what certified people must learn again)")
        if len(reason) > REASON_MAX_LENGTH:
            raise ValueError(f"the reason is longer than {REASON_MAX_LENGTH} characters")
        object.__setattr__(self, "reason", reason)


EDITORIAL = ChangeNote(Change.EDITORIAL)


@dataclass
class ImportChanges:
    """What an import from files marks material (`import_content --material course/module`)."""

    material: frozenset[str]  # "course-slug/module-slug"
    note: ChangeNote | None
    applied: set[str] = field(default_factory=set)

    def for_module(self, key: str) -> ChangeNote:
        return self.note if key in self.material else EDITORIAL

    def record(self, key: str, *, updated: bool) -> None:
        if key in self.material and updated:
            self.applied.add(key)


def change_record(*, revision: ModuleRevision, author) -> None:
    """Audit one published change (inside the publishing transaction) and announce a material one."""
    module = revision.module
    previous = (module.revisions.filter(published_at__isnull=False, number__lt=revision.number)
                .order_by("-number").values_list("number", flat=True).first())
    audit_record(actor=author, actor_label="" if author else "import_content", action="content.publish",
                 target=revision, reason=revision.change_reason,
                 before={"revision": previous} if previous else None,
                 after={"course": module.course.slug, "module": module.slug, "revision": revision.number,
                        "origin": revision.origin, "change": revision.change})
    if revision.change == Change.MATERIAL:
        material_change_announce(revision_id=revision.pk)
