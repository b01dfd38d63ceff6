"""Downloadable templates (``<course>/_resources/``): printable documents and spreadsheets.

A document is ``<slug>.md``: front matter (title, slug, order, summary) and a Markdown body,
served as a printable page. A spreadsheet is ``<slug>.yaml``: the same four fields and
``sheets``, each a list of rows; workbook.py turns it into an .xlsx with openpyxl. Formulas
name other rows by id (``{cost-total}``) or same-row columns (``{C}``), so inserting a row never
breaks them. Format and examples: content/README.md. Pure: no database.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from openpyxl.formula import Tokenizer

from quizzes.syntax import Phrase, Problem

from .documents import parse_document
from .frontmatter import SCHEMAS, SLUG_RE, check_fields

RESOURCES_DIR = "_resources"
SHEET_FIELDS = {"title", "slug", "order", "summary", "sheets"}
SHEET_KEYS = {"name", "widths", "freeze", "value_column", "input_columns", "choices", "rows"}
ROW_KEYS = {"id", "cells", "style", "format", "expect"}
STYLES = ("", "title", "note", "header", "section", "input", "formula", "total", "result")
FORMATS = ("General", "0", "0.0", "0.00", "0%", "0.0%", "0.00%", "#,##0", "#,##0.00")
FUNCTIONS = {"SUM", "IF", "AND", "OR", "NOT", "COUNTIF", "COUNTA", "ROUND", "AVERAGE", "MIN", "MAX",
             "IFERROR", "ABS"}
MAX_ROWS, MAX_COLUMNS, MAX_SHEETS = 200, 26, 5
COLUMNS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
CELL_RE = re.compile(r"^[A-Z][1-9][0-9]{0,2}$")
RANGE_RE = re.compile(r"^[A-Z][1-9][0-9]{0,2}:[A-Z][1-9][0-9]{0,2}$")


@dataclass
class Resource:
    kind: str  # "document" or "sheet"
    meta: dict = field(default_factory=dict)
    body: str = ""  # a document's Markdown
    spec: dict = field(default_factory=dict)  # a sheet's resolved rows (JSON-ready)
    problems: list[Problem] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return self.meta.get("slug", "") if isinstance(self.meta.get("slug"), str) else ""


def resource_kind(path: Path) -> str | None:
    return {".md": "document", ".yaml": "sheet", ".yml": "sheet"}.get(path.suffix)


def parse_resource(text: str, kind: str) -> Resource:
    if kind == "document":
        doc = parse_document(text, "resource")
        resource = Resource("document", meta=doc.meta, body=doc.body, problems=list(doc.problems))
        if doc.directives:
            resource.problems.append(Problem.of(doc.directives[0].line, "templates are plain Markdown; "
                                                "'::: …' blocks belong in modules"))
        return resource
    return _parse_sheet_file(text.removeprefix("\ufeff"))


def _line(node) -> int:
    return node.start_mark.line + 1


def _value(node):
    return yaml.SafeLoader("").construct_document(node)


def _parse_sheet_file(text: str) -> Resource:
    resource = Resource("sheet")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        resource.problems.append(Problem.of(mark.line + 1 if mark else 1, "not valid YAML: %(reason)s", reason=reason))
        return resource
    if not isinstance(root, yaml.MappingNode):
        resource.problems.append(Problem.of(1, "a sheet file is 'field: value' lines: title, slug, order, "
                                            "summary and sheets"))
        return resource
    nodes = {key.value: value for key, value in root.value}
    lines = {key.value: _line(key) for key, _ in root.value}
    meta = {name: _value(node) for name, node in nodes.items() if name != "sheets"}
    resource.meta = meta
    resource.problems.extend(check_fields(meta, lines, 1, SCHEMAS["resource"]))  # as a document's front matter
    if "sheets" not in nodes or not isinstance(nodes["sheets"], yaml.SequenceNode) or not nodes["sheets"].value:
        resource.problems.append(Problem.of(lines.get("sheets", 1), "'sheets' must list at least one sheet "
                                            "('- name: …' with its rows)"))
        return resource
    if len(nodes["sheets"].value) > MAX_SHEETS:
        resource.problems.append(Problem.of(lines["sheets"], "at most %(most)s sheets per file", most=MAX_SHEETS))
    resource.spec = {"sheets": [_parse_sheet(node, resource.problems) for node in nodes["sheets"].value]}
    names = [sheet["name"] for sheet in resource.spec["sheets"]]
    if len(set(names)) != len(names):
        resource.problems.append(Problem.of(lines["sheets"], "two sheets have the same name"))
    return resource


def _parse_sheet(node, problems: list[Problem]) -> dict:
    sheet = {"name": "", "widths": [], "freeze": "", "value_column": "B", "input_columns": None, "choices": None,
             "rows": []}
    before = len(problems)
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem.of(_line(node), "each sheet is a mapping: '- name: …' then 'rows:'"))
        return sheet
    for key, value in node.value:
        if key.value not in SHEET_KEYS:
            problems.append(Problem.of(_line(key), "unknown sheet field %(name)r (known: %(known)s)",
                                       name=key.value, known=", ".join(sorted(SHEET_KEYS))))
        elif key.value == "rows":
            sheet["rows"] = _parse_rows(value, problems)
        else:
            sheet[key.value] = _value(value)
    _check_sheet(sheet, _line(node), problems)
    if len(problems) == before:
        _resolve_formulas(sheet, problems)
    return sheet


def _check_sheet(sheet: dict, line: int, problems: list[Problem]) -> None:
    name = sheet["name"]
    if not isinstance(name, str) or not name.strip() or len(name) > 31 or re.search(r"[\[\]:*?/\\]", name):
        problems.append(Problem.of(line, "a sheet needs a 'name' of 1–31 characters without [ ] : * ? / \\"))
    if not isinstance(sheet["widths"], list) or not all(isinstance(w, int | float) and 2 <= w <= 120
                                                        for w in sheet["widths"]):
        problems.append(Problem.of(line, "'widths' lists column widths in characters (2–120)"))
    if sheet["freeze"] and not (isinstance(sheet["freeze"], str) and CELL_RE.match(sheet["freeze"])):
        problems.append(Problem.of(line, "'freeze' must be a cell such as A4, not %(value)r", value=sheet["freeze"]))
    if sheet["value_column"] not in tuple(COLUMNS):
        problems.append(Problem.of(line, "'value_column' must be one column letter (default B)"))
    if sheet["input_columns"] is None:
        sheet["input_columns"] = [sheet["value_column"]]
    elif not (isinstance(sheet["input_columns"], list) and all(c in tuple(COLUMNS) for c in sheet["input_columns"])):
        problems.append(Problem.of(line, "'input_columns' lists the column letters learners fill in, e.g. [B, C]"))
    choices = sheet["choices"]
    if choices is not None and not (isinstance(choices, dict) and set(choices) == {"cells", "values"}
                                    and isinstance(choices["cells"], str) and RANGE_RE.match(choices["cells"])
                                    and isinstance(choices["values"], list) and choices["values"]):
        problems.append(Problem.of(line, "'choices' needs 'cells: B4:G9' and 'values: [R, A, C, I]'"))
    if not sheet["rows"]:
        problems.append(Problem.of(line, "sheet %(name)r has no rows", name=name))
    elif len(sheet["rows"]) > MAX_ROWS:
        problems.append(Problem.of(line, "a sheet has at most %(most)s rows", most=MAX_ROWS))


def _parse_rows(node, problems: list[Problem]) -> list[dict]:
    if not isinstance(node, yaml.SequenceNode):
        problems.append(Problem.of(_line(node), "'rows' is a list: one '- cells: [...]' per row"))
        return []
    rows = []
    for item in node.value:
        row = {"line": _line(item), "id": "", "cells": [], "style": "", "format": "", "expect": None}
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem.of(row["line"], "a row looks like '- {cells: [项目, 60]}' (a mapping)"))
            continue
        for key, value in item.value:
            if key.value not in ROW_KEYS:
                problems.append(Problem.of(_line(key), "unknown row field %(name)r (known: %(known)s)",
                                           name=key.value, known=", ".join(sorted(ROW_KEYS))))
            else:
                row[key.value] = _value(value)
        problems.extend(_row_problems(row))
        rows.append(row)
    return rows


def _row_problems(row: dict) -> list[Problem]:
    line, problems = row["line"], []
    cells = row["cells"]
    if not isinstance(cells, list) or len(cells) > MAX_COLUMNS:
        return [Problem.of(line, "'cells' must be a list of at most %(most)s values", most=MAX_COLUMNS)]
    for cell in cells:
        if isinstance(cell, bool) or not isinstance(cell, str | int | float | type(None)):
            problems.append(Problem.of(line, "a cell is text, a number, a formula ('=…') or empty, not %(cell)r",
                                       cell=cell))
    if row["id"] and not (isinstance(row["id"], str) and SLUG_RE.match(row["id"])):
        problems.append(Problem.of(line, "row id %(id)r must be lowercase letters, digits and '-'", id=row["id"]))
    if row["style"] not in STYLES:
        problems.append(Problem.of(line, "style %(style)r is not one of %(known)s", style=row["style"],
                                   known=", ".join(s for s in STYLES if s)))
    if row["format"] and row["format"] not in FORMATS:
        problems.append(Problem.of(line, "format %(format)r is not one of %(known)s", format=row["format"],
                                   known=", ".join(FORMATS)))
    if row["expect"] is not None and (isinstance(row["expect"], bool)
                                      or not isinstance(row["expect"], int | float | str)):
        problems.append(Problem.of(line, "'expect' is the value the row's formula gives for the example data"))
    return problems


def _resolve_formulas(sheet: dict, problems: list[Problem]) -> None:
    """Replace {row-id} and {C} placeholders by cell addresses; check every formula."""
    column = sheet["value_column"]
    numbers: dict[str, int] = {}
    for index, row in enumerate(sheet["rows"], start=1):
        if row["id"] in numbers:
            problems.append(Problem.of(row["line"], "row id %(id)r is used twice in sheet %(sheet)r", id=row["id"],
                                       sheet=sheet["name"]))
        elif row["id"]:
            numbers[row["id"]] = index
    for index, row in enumerate(sheet["rows"], start=1):
        def address(match, index=index, row=row):
            name = match[1]
            if name in tuple(COLUMNS):
                return f"{name}{index}"
            if name in numbers:
                return f"{column}{numbers[name]}"
            problems.append(Problem.of(row["line"], "formula names {%(name)s}, which is neither a row id of "
                                       "this sheet nor a column letter", name=name))
            return "A1"
        row["cells"] = [PLACEHOLDER_RE.sub(address, cell) if _is_formula(cell) else cell for cell in row["cells"]]
        for cell in row["cells"]:
            if _is_formula(cell) and (reason := _formula_problem(cell)):
                problems.append(Problem.of(row["line"], "formula %(formula)r: %(reason)s", formula=cell, reason=reason))
        if row["expect"] is not None and not _is_formula(_cell(row, column)):
            problems.append(Problem.of(row["line"], "'expect' needs a formula in column %(column)s of this row",
                                       column=column))


def _cell(row: dict, column: str):
    index = COLUMNS.index(column)
    return row["cells"][index] if index < len(row["cells"]) else None


def _is_formula(cell) -> bool:
    return isinstance(cell, str) and cell.startswith("=")


def _formula_problem(formula: str) -> Phrase | str:
    """Why the formula cannot be used ("" when it can); openpyxl's own reasons stay in English."""
    try:
        tokens = Tokenizer(formula).items
    except Exception as error:  # openpyxl raises a plain TokenizerError/ValueError subclass
        return str(error)
    depth = 0
    for token in tokens:
        if token.type in ("FUNC", "PAREN"):
            depth += 1 if token.subtype == "OPEN" else -1
        if token.type == "FUNC" and token.subtype == "OPEN" and token.value[:-1].upper() not in FUNCTIONS:
            return Phrase("function %(name)r is not supported (use %(known)s)",
                          {"name": token.value[:-1], "known": ", ".join(sorted(FUNCTIONS))})
        if depth < 0:
            return Phrase("a ')' closes nothing")
    return Phrase("a '(' is never closed") if depth else ""
