"""Split a content file into front matter, body (with directives) and quiz, keeping line numbers."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from quizzes.draws import DRAW_RE, DrawRule, parse_draw_rule
from quizzes.parser import ParsedQuestion, parse_quiz
from quizzes.syntax import Problem, ascii_form, fullwidth_chars

from .directives import Directive, parse_directives
from .frontmatter import parse_front_matter
from .images import image_problems
from .limits import limit_problems

MAX_FILE_BYTES = 256 * 1024
QUIZ_MARKER = "=== quiz ==="
FENCE_RE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Document:
    schema: str
    meta: dict = field(default_factory=dict)
    body: str = ""
    body_first_line: int = 1
    directives: list[Directive] = field(default_factory=list)
    questions: list[ParsedQuestion] = field(default_factory=list)
    draw_rules: list[DrawRule] = field(default_factory=list)  # questions drawn from the course's bank
    has_quiz: bool = False
    problems: list[Problem] = field(default_factory=list)


def read_source(path: Path) -> tuple[str | None, list[Problem]]:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return None, [Problem.of(1, "file is %(size)s KB; the limit is %(limit)s KB (split the module)",
                                 size=size // 1024, limit=MAX_FILE_BYTES // 1024)]
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem.of(line, "not valid UTF-8 (byte 0x%(byte)02x at offset %(offset)s); save the file "
                                 "as UTF-8", byte=raw[error.start], offset=error.start)]


def parse_document(text: str, schema: str) -> Document:
    """Parse a module, part or course file's text. ``schema`` is 'module', 'part' or 'course'."""
    doc = Document(schema=schema)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        doc.problems.append(Problem.of(1, "the text is %(size)s KB; the limit is %(limit)s KB (split the module)",
                                       size=size // 1024, limit=MAX_FILE_BYTES // 1024))
        return doc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        doc.problems.append(Problem.of(1, "the file must start with a '---' line that opens the front matter"))
        return doc
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        doc.problems.append(Problem.of(1, "front matter is not closed: add a '---' line after its fields"))
        return doc
    # Before any parser sees the text: these are the shapes that would make one crash or crawl.
    doc.problems = limit_problems(lines, end + 1)
    if doc.problems:
        return doc
    doc.meta, problems = parse_front_matter(lines[1:end], 2, schema)
    doc.problems.extend(problems)
    body_lines, quiz_lines, quiz_first = _split_quiz(lines, end + 1, schema, doc.problems)
    doc.body_first_line = end + 2
    doc.body, doc.directives, problems = parse_directives(body_lines, doc.body_first_line)
    doc.problems.extend(problems)
    doc.problems.extend(image_problems(lines[end + 1:], end + 2))
    if quiz_lines is not None:
        doc.has_quiz = True
        skipped = _draw_rules(quiz_lines, quiz_first, doc)
        doc.questions, problems = parse_quiz(quiz_lines[skipped:], quiz_first + skipped)
        doc.problems.extend(problems)
        if not doc.questions and not doc.draw_rules and not problems:
            doc.problems.append(Problem.of(quiz_first - 1, "the quiz section has no questions"))
    return doc


def _draw_rules(lines: list[str], first_line: int, doc: Document) -> int:
    """Read the 'draw:' lines that open a quiz; how many lines they (and blank lines) took."""
    taken = 0
    for offset, line in enumerate(lines):
        match = DRAW_RE.match(line.strip())
        if line.strip() and not match:
            break
        if match:
            rule, problem = parse_draw_rule(match["rest"], first_line + offset)
            if rule is not None:
                doc.draw_rules.append(rule)
            else:
                doc.problems.append(problem)
        taken = offset + 1
    return taken


def _split_quiz(lines: list[str], start: int, schema: str,
                problems: list[Problem]) -> tuple[list[str], list[str] | None, int]:
    in_fence = False
    marker_at = None
    for index in range(start, len(lines)):
        line = lines[index].strip()
        if FENCE_RE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        if line == QUIZ_MARKER:
            if marker_at is not None:
                problems.append(Problem.of(index + 1, "a second '%(marker)s' line; a module has one quiz",
                                           marker=QUIZ_MARKER))
                continue
            marker_at = index
        elif fullwidth_chars(line) and ascii_form(line).replace(" ", "") == QUIZ_MARKER.replace(" ", ""):
            problems.append(Problem.of(index + 1, "full-width %(chars)r in the quiz marker; "
                                       "write it exactly as '%(marker)s'",
                                       chars=fullwidth_chars(line), marker=QUIZ_MARKER))
    if marker_at is None:
        return lines[start:], None, 0
    if schema not in ("module", "bank"):
        problems.append(Problem.of(marker_at + 1, "only module files can have a quiz, not %(schema)s files",
                                   schema=schema))
    return lines[start:marker_at], lines[marker_at + 1:], marker_at + 2
