"""Questions from an Excel sheet (the template from ``question_template``) → the quiz block syntax of
content/README.md. One row is one question; every bad row is reported with its row number and
column, and nothing is converted unless every row is good. Each converted row is checked by the
quiz parser itself, so what the import hands on is always valid quiz syntax.

Columns: type | text | options (one per line) | answer | explanation | tags | difficulty.
The answer of a choice question names its right option(s), one per line, ``option = 50%`` for part
of the marks (or ``= -25%`` for a penalty); of a numeric or text question each line becomes one
``answer:`` line, so ``190 ± 10 % = 50%`` gives partial credit too.
"""

import io
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from courses.content.xlsx import XlsxUnreadable, xlsx_rows
from quizzes.answer_syntax import FALSE_WORDS, TRUE_WORDS
from quizzes.parser import CHOICE_TYPES, MAX_CHOICES, MAX_QUESTIONS, QUESTION_TYPES, parse_quiz

from .gift import safe_line

COLUMNS = ("type", "text", "options", "answer", "explanation", "tags", "difficulty")
MAX_ROWS = MAX_QUESTIONS
MAX_CELL_CHARS = 2_000  # a question text (or any cell) longer than this is an error, never cut
MAX_FILE_BYTES = 1024 * 1024
KEY_PREFIX = "xl"
WEIGHT_RE = re.compile(r"^(?P<option>.+?)\s*=\s*(?P<weight>-?\d+(?:\.\d+)?)\s*%$")  # "选项 = 50%"


@dataclass
class RowProblem:
    row: int
    column: str  # one of COLUMNS, or "" for the whole row or file
    message: str


@dataclass
class ExcelResult:
    text: str = ""  # the questions in quiz-block syntax, without the '=== quiz ===' line
    count: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def excel_to_quiz(stream: BinaryIO, *, taken_keys: set[str] | frozenset[str] = frozenset(),
                  max_rows: int = MAX_ROWS) -> ExcelResult:
    """Convert every row, or nothing: ``text`` is empty whenever ``problems`` is not. ``max_rows``:
    how many questions still fit where they go."""
    result = ExcelResult()
    taken = set(taken_keys)
    blocks = []
    try:
        rows = _data_rows(stream, result.problems)
        for count, (number, cells) in enumerate(rows):
            if count == max_rows:
                result.problems.append(RowProblem(number, "", _("more than %(count)s questions (a quiz holds at "
                                                                "most %(limit)s); split the sheet")
                                                  % {"count": max_rows, "limit": MAX_ROWS}))
                break
            block = _row_block(number, dict(zip(COLUMNS, cells, strict=False)), taken, result.problems)
            if block:
                blocks.append(block)
    except XlsxUnreadable as error:
        reason = (_("the file unpacks to more than 16 MB") if str(error) == "too_big_unzipped"
                  else _("the file is not an .xlsx workbook"))
        return ExcelResult(problems=[RowProblem(0, "", reason)])
    if not blocks and not result.problems:
        result.problems.append(RowProblem(2, "", _("the sheet has no questions below its header row")))
    if not result.problems:
        result.text, result.count = "\n".join(blocks), len(blocks)
    return result


def _data_rows(stream: BinaryIO, problems: list[RowProblem]):
    rows = xlsx_rows(stream, cell_chars=MAX_CELL_CHARS)
    header = next(rows, None)
    if header is None or [cell.strip().lower() for cell in header[1][:len(COLUMNS)]] != list(COLUMNS):
        problems.append(RowProblem(header[0] if header else 1, "", _("the first row must be the template's "
                                   "header: %(columns)s") % {"columns": " | ".join(COLUMNS)}))
        return
    for number, cells in rows:
        if any(cell.strip() for cell in cells):
            yield number, [cell.strip() for cell in cells]


def _row_block(number: int, row: dict[str, str], taken: set[str], problems: list[RowProblem]) -> str:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(RowProblem(number, column, message))

    for column, value in row.items():
        if len(value) > MAX_CELL_CHARS:
            bad(column, _("longer than %(count)s characters") % {"count": f"{MAX_CELL_CHARS:,}"})
    kind = row.get("type", "").lower()
    if kind not in QUESTION_TYPES:
        bad("type", _("unknown type %(kind)r; use one of %(types)s") % {"kind": kind,
                                                                         "types": ", ".join(QUESTION_TYPES)})
    for column in ("text", "answer", "explanation"):
        if not row.get(column):
            bad(column, _("empty; every question needs it"))
    bank_lines = _bank_lines(row, bad)
    if len(problems) > before:
        return ""
    lines = _answer_lines(kind, row, bad)
    if len(problems) > before:
        return ""
    key = _key(number, taken)
    # The parser reports question-wide problems (weights that do not add up) at the header line.
    block = [(f"## [{kind}] {key}", "answer"), *((safe_line(line), "text") for line in row["text"].split("\n")),
             *lines, *bank_lines,
             *((f"> {line}".rstrip(), "explanation") for line in row["explanation"].split("\n"))]
    text = [line.rstrip() for line, column in block if column == "text"]
    questions, parsed = parse_quiz([line for line, _column in block], 1)
    for problem in parsed:
        bad(block[problem.line - 1][1], problem.localised())
    if not parsed and questions[0].text != "\n".join(text).strip():
        bad("text", _("a line of the text would be read as quiz syntax (such as 'tags:' or 'difficulty:'); "
                      "reword it"))
    return "" if len(problems) > before else "\n".join(line for line, _column in block) + "\n"


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("\n") if part.strip()]


