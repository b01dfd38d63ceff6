"""A spreadsheet template's rows (resources.py) as an .xlsx file and as an HTML preview. Pure."""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .resources import COLUMNS

_THIN = Side(style="thin", color="C9D2DC")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
# Blue cells are for the learner's own numbers, grey ones hold formulas: the usual convention in
# finance templates, and the sheet's note row says so.
_FILLS = {
    "header": PatternFill("solid", fgColor="1F4E79"),
    "section": PatternFill("solid", fgColor="E8EEF5"),
    "input": PatternFill("solid", fgColor="DDEBF7"),
    "formula": PatternFill("solid", fgColor="F2F2F2"),
    "total": PatternFill("solid", fgColor="F2F2F2"),
    "result": PatternFill("solid", fgColor="FFF2CC"),
}
_FONTS = {
    "title": Font(bold=True, size=14),
    "note": Font(italic=True, color="555555"),
    "header": Font(bold=True, color="FFFFFF"),
    "section": Font(bold=True),
    "total": Font(bold=True),
    "result": Font(bold=True, size=12),
}


def workbook_bytes(*, spec: dict, title: str) -> bytes:
    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    book.properties.creator = "Ops Academy"
    for sheet in spec["sheets"]:
        _write_sheet(book.create_sheet(sheet["name"]), sheet)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _write_sheet(ws, sheet: dict) -> None:
    for index, width in enumerate(sheet["widths"], start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for number, row in enumerate(sheet["rows"], start=1):
        style = row["style"]
        for column, value in enumerate(row["cells"], start=1):
            cell = ws.cell(row=number, column=column, value=value)
            if style in _FONTS:
                cell.font = _FONTS[style]
            if kind := cell_kind(sheet, row, column - 1):
                cell.fill = _FILLS[kind]
            if style not in ("title", "note"):
                cell.border = _GRID
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if row["format"] and (isinstance(value, int | float) or _is_formula(value)):
                cell.number_format = row["format"]
        if style in ("title", "note") and len(sheet["widths"]) > 1:
            ws.merge_cells(start_row=number, start_column=1, end_row=number, end_column=len(sheet["widths"]))
    if sheet["freeze"]:
        ws.freeze_panes = sheet["freeze"]
    if sheet["choices"]:
        values = ",".join(str(v) for v in sheet["choices"]["values"])
        rule = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        rule.add(sheet["choices"]["cells"])
        ws.add_data_validation(rule)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def cell_kind(sheet: dict, row: dict, index: int) -> str:
    """How a cell is coloured: a whole styled row, a cell to fill in (blue) or a formula (grey)."""
    style = row["style"]
    if style in ("header", "section", "result"):
        return style
    value = row["cells"][index] if index < len(row["cells"]) else None
    if _is_formula(value):
        return "formula"
    if style == "input" and COLUMNS[index] in sheet["input_columns"]:
        return "input"
    return ""


# --- preview ------------------------------------------------------------------------------------

def preview(spec: dict) -> list[dict]:
    """Each sheet as rows of display cells: formulas show the value the example gives, if stated.
    Title and note rows are one cell across the sheet, as the workbook merges them."""
    sheets = []
    for sheet in spec["sheets"]:
        width = max(len(sheet["widths"]), *(len(row["cells"]) for row in sheet["rows"]))
        value_index = COLUMNS.index(sheet["value_column"])
        rows = []
        for row in sheet["rows"]:
            span = width if row["style"] in ("title", "note") else 1
            cells = [_display(sheet, row, index, value_index) for index in range(0, width, span)]
            rows.append({"style": row["style"], "cells": cells, "span": span})
        sheets.append({"name": sheet["name"], "rows": rows, "width": width})
    return sheets


def _display(sheet: dict, row: dict, index: int, value_index: int) -> dict:
    value = row["cells"][index] if index < len(row["cells"]) else None
    kind = cell_kind(sheet, row, index)
    if _is_formula(value):
        stated = row["expect"] if index == value_index else None
        return {"text": format_value(stated, row["format"]) if stated is not None else "", "kind": kind}
    if isinstance(value, int | float):
        return {"text": format_value(value, row["format"]), "kind": kind}
    return {"text": "" if value is None else str(value), "kind": kind}


def format_value(value, number_format: str) -> str:
    """The common number formats as Excel shows them (enough for a preview)."""
    if isinstance(value, str) or not number_format or number_format == "General":
        return _plain(value)
    number = Decimal(str(value))
    percent = number_format.endswith("%")
    if percent:
        number *= 100
    places = len(number_format.split(".")[1].rstrip("%")) if "." in number_format else 0
    text = f"{number:,.{places}f}" if number_format.startswith("#,##") else f"{number:.{places}f}"
    return text + ("%" if percent else "")


def _plain(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
