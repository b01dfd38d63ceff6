"""Read a content tree (content/<course>/<NN-part>/<NN-module>.md) and check it as a whole."""

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from quizzes.syntax import Problem

from .documents import Document, parse_document, read_source

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

    def add(self, path: Path, problems: Iterable[Problem]) -> None:
        shown = os.path.relpath(path) if path.is_absolute() else str(path)
        self.problems.extend(ContentProblem(shown, p.line, p.message) for p in problems)

    def read(self, path: Path, schema: str) -> SourceFile | None:
        text, problems = read_source(path)
        self.add(path, problems)
        if text is None:
            return None
        doc = parse_document(text, schema)
        self.add(path, doc.problems)
        return SourceFile(path, text, doc)


def load_content(root: Path) -> tuple[list[CourseSource], list[ContentProblem]]:
    """Load every course below ``root`` (a content folder, one course folder, or one file)."""
    collector = Collector()
    root = Path(root)
    if not root.exists():
        collector.add(root, [Problem(1, "no such file or folder")])
        return [], collector.problems
    if root.is_file():
        collector.read(root, _schema_for(root))
        return [], sorted(collector.problems)
    course_dirs = [root] if (root / COURSE_FILE).exists() else _subdirs(root)
    courses = [c for d in course_dirs if (c := _load_course(d, collector))]
    if not courses and not collector.problems:
        collector.add(root, [Problem(1, f"no course folder (one holding {COURSE_FILE}) found here")])
    _check_unique(collector, [(c.path, c.slug) for c in courses], "course slug")
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
    source = collector.read(course_file, "course")
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
    return CourseSource(source.path, source.text, source.doc, parts=parts)


def _load_part(directory: Path, collector: Collector) -> PartSource | None:
    part_file = directory / PART_FILE
    if not part_file.exists():
        collector.add(directory, [Problem(1, f"part folder has no {PART_FILE}")])
        return None
    source = collector.read(part_file, "part")
    modules = [m for f in _markdown_files(directory) if f.name != PART_FILE
               and (m := collector.read(f, "module"))]
    _check_unique(collector, [(m.path, m.doc.meta.get("order")) for m in modules], "module order")
    if source is None:
        return None
    return PartSource(source.path, source.text, source.doc, modules=modules)


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
