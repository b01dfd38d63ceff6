"""Bounds on the work one content file may cause, checked on its text before anything parses it.

Each check is one linear pass and names the line where a limit is hit. They reject the shapes that
are known to make YAML, Python-Markdown or nh3 work far more than the text is long (or recurse
until they crash); what is left is bounded by the render budget (budget.py), so a shape nobody
has thought of yet costs at most that budget.
"""

import re
from collections.abc import Iterator

from quizzes.syntax import Phrase, Problem

from .directives import FENCE_RE, OPEN_RE

MAX_LINE_CHARS = 10_000
MAX_NESTING = 16  # list and blockquote levels (Python-Markdown recurses per level)
MAX_FRONT_MATTER_LINES = 200
MAX_FRONT_MATTER_NESTING = 8  # YAML indentation levels and [ { depth (PyYAML recurses per level)
MAX_DIRECTIVES = 200  # ::: blocks of any kind
MAX_HEADINGS = 300  # '#' lines, quiz questions included (toc's id de-duplication is quadratic)
MAX_TABLE_ROWS = 1_000
MAX_TABLE_COLUMNS = 64
MAX_DEFINITIONS = 200  # ': …' lines of definition lists (Python-Markdown recurses per item)
MAX_ABBREVIATIONS = 100  # '*[ABBR]: …' lines (each one is another pass over the page)
MAX_HTML_TAGS = 1_000  # raw HTML tags (nh3's tree building is quadratic in their nesting)
# Python-Markdown looks for the end of every '[' (and every '](') up to the end of its paragraph:
# an unclosed one costs the rest of the paragraph. This bounds the sum of those scans per file.
MAX_BRACKET_SCAN = 200_000
# NUL and the other C0/C1 control characters (tab, LF and CR are text). PostgreSQL refuses NUL.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HEADING_RE = re.compile(r"^\s{0,3}#")
ABBR_RE = re.compile(r"^\s{0,3}\*\[")
DEFINITION_RE = re.compile(r"^\s{0,3}:\s")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])")
TABLE_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
QUOTE_RE = re.compile(r"^(\s*>)+")


def limit_problems(lines: list[str], body_start: int) -> list[Problem]:
    """``lines`` are the whole file; the body starts at index ``body_start`` (after the front matter)."""
    problems = character_problems(lines)
    if problems:
        return problems  # the other checks count characters that may not even be text
    problems.extend(_front_matter_problems(lines[1:body_start - 1], 2))
    body = list(_outside_fences(lines, body_start))
    problems.extend(_nesting_problems(body))
    problems.extend(_count_problems(body))
    problems.extend(_table_problems(body))
    problems.extend(_bracket_problems(body))
    return problems


def character_problems(lines: list[str]) -> list[Problem]:
    problems = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            problems.append(Problem.of(number, "the line is %(length)s characters long; the limit is %(limit)s "
                                       "(break it into paragraphs)",
                                       length=f"{len(line):,}", limit=f"{MAX_LINE_CHARS:,}"))
        if control := CONTROL_RE.search(line):
            code = f"U+{ord(control[0]):04X}"
            what = (Phrase("a NUL byte") if control[0] == "\0"
                    else Phrase("the control character %(code)s", {"code": code}))
            problems.append(Problem.of(number, "column %(column)s holds %(what)s, which is invisible and not "
                                       "allowed in content; delete it (a file with many NULs is probably "
                                       "UTF-16: save it as UTF-8)", column=control.start() + 1, what=what))
        if len(problems) >= 20:  # a binary file: twenty lines say enough
            break
    return problems


