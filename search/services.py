"""Index writes: keep each module's sections in step with what learners and trainers can read.

``module_index`` runs for every ``courses.signals.module_changed`` (import, publish, restore,
reorder, move, draft save, archive) and for ``search_reindex``. It rebuilds a module's published
or draft sections only when what they are built from has changed (a digest), so a re-import of
unchanged content, or a repeated signal, writes nothing.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from courses.content.rendering import render_body
from courses.models import Module
from courses.services import module_source

from .backends import Document, documents_write
from .models import Section
from .sections import SectionText, sections_split

# Bump when text extraction or segmentation changes: every digest changes, and the next
# `search_reindex` (or the next change of each module) rebuilds.
INDEX_VERSION = 1


@dataclass(frozen=True)
class Source:
    """What one kind of a module's sections (published or draft) is built from."""

    draft: bool
    digest: str
    title: str
    pieces: Callable[[], list[SectionText]]  # built only when the digest says the rows are stale


@transaction.atomic
def module_index(*, module_id: int, force: bool = False) -> int:
    """Bring one module's sections up to date; returns how many sections were written."""
    # The row lock serialises two reindexes of one module (two quick publishes), which would
    # otherwise both delete and insert the same positions.
    module = (Module.objects.select_for_update(of=("self",)).select_related("course")
              .filter(pk=module_id).first())
    if module is None:
        return 0  # deleted: its sections went with it (cascade)
    current = dict(Section.objects.filter(module=module, position=0).values_list("draft", "digest"))
    written = 0
    for draft, source in ((False, _published(module)), (True, _draft(module))):
        if source is None and draft not in current:
            continue
        if source is not None and not force and current.get(draft) == source.digest:
            continue
        Section.objects.filter(module=module, draft=draft).delete()
        if source is not None:
            written += _sections_write(module, source)
    return written


@transaction.atomic
def search_reindex(*, force: bool = True) -> tuple[int, int]:
    """Rebuild every module's sections from scratch (idempotent); returns (modules, sections written).

    ``force=False`` only fills in what is missing or stale (a database that had content before
    search existed, or a missed update) and writes nothing when the index is current.
    """
    modules = list(Module.objects.order_by("pk").values_list("pk", flat=True))
    sections = sum(module_index(module_id=pk, force=force) for pk in modules)
    return len(modules), sections


def _published(module: Module) -> Source | None:
    if module.archived_at is not None or module.course.archived_at is not None:
        return None
    digest = _digest("published", module.content_hash, str(module.render_version))
    return Source(False, digest, module.title, lambda: sections_split(
        html=module.body_html, toc=module.toc, lead=" ".join(map(str, module.objectives))))


def _draft(module: Module) -> Source | None:
    """The newest revision when it is unpublished, unless the module was archived after publishing."""
    if module.course.archived_at is not None:
        return None
    latest = module.revisions.order_by("-number").only("source", "content_hash", "published_at").first()
    if latest is None or not latest.is_draft:
        return None
    if module.archived_at is not None and module.revisions.filter(published_at__isnull=False).exists():
        return None
    doc = module_source(text=latest.source).doc
    if doc.problems:
        return None  # drafts are validated when saved; one that no longer parses is not searchable
    title = str(doc.meta.get("title") or module.title)

    def pieces() -> list[SectionText]:
        html, toc = render_body(doc)
        return sections_split(html=html, toc=toc, lead=" ".join(map(str, doc.meta.get("objectives") or [])))

    return Source(True, _digest("draft", latest.content_hash), title, pieces)


def _sections_write(module: Module, source: Source) -> int:
    title = source.title[:200]
    rows = Section.objects.bulk_create([
        Section(module=module, draft=source.draft, digest=source.digest, position=position, anchor=piece.anchor,
                title=title, heading=piece.heading, body=piece.body)
        for position, piece in enumerate(source.pieces())])
    documents_write([Document(row.pk, title, row.heading, row.body) for row in rows])
    return len(rows)


def _digest(*parts: str) -> str:
    return hashlib.sha256(":".join((str(INDEX_VERSION), *parts)).encode("utf-8")).hexdigest()
