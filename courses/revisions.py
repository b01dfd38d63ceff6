"""The course revision: the one place that fingerprints a course's content and numbers it.

The fingerprint covers every live module's text (its content hash, quiz included) and its quiz
version, in slug order, so it is stable: the same content always gives the same fingerprint,
whichever way it arrived (import, publish, restore). The number goes up by one each time the
fingerprint changes; certificates and retraining name revisions by it ("revision 7 → 9").
"""

import hashlib
import json

from django.db.models import Max, Q

from .models import Course, CourseRevision, Module


def course_content_state(*, course: Course) -> tuple[str, dict]:
    """(fingerprint, modules) of the course's live content as the database has it (one query)."""
    rows = (Module.objects.live().filter(course=course).order_by("slug")
            .annotate(revision=Max("revisions__number", filter=Q(revisions__published_at__isnull=False)))
            .values_list("pk", "slug", "content_hash", "quiz__version", "revision"))
    modules = {str(pk): {"slug": slug, "hash": digest, "quiz": quiz or 0, "revision": revision or 0}
               for pk, slug, digest, quiz, revision in rows}
    signed = [[m["slug"], m["hash"], m["quiz"]] for m in modules.values()]
    fingerprint = hashlib.sha256(json.dumps(signed, ensure_ascii=False).encode("utf-8")).hexdigest()
    return fingerprint, modules


def course_revision_refresh(*, course: Course) -> CourseRevision:
    """Record a new course revision when the content changed; return the current one.

    Runs inside the caller's transaction; the row lock on the course serialises two publishes
    of different modules, so each number is given once."""
    locked = Course.objects.select_for_update().only("pk", "revision_number", "revision_fingerprint").get(
        pk=course.pk)
    fingerprint, modules = course_content_state(course=course)
    if fingerprint == locked.revision_fingerprint:
        current = CourseRevision.objects.filter(course_id=course.pk, number=locked.revision_number).first()
        if current is not None:
            return current
    number = locked.revision_number + 1
    revision = CourseRevision.objects.create(course_id=course.pk, number=number, fingerprint=fingerprint,
                                             modules=modules)
    Course.objects.filter(pk=course.pk).update(revision_number=number, revision_fingerprint=fingerprint)
    course.revision_number, course.revision_fingerprint = number, fingerprint
    return revision


def course_revision_current(*, course_id: int) -> CourseRevision:
    """The course's current revision, recording the first one for a course that has none yet."""
    revision = CourseRevision.objects.filter(course_id=course_id).order_by("-number").first()
    return revision or course_revision_refresh(course=Course.objects.get(pk=course_id))