def _front_matter_problems(lines: list[str], first_line: int) -> list[Problem]:
    if len(lines) > MAX_FRONT_MATTER_LINES:
        return [Problem.of(first_line, "the front matter has %(count)s lines; the limit is %(limit)s",
                           count=len(lines), limit=MAX_FRONT_MATTER_LINES)]
    for offset, line in enumerate(lines):
        indent = len(line) - len(line.lstrip(" "))
        depth = max(_running_depth(line, "[{", "]}"), indent // 2)
        if depth > MAX_FRONT_MATTER_NESTING:
            return [Problem.of(first_line + offset, "front matter nested %(depth)s levels deep; the limit is %(limit)s "
                               "(fields are plain values or '- item' lists)", depth=depth,
                               limit=MAX_FRONT_MATTER_NESTING)]
    return []


def _running_depth(line: str, opening: str, closing: str) -> int:
    depth = deepest = 0
    for char in line:
        if char in opening:
            depth += 1
            deepest = max(deepest, depth)
        elif char in closing:
            depth = max(depth - 1, 0)
    return deepest


def _outside_fences(lines: list[str], start: int) -> Iterator[tuple[int, str]]:
    """(line number, line) of the body, without the lines of fenced code blocks."""
    in_fence = False
    for index in range(start, len(lines)):
        line = lines[index]
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield index + 1, line


def _nesting_problems(body: list[tuple[int, str]]) -> list[Problem]:
    for number, line in body:
        stripped = line.lstrip()
        if not stripped:
            continue
        indent = len(line[: len(line) - len(stripped)].expandtabs(4))
        quotes = QUOTE_RE.match(line)
        depth = indent // 4 + (quotes[0].count(">") if quotes else 0)
        if depth > MAX_NESTING:
            return [Problem.of(number, "nested %(depth)s levels deep (lists, quotes or indentation); the limit is "
                               "%(limit)s", depth=depth, limit=MAX_NESTING)]
    return []


def _count_problems(body: list[tuple[int, str]]) -> list[Problem]:
    counts = (
        (Phrase("'::: ' blocks"), MAX_DIRECTIVES, lambda line: OPEN_RE.match(line.strip()) is not None,
         Phrase("split the module")),
        (Phrase("headings (quiz questions included)"), MAX_HEADINGS, HEADING_RE.match, Phrase("split the module")),
        (Phrase("abbreviation definitions ('*[…]:')"), MAX_ABBREVIATIONS, ABBR_RE.match,
         Phrase("keep the common ones")),
        (Phrase("definitions (': …' lines)"), MAX_DEFINITIONS, DEFINITION_RE.match, Phrase("use a table or a list")),
        (Phrase("HTML tags"), MAX_HTML_TAGS, None, Phrase("write Markdown instead of HTML")),
    )
    problems = []
    for what, limit, test, advice in counts:
        seen = 0
        for number, line in body:
            seen += len(HTML_TAG_RE.findall(line)) if test is None else bool(test(line))
            if seen > limit:
                problems.append(Problem.of(number, "more than %(limit)s %(what)s in one file (the limit is "
                                           "reached on this line); %(advice)s", limit=limit, what=what, advice=advice))
                break
    return problems


def _blocks(body: list[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    """Runs of non-blank lines: Markdown's paragraphs, tables and list blocks."""
    block: list[tuple[int, str]] = []
    for number, line in body:
        if line.strip():
            if block and number != block[-1][0] + 1:  # a fence was skipped in between
                yield block
                block = []
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _table_problems(body: list[tuple[int, str]]) -> list[Problem]:
    for block in _blocks(body):
        if len(block) < 2 or not TABLE_SEPARATOR_RE.match(block[1][1]) or "|" not in block[1][1]:
            continue
        if len(block) - 2 > MAX_TABLE_ROWS:  # not counting the header and separator lines
            return [Problem.of(block[0][0], "the table has %(rows)s rows; the limit is %(limit)s (split it, or attach "
                               "a spreadsheet)", rows=f"{len(block) - 2:,}", limit=f"{MAX_TABLE_ROWS:,}")]
        widest = max(block, key=lambda item: item[1].count("|"))
        if widest[1].count("|") - 1 > MAX_TABLE_COLUMNS:
            return [Problem.of(widest[0], "the table row has %(columns)s columns; the limit is %(limit)s",
                               columns=widest[1].count("|") - 1, limit=MAX_TABLE_COLUMNS)]
    return []


def _bracket_problems(body: list[tuple[int, str]]) -> list[Problem]:
    total, first = 0, None
    for block in _blocks(body):
        text = "\n".join(line for _, line in block)
        scan, position = _unclosed_scan(text)
        if scan and first is None:
            first = block[0][0] + text.count("\n", 0, position)
        total += scan
        if total > MAX_BRACKET_SCAN:
            return [Problem.of(first or block[0][0], "too many '[' (or '](') that are never closed: Markdown "
                               "reads the rest of the paragraph again for each one. The first is on this "
                               "line; close them, or write '\\[' for a literal bracket")]
    return []


def _unclosed_scan(text: str) -> tuple[int, int]:
    """How far Markdown scans for the '[' and '](' of ``text`` that never close, and where the
    first of them is. Escaped brackets are text; code spans are not looked at separately
    (they only make this an over-estimate)."""
    openers: list[int] = []
    scan, first, length = 0, -1, len(text)
    last_paren, index = text.rfind(")"), 0
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            openers.append(index)
        elif char == "]" and openers:
            openers.pop()
            if text.startswith("(", index + 1) and last_paren < index:
                scan += length - index
                first = index if first < 0 else first
        index += 1
    for position in openers:
        scan += length - position
        first = position if first < 0 else min(first, position)
    return scan, max(first, 0)
