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

from .content.loader import SourceFile, render_sources
from .content.sanitise import RENDER_VERSION

CACHE_SECONDS = 600


def source_render(source: SourceFile) -> list[Problem]:
    """Render ``source`` (sets ``source.rendered``) unless the cache has it; its render problems."""
    if source.rendered is not None:
        return []
    digest = hashlib.sha256(source.text.encode("utf-8", "surrogatepass")).hexdigest()
    key = (f"content-render:{RENDER_VERSION}:{settings.CONTENT_RENDER_SECONDS}:"
           f"{settings.CONTENT_RENDER_MEMORY_MB}:{source.doc.schema}:{digest}")
    cached = cache.get(key)
    if cached is not None:
        source.rendered, problems = cached
        return problems
    problems = render_sources([source])[0]
    cache.set(key, (source.rendered, problems), CACHE_SECONDS)
    return problems
