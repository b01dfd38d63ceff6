"""What HR's compliance documents (培训台账, evidence packs) read about certificates and the module
texts a learner trained on: the one place to extend when certificates gain validity and course
revisions (issue #19 §1). Today a certificate is valid from its issue date, with no end."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef

from courses.models import ModuleRevision
from progress.models import Certificate


@dataclass(frozen=True)
class CertificateState:
    code: str
    issued_at: datetime
    valid_until: datetime | None  # None: valid without end
    status: str  # "valid"


def certificate_held(*, user_ref: str = "user_id", course_ref: str = "course_id") -> Exists:
    """An expression: the row's learner holds a valid certificate of the row's course."""
    return Exists(Certificate.objects.filter(user_id=OuterRef(user_ref), course_id=OuterRef(course_ref)))


def certificate_states(*, user_ids, course_ids) -> dict[tuple[int, int], CertificateState]:
    """(user id, course id) -> the certificate and its validity."""
    return {(c.user_id, c.course_id): CertificateState(c.code, c.issued_at, None, "valid")
            for c in Certificate.objects.filter(user_id__in=user_ids, course_id__in=course_ids)}


def revisions_published(*, module_ids) -> dict[int, list[ModuleRevision]]:
    """Every published revision of these modules, oldest first (for "trained on" and "changed since")."""
    by_module: dict[int, list[ModuleRevision]] = {}
    for revision in (ModuleRevision.objects.filter(module_id__in=module_ids, published_at__isnull=False)
                     .only("id", "module_id", "number", "content_hash", "published_at", "note")
                     .order_by("module_id", "published_at", "number")):
        by_module.setdefault(revision.module_id, []).append(revision)
    return by_module


def revision_trained_on(revisions: list[ModuleRevision], completed_at: datetime) -> ModuleRevision | None:
    """The text the learner completed: the revision published last at or before the completion."""
    earlier = [r for r in revisions if r.published_at <= completed_at]
    return earlier[-1] if earlier else None


def revisions_since(revisions: list[ModuleRevision], completed_at: datetime) -> list[ModuleRevision]:
    return [r for r in revisions if r.published_at > completed_at]
