"""Read a content tree (content/<course>/<NN-part>/<NN-module>.md) and check it as a whole."""

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from quizzes.syntax import Problem

from .budget import Overrun, run_bounded
from .documents import Document, parse_document, read_source
from .rendering import Rendered, render_document

COURSE_FILE = "_course.md"
PART_FILE = "_part.md"


@dataclass(frozen=True, order=True)
class ContentProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class SourceFile:
    path: Path
    text: str
    doc: Document
    rendered: Rendered | None = field(default=None, compare=False, repr=False)

    @property
    def slug(self) -> str:
        return self.doc.meta.get("slug", "")

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class PartSource(SourceFile):
    modules: list[SourceFile] = field(default_factory=list)


@dataclass
class CourseSource(SourceFile):
    parts: list[PartSource] = field(default_factory=list)


class Collector:
    def __init__(self) -> None:
        self.problems: list[ContentProblem] = []
        self.sources: list[SourceFile] = []

    def add(self, path: Path, problems: Iterable[Problem]) -> None:
        shown = os.path.relpath(path) if path.is_absolute() else str(path)
        self.problems.extend(ContentProblem(shown, p.line, p.message) for p in problems)

    def read(self, path: Path, schema: str, kind: type[SourceFile] = SourceFile) -> SourceFile | None:
        text, problems = read_source(path)
        self.add(path, problems)
        if text is None:
            return None
        doc = parse_document(text, schema)
        self.add(path, doc.problems)
        source = kind(path, text, doc)
        self.sources.append(source)
        return source

    def render(self) -> None:
        """Render every file that parsed cleanly, as the import will store it (and within budget)."""
        sources = [s for s in self.sources if not s.doc.problems]
        for source, problems in zip(sources, render_sources(sources), strict=True):
            self.add(source.path, problems)


def render_sources(sources: list[SourceFile]) -> list[list[Problem]]:
    """Render each source (setting ``source.rendered``) under the render budget; the problems of
    each, empty when it rendered. Rendering needs a cleanly parsed document."""
    seconds, memory_mb = settings.CONTENT_RENDER_SECONDS, settings.CONTENT_RENDER_MEMORY_MB
    outcomes = run_bounded(render_document, [s.doc for s in sources], seconds=seconds, memory_mb=memory_mb)
    problems = []
    for source, outcome in zip(sources, outcomes, strict=True):
        if isinstance(outcome, Overrun):
            problems.append([Problem(source.doc.body_first_line, overrun_message(outcome))])
        else:
            source.rendered = outcome
            problems.append([])
    return problems


def overrun_message(overrun: Overrun) -> str:
    advice = "simplify the text or split the module"
    return {
        "time": f"rendering this text takes longer than {settings.CONTENT_RENDER_SECONDS:g} s, the "
                f"limit; {advice}",
        "memory": f"rendering this text needs more than {settings.CONTENT_RENDER_MEMORY_MB} MB, the "
                  f"limit; {advice}",
        "recursion": f"the text is nested too deeply to render; {advice}",
    }.get(overrun.kind, f"the text cannot be rendered ({overrun.detail or overrun.kind}); {advice}")


def load_content(root: Path) -> tuple[list[CourseSource], list[ContentProblem]]:
    """Load every course below ``root`` (a content folder, one course folder, or one file)."""
    collector = Collector()
    root = Path(root)
    if not root.exists():
        collector.add(root, [Problem(1, "no such file or folder")])
        return [], collector.problems
    if root.is_file():
        collector.read(root, _schema_for(root))
        collector.render()
        return [], sorted(collector.problems)
    course_dirs = [root] if (root / COURSE_FILE).exists() else _subdirs(root)
    courses = [c for d in course_dirs if (c := _load_course(d, collector))]
    if not courses and not collector.problems:
        collector.add(root, [Problem(1, f"no course folder (one holding {COURSE_FILE}) found here")])
    _check_unique(collector, [(c.path, c.slug) for c in courses], "course slug")
    collector.render()
    return courses, sorted(collector.problems)


def _schema_for(path: Path) -> str:
    return {COURSE_FILE: "course", PART_FILE: "part"}.get(path.name, "module")


def _subdirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


def _markdown_files(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".md")


def _load_course(directory: Path, collector: Collector) -> CourseSource | None:
    course_file = directory / COURSE_FILE
    if not course_file.exists():
        collector.add(directory, [Problem(1, f"course folder has no {COURSE_FILE}")])
        return None
    source = collector.read(course_file, "course", CourseSource)
    for stray in _markdown_files(directory):
        if stray.name != COURSE_FILE:
            collector.add(stray, [Problem(1, "module files belong in a part folder "
                                          f"(<course>/<NN-part>/), next to a {PART_FILE}")])
    parts = [p for d in _subdirs(directory) if (p := _load_part(d, collector))]
    _check_unique(collector, [(p.path, p.slug) for p in parts], "part slug")
    _check_unique(collector, [(p.path, p.doc.meta.get("order")) for p in parts], "part order")
    modules = [m for p in parts for m in p.modules]
    _check_unique(collector, [(m.path, m.slug) for m in modules], "module slug")
    if source is None:
        return None
    source.parts = parts
    return source


def _load_part(directory: Path, collector: Collector) -> PartSource | None:
    part_file = directory / PART_FILE
    if not part_file.exists():
        collector.add(directory, [Problem(1, f"part folder has no {PART_FILE}")])
        return None
    source = collector.read(part_file, "part", PartSource)
    modules = [m for f in _markdown_files(directory) if f.name != PART_FILE
               and (m := collector.read(f, "module"))]
    _check_unique(collector, [(m.path, m.doc.meta.get("order")) for m in modules], "module order")
    if source is None:
        return None
    source.modules = modules
    return source


def _check_unique(collector: Collector, items: list[tuple[Path, object]], what: str) -> None:
    seen: dict[object, Path] = {}
    for path, value in items:
        if value in (None, ""):
            continue
        if value in seen:
            other = os.path.relpath(seen[value])
            collector.add(path, [Problem(1, f"{what} {value!r} is already used by {other}")])
        else:
            seen[value] = path
