"""A course's glossary and templates: imported with the course, linked from its modules.

Module HTML holds links to glossary entries and template cards, so it depends on these files as
well as on the module's own text. ``Course.library_hash`` records which version the stored HTML
was rendered against; when it changes, every module that the import did not already re-render
gets the HTML its file rendered to in validation (its text did not change, so no revision is recorded).
"""

import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .content.glossary import TermLink, definition_html, plain_text, term_links
from .content.loader import CourseSource, ResourceSource
from .content.rendering import Library, Rendered, ResourceLink
from .content.sanitise import render_markdown
from .models import Course, CourseResource, GlossaryTerm, Module


def library_hash(source: CourseSource) -> str:
    text = source.library_text
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def _resource_link(course_slug: str, slug: str, title: str, summary: str, kind: str) -> ResourceLink:
    url = reverse("courses:resource", args=[course_slug, slug])
    download = reverse("courses:resource_download", args=[course_slug, slug]) if kind == "sheet" else ""
    return ResourceLink(slug, title, summary, kind, url, download)


def library_from_source(*, source: CourseSource) -> Library:
    """What the import renders modules against: the files, not the database."""
    page = reverse("courses:glossary", args=[source.slug])
    terms = tuple(term_links(source.glossary.glossary, page)) if source.glossary else ()
    resources = {r.slug: _resource_link(source.slug, r.slug, r.resource.meta["title"], r.resource.meta["summary"],
                                        r.resource.kind) for r in source.resources}
    return Library(terms=terms, resources=resources)


def library_for_course(*, course: Course) -> Library:
    """What the browser editor renders a module against: the last imported glossary and templates."""
    page = reverse("courses:glossary", args=[course.slug])
    terms = tuple(TermLink(t.key, t.name, f"{page}#{t.key}", plain_text(t.definition_html)[:160])
                  for t in course.glossary_terms.all())
    resources = {r.slug: _resource_link(course.slug, r.slug, r.title, r.summary, r.kind)
                 for r in course.resources.all()}
    return Library(terms=terms, resources=resources)


@transaction.atomic
def library_sync(*, course: Course, source: CourseSource, force: bool = False) -> bool:
    """Replace the course's glossary and templates by the files' (nothing learners own hangs on
    them). Returns whether anything changed, i.e. whether module pages need re-rendering."""
    digest = library_hash(source)
    if digest == course.library_hash and not force:
        return False
    GlossaryTerm.objects.filter(course=course).delete()
    if source.glossary is not None:
        GlossaryTerm.objects.bulk_create([
            GlossaryTerm(course=course, key=t.key, name=t.name, full_name=t.full, aliases=t.aliases,
                         definition_html=definition_html(t), module_slug=t.module, position=index)
            for index, t in enumerate(source.glossary.glossary.terms, start=1)])
    kept = [_resource_save(course, r) for r in source.resources]
    CourseResource.objects.filter(course=course).exclude(pk__in=kept).delete()
    Course.objects.filter(pk=course.pk).update(library_hash=digest, updated_at=timezone.now())
    course.library_hash = digest
    return True


def _resource_save(course: Course, source: ResourceSource) -> int:
    resource, meta = source.resource, source.resource.meta
    body = render_markdown(resource.body)[0] if resource.kind == "document" else ""
    row, _ = CourseResource.objects.update_or_create(course=course, slug=resource.slug, defaults={
        "title": meta["title"], "summary": meta["summary"], "kind": resource.kind, "order": meta["order"],
        "body_html": body, "spec": resource.spec, "source": source.text})
    return row.pk


def modules_relink(*, course: Course, rendered: dict[str, Rendered], skip: set[str]) -> list[str]:
    """Store, for the live modules not in ``skip``, the HTML their files rendered to against the new
    glossary and templates. ``rendered`` (slug → render) comes from validation, which rendered every
    file of the tree under the render budget: nothing is rendered here, outside it."""
    changed, now = [], timezone.now()
    live = Module.objects.live().filter(course=course, slug__in=list(rendered)).exclude(slug__in=skip)
    for module in live.only("id", "slug"):
        module.body_html, module.toc = rendered[module.slug].body_html, rendered[module.slug].toc
        module.updated_at = now
        changed.append(module)
    Module.objects.bulk_update(changed, ["body_html", "toc", "updated_at"])
    return [module.slug for module in changed]