def _answer_lines(kind: str, row: dict[str, str], bad) -> list[tuple[str, str]]:
    if kind in CHOICE_TYPES:
        return _choice_lines(kind, row, bad)
    if kind == "truefalse":
        word = row["answer"].lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            bad("answer", _("%(value)r is not true or false (对 / 错)") % {"value": row["answer"]})
            return []
        return [(f"answer: {'true' if word in TRUE_WORDS else 'false'}", "answer")]
    if row.get("options"):
        bad("options", _("only single and multiple choice questions have options"))
    return [(f"answer: {line}", "answer") for line in _split(row["answer"])]


def _choice_lines(kind: str, row: dict[str, str], bad) -> list[tuple[str, str]]:
    options, right = _split(row.get("options", "")), _split(row["answer"])
    if len(options) < 2:
        bad("options", _("a choice question needs at least two options, one per line"))
        return []
    if len(options) > MAX_CHOICES:
        bad("options", _("more than %(count)s options") % {"count": MAX_CHOICES})
    if len(set(options)) < len(options):
        bad("options", _("the same option appears twice"))
    marks = {}
    for answer in right:
        weighted = WEIGHT_RE.match(answer)
        option = weighted["option"] if weighted else answer
        if option not in options:
            bad("answer", _("%(value)r is not one of the options") % {"value": option})
        marks[option] = f"{weighted['weight']}%" if weighted else "x"
    if kind == "single" and list(marks.values()).count("x") != 1:
        bad("answer", _("a single choice question has exactly one right option"))
    return [(f"- [{marks.get(option, ' ')}] {option}", "options") for option in options]


def _bank_lines(row: dict[str, str], bad) -> list[tuple[str, str]]:
    lines = []
    if tags := " ".join(row.get("tags", "").split()):
        lines.append((f"tags: {tags}", "tags"))
    if level := row.get("difficulty", ""):
        if re.fullmatch(r"[1-5](\.0+)?", level):
            lines.append((f"difficulty: {level[0]}", "difficulty"))
        else:
            bad("difficulty", _("%(value)r is not a whole number from 1 to 5") % {"value": level})
    return lines


def _key(number: int, taken: set[str]) -> str:
    key, suffix = f"{KEY_PREFIX}-{number}", 2
    while key in taken:
        key, suffix = f"{KEY_PREFIX}-{number}-{suffix}", suffix + 1
    taken.add(key)
    return key


EXAMPLES = (
    ("single", "次日留存率衡量的是什么？", "第二天仍回来的新用户占比\n当日活跃用户数\n注册量",
     "第二天仍回来的新用户占比", "留存看的是“回来的人”占比。", "留存, 指标", 2),
    ("multiple", "哪些是留存指标？", "次日留存\n7 日留存\n注册量", "次日留存 = 50%\n7 日留存 = 50%\n注册量 = -100%",
     "注册量是获客指标，选它会扣分。", "留存", 3),
    ("truefalse", "运营只负责执行。", "", "false", "运营还要把执行中的发现反馈给战略层。", "运营基础", 1),
    ("numeric", "收益 290、成本 100 时 ROI 是多少（%）？", "", "190 ± 0.5 %\n190 ± 10 % = 50%",
     "ROI =（290 − 100）/ 100 = 190%。", "ROI", 4),
    ("text", "全公司共同追踪的那个唯一指标叫什么？", "", "北极星指标 | North Star Metric",
     "北极星指标把注意力集中在代表用户价值的结果上。", "指标", 2),
)
HELP = (
    ("type", "题型：single（单选）、multiple（多选）、truefalse（判断）、numeric（数值）、text（填空）",
     "single, multiple, truefalse, numeric or text"),
    ("text", "题干（必填，最多 2,000 字）", "The question (required, at most 2,000 characters)"),
    ("options", "选项，每行一个（单元格内 Alt+Enter 换行）；只用于单选和多选",
     "The options, one per line (Alt+Enter in the cell); choice questions only"),
    ("answer", "正确选项的原文（多选每行一个）；判断填 true/false 或 对/错；数值如 190 ± 0.5 %；"
               "填空用 | 分隔同义答案；每行末尾可加 = 50% 给部分分（选项可加 = -25% 扣分）",
     "The right option's text (one per line for multiple); true/false (对/错); a number such as "
     "190 ± 0.5 %; text answers separated by |; a line ending in = 50% gives part of the marks "
     "(= -25% on an option: a penalty)"),
    ("explanation", "解析（必填），交卷后所有人可见", "The explanation everyone sees after submitting (required)"),
    ("tags", "知识点，逗号分隔（题库抽题用）", "Tags (知识点), comma-separated, for drawing from a bank"),
    ("difficulty", "难度 1（易）到 5（难），可留空", "Difficulty 1 (easy) to 5 (hard), may be empty"),
)


def question_template() -> bytes:
    """The documented template: a header, one example row per type, and a sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "questions"
    sheet.append(COLUMNS)
    for example in EXAMPLES:
        sheet.append(example)
    guide = workbook.create_sheet("说明 help")
    guide.append(("column", "说明", "English"))
    for column, chinese, english in HELP:
        guide.append((column, chinese, english))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
