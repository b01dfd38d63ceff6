"""Read a content tree (content/<course>/<NN-part>/<NN-module>.md) and check it as a whole."""

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from quizzes.draws import Candidate, rule_problems
from quizzes.syntax import Phrase, Problem

from . import glossary as glossary_format
from .budget import Overrun, run_bounded
from .documents import QUIZ_MARKER, Document, parse_document, read_source
from .glossary import GLOSSARY_FILE, Glossary, parse_glossary
from .limits import character_problems
from .rendering import Library, Rendered, render_document
from .resources import RESOURCES_DIR, Resource, parse_resource, resource_kind

COURSE_FILE = "_course.md"
BANK_DIR = "_bank"
PART_FILE = "_part.md"
# The course's glossary and template pages live at these paths below the course URL.
RESERVED_MODULE_SLUGS = frozenset({"glossary", "resources", "enrol", "continue"})


@dataclass(frozen=True, order=True)
class ContentProblem:
    path: str
    line: int
    message: str  # English, as the command line prints it
    phrase: Phrase | None = field(default=None, compare=False, hash=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def localised(self) -> str:
        return self.phrase.localised() if self.phrase else self.message


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
class GlossarySource:
    path: Path
    text: str
    glossary: Glossary


@dataclass
class ResourceSource:
    path: Path
    text: str
    resource: Resource

    @property
    def slug(self) -> str:
        return self.resource.slug


@dataclass
class CourseSource(SourceFile):
    parts: list[PartSource] = field(default_factory=list)
    glossary: GlossarySource | None = None
    resources: list[ResourceSource] = field(default_factory=list)
    bank: list[SourceFile] = field(default_factory=list)  # _bank/*.md: questions modules draw from

    @property
    def library_text(self) -> str:
        """Everything module pages link to besides modules: a change re-renders the course's modules."""
        pieces = [self.glossary.text] if self.glossary else []
        pieces += [f"{r.path.name}\n{r.text}" for r in sorted(self.resources, key=lambda r: r.path.name)]
        return "\n\x00".join(pieces)


class Collector:
    def __init__(self) -> None:
        self.problems: list[ContentProblem] = []

    def add(self, path: Path, problems: Iterable[Problem]) -> None:
        shown = os.path.relpath(path) if path.is_absolute() else str(path)
        self.problems.extend(ContentProblem(shown, p.line, p.message, p.phrase) for p in problems)

    def read(self, path: Path, schema: str) -> SourceFile | None:
        text, problems = read_source(path)
        self.add(path, problems)
        if text is None:
            return None
        doc = parse_document(text, schema)
        self.add(path, doc.problems)
        return SourceFile(path, text, doc)


def render_sources(sources: list[SourceFile], library: Library | None = None) -> list[list[Problem]]:
    """Render each source (setting ``source.rendered``) under the render budget, as the import
    stores it; the problems of each, empty when it rendered."""
    seconds, memory_mb = settings.CONTENT_RENDER_SECONDS, settings.CONTENT_RENDER_MEMORY_MB
    outcomes = run_bounded(lambda doc: render_document(doc, library), [s.doc for s in sources],
                           seconds=seconds, memory_mb=memory_mb)
    problems = []
    for source, outcome in zip(sources, outcomes, strict=True):
        if isinstance(outcome, Overrun):
            reason = overrun_message(outcome)
            problems.append([Problem.of(source.doc.body_first_line, reason.text, **reason.params)])
        else:
            source.rendered = outcome
            problems.append([])
    return problems


def overrun_message(overrun: Overrun) -> Phrase:
    advice = Phrase("simplify the text or split the module")
    if overrun.kind == "time":
        return Phrase("rendering this text takes longer than %(seconds)s s, the limit; %(advice)s",
                      {"seconds": f"{settings.CONTENT_RENDER_SECONDS:g}", "advice": advice})
    if overrun.kind == "memory":
        return Phrase("rendering this text needs more than %(mb)s MB, the limit; %(advice)s",
                      {"mb": settings.CONTENT_RENDER_MEMORY_MB, "advice": advice})
    if overrun.kind == "recursion":
        return Phrase("the text is nested too deeply to render; %(advice)s", {"advice": advice})
    return Phrase("the text cannot be rendered (%(detail)s); %(advice)s",
                  {"detail": overrun.detail or overrun.kind, "advice": advice})


def load_content(root: Path) -> tuple[list[CourseSource], list[ContentProblem]]:
    """Load every course below ``root`` (a content folder, one course folder, or one file)."""
    collector = Collector()
    root = Path(root)
    if not root.exists():
        collector.add(root, [Problem.of(1, "no such file or folder")])
        return [], collector.problems
    if root.is_file():
        _read_single(root, collector)
        return [], sorted(collector.problems)
    course_dirs = [root] if (root / COURSE_FILE).exists() else _subdirs(root)
    courses = [c for d in course_dirs if (c := _load_course(d, collector))]
    if not courses and not collector.problems:
        collector.add(root, [Problem.of(1, "no course folder (one holding %(file)s) found here", file=COURSE_FILE)])
    _check_unique(collector, [(c.path, c.slug) for c in courses], Phrase("course slug"))
    return courses, sorted(collector.problems)


def _read_single(path: Path, collector: Collector) -> None:
    if path.name == GLOSSARY_FILE:
        _read_glossary(path, collector)
    elif path.parent.name == RESOURCES_DIR:
        _read_resource(path, collector)
    else:
        source = collector.read(path, {COURSE_FILE: "course", PART_FILE: "part"}.get(path.name, "module"))
        if source is not None and not source.doc.problems:  # a file alone: without its course's library
            collector.add(path, render_sources([source])[0])


def _subdirs(path: Path) -> list[Path]:
    """Part (or course) folders: names starting with '.' or '_' hold other things."""
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _read_library_file(path: Path, collector: Collector) -> str | None:
    """A glossary or template file's text, after the same size, encoding and character checks as a
    module's (a NUL or a 200,000-character line is refused before any parser sees it)."""
    text, problems = read_source(path)
    problems = problems or character_problems(text.split("\n"))
    collector.add(path, problems)
    return None if problems else text


def _read_glossary(path: Path, collector: Collector) -> GlossarySource | None:
    text = _read_library_file(path, collector)
    if text is None:
        return None
    glossary = parse_glossary(text)
    collector.add(path, glossary.problems)
    return GlossarySource(path, text, glossary)


def _read_resource(path: Path, collector: Collector) -> ResourceSource | None:
    kind = resource_kind(path)
    if kind is None:
        collector.add(path, [Problem.of(1, "a template is a .md document or a .yaml spreadsheet")])
        return None
    text = _read_library_file(path, collector)
    if text is None:
        return None
    resource = parse_resource(text, kind)
    collector.add(path, resource.problems)
    return ResourceSource(path, text, resource)


def _load_library(directory: Path, collector: Collector) -> tuple[GlossarySource | None, list[ResourceSource]]:
    glossary = _read_glossary(directory / GLOSSARY_FILE, collector) if (directory / GLOSSARY_FILE).exists() \
        else None
    folder = directory / RESOURCES_DIR
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")) \
        if folder.is_dir() else []
    resources = [r for f in files if (r := _read_resource(f, collector))]
    _check_unique(collector, [(r.path, r.slug) for r in resources], Phrase("template slug"))
    return glossary, resources


def _check_library(collector: Collector, modules: list[SourceFile], glossary: GlossarySource | None,
                   resources: list[ResourceSource]) -> None:
    """Cross-file rules: glossary terms name real modules, modules name real templates."""
    if glossary is not None:
        collector.add(glossary.path, glossary_format.module_problems(glossary.glossary, (m.slug for m in modules)))
    known = {r.slug for r in resources}
    for module in modules:
        if module.slug in RESERVED_MODULE_SLUGS:
            collector.add(module.path, [Problem.of(1, "slug %(slug)r is reserved for a course page; choose another",
                                                   slug=module.slug)])
        collector.add(module.path, [
            Problem.of(d.line, "no template %(name)r in this course's %(folder)s folder", name=d.args,
                       folder=RESOURCES_DIR)
            for d in module.doc.directives if d.name == "resource" and d.args and d.args not in known])


def _markdown_files(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".md")


def _load_course(directory: Path, collector: Collector) -> CourseSource | None:
    course_file = directory / COURSE_FILE
    if not course_file.exists():
        collector.add(directory, [Problem.of(1, "course folder has no %(file)s", file=COURSE_FILE)])
        return None
    source = collector.read(course_file, "course")
    for stray in _markdown_files(directory):
        if stray.name not in (COURSE_FILE, GLOSSARY_FILE):
            collector.add(stray, [Problem.of(1, "module files belong in a part folder (<course>/<NN-part>/), next to a "
                                             "%(file)s", file=PART_FILE)])
    parts = [p for d in _subdirs(directory) if (p := _load_part(d, collector))]
    _check_unique(collector, [(p.path, p.slug) for p in parts], Phrase("part slug"))
    _check_unique(collector, [(p.path, p.doc.meta.get("order")) for p in parts], Phrase("part order"))
    modules = [m for p in parts for m in p.modules]
    _check_unique(collector, [(m.path, m.slug) for m in modules], Phrase("module slug"))
    glossary, resources = _load_library(directory, collector)
    _check_library(collector, modules, glossary, resources)
    bank = _load_bank(directory / BANK_DIR, collector)
    _check_draws(collector, modules, bank)
    if source is None:
        return None
    return CourseSource(source.path, source.text, source.doc, parts=parts, glossary=glossary,
                        resources=resources, bank=bank)


def _load_bank(folder: Path, collector: Collector) -> list[SourceFile]:
    """The course's question bank: every question tagged and rated, ids unique across its files."""
    files = [f for f in _markdown_files(folder) if not f.name.startswith(".")] if folder.is_dir() else []
    bank = [b for f in files if (b := collector.read(f, "bank"))]
    seen: dict[str, Path] = {}
    for source in bank:
        problems = [Problem.of(1, "a bank file holds questions after '%(marker)s' and no draw rules",
                               marker=QUIZ_MARKER)
                    for _ in source.doc.draw_rules[:1]]
        for question in source.doc.questions:
            if not question.tags:
                problems.append(Problem.of(question.line, "bank question '%(key)s' needs a 'tags:' line "
                                           "(知识点, e.g. 'tags: 留存, 漏斗')", key=question.key))
            if question.difficulty is None:
                problems.append(Problem.of(question.line, "bank question '%(key)s' needs a "
                                           "'difficulty:' line (1 easy … 5 hard)", key=question.key))
            if question.key in seen:
                problems.append(Problem.of(question.line, "question id '%(key)s' is already used in %(other)s; "
                                           "ids are unique in the bank", key=question.key,
                                           other=os.path.relpath(seen[question.key])))
            seen.setdefault(question.key, source.path)
        collector.add(source.path, problems)
    return bank


def bank_candidates(bank: list[SourceFile]) -> list[Candidate]:
    return [Candidate(q.key, tuple(q.tags), q.difficulty) for source in bank for q in source.doc.questions]


def _check_draws(collector: Collector, modules: list[SourceFile], bank: list[SourceFile]) -> None:
    """Draw rules the bank can satisfy, and module question ids that a drawn one cannot collide with."""
    candidates = bank_candidates(bank)
    bank_keys = {c.key for c in candidates}
    for module in modules:
        rules = module.doc.draw_rules
        if not rules:
            continue
        problems = rule_problems(rules, candidates)
        problems += [Problem.of(q.line, "question id '%(key)s' is also a bank question's id; a drawn paper "
                                "could ask it twice", key=q.key) for q in module.doc.questions if q.key in bank_keys]
        collector.add(module.path, problems)


def _load_part(directory: Path, collector: Collector) -> PartSource | None:
    part_file = directory / PART_FILE
    if not part_file.exists():
        collector.add(directory, [Problem.of(1, "part folder has no %(file)s", file=PART_FILE)])
        return None
    source = collector.read(part_file, "part")
    modules = [m for f in _markdown_files(directory) if f.name != PART_FILE
               and (m := collector.read(f, "module"))]
    _check_unique(collector, [(m.path, m.doc.meta.get("order")) for m in modules], Phrase("module order"))
    if source is None:
        return None
    return PartSource(source.path, source.text, source.doc, modules=modules)


def _check_unique(collector: Collector, items: list[tuple[Path, object]], what: Phrase) -> None:
    seen: dict[object, Path] = {}
    for path, value in items:
        if value in (None, ""):
            continue
        if value in seen:
            other = os.path.relpath(seen[value])
            collector.add(path, [Problem.of(1, "%(what)s %(value)r is already used by %(other)s", what=what,
                                                    value=value, other=other)])
        else:
            seen[value] = path
