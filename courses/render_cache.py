"""Rendered module text, kept in the cache under the text's hash: the editor previews a text
every time the trainer pauses, then saves the same text, and neither should render it again.

Rendering is pure (the text, the renderer's version and the render limits decide the HTML), so a
cached result is never stale for its key. A refused text is cached too, so sending a text that
exceeds the render budget again costs a cache read, not another budget's worth of CPU.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from quizzes.syntax import Problem

from .content.loader import Collector, ContentProblem, CourseSource, SourceFile, render_sources
from .content.rendering import Library
from .content.sanitise import RENDER_VERSION
from .library import library_from_source

CACHE_SECONDS = 600


def source_render(source: SourceFile, library: Library | None = None) -> list[Problem]:
    """Render ``source`` (sets ``source.rendered``) unless the cache has it; its render problems.
    The key covers what the HTML depends on: the text, the course's library, renderer and limits."""
    if source.rendered is not None:
        return []
    digest = hashlib.sha256(source.text.encode("utf-8", "surrogatepass") + b"\0"
                            + repr(library).encode("utf-8", "surrogatepass")).hexdigest()
    key = (f"content-render:{RENDER_VERSION}:{settings.CONTENT_RENDER_SECONDS}:"
           f"{settings.CONTENT_RENDER_MEMORY_MB}:{source.doc.schema}:{digest}")
    cached = cache.get(key)
    if cached is not None:
        source.rendered, problems = cached
        return problems
    problems = render_sources([source], library)[0]
    cache.set(key, (source.rendered, problems), CACHE_SECONDS)
    return problems


def content_tree_render(*, courses: list[CourseSource]) -> list[ContentProblem]:
    """Render every file of valid course trees as the import stores them (modules with their
    course's glossary and templates), each within the render budget; the files that failed."""
    collector = Collector()
    for course in courses:
        library = library_from_source(source=course)
        descriptions = [course, *course.parts]
        modules = [m for part in course.parts for m in part.modules]
        for sources, with_library in ((descriptions, None), (modules, library)):
            for source, problems in zip(sources, render_sources(sources, with_library), strict=True):
                collector.add(source.path, problems)
    return sorted(collector.problems)
