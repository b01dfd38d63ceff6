"""The spreadsheet templates compute what they claim: their formulas are evaluated by pycel."""

from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from pycel import ExcelCompiler

from courses.content.loader import load_content
from courses.content.workbook import workbook_bytes


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    courses, problems = load_content(Path(settings.CONTENT_DIR))
    assert problems == []
    folder = tmp_path_factory.mktemp("workbooks")
    built = {}
    for source in courses[0].resources:
        if source.resource.kind == "sheet":
            path = folder / f"{source.slug}.xlsx"
            path.write_bytes(workbook_bytes(spec=source.resource.spec, title=source.resource.meta["title"]))
            built[source.slug] = (path, source.resource.spec)
    return built


def cell(sheet: dict, row_id: str) -> str:
    number = next(i for i, row in enumerate(sheet["rows"], start=1) if row["id"] == row_id)
    return f"'{sheet['name']}'!{sheet['value_column']}{number}"


def test_the_roi_sheet_computes_the_brand_day_case_to_190_percent(sheets):
    path, spec = sheets["roi-sheet"]
    (sheet,) = spec["sheets"]
    excel = ExcelCompiler(filename=str(path))
    costs = [excel.evaluate(cell(sheet, name)) for name in ("cost-traffic", "cost-kol", "cost-reward",
                                                              "cost-production")]
    assert costs == [60, 20, 15, 5]
    assert excel.evaluate(cell(sheet, "revenue-total")) == pytest.approx(290)
    assert excel.evaluate(cell(sheet, "roi")) == pytest.approx(1.9)
    assert excel.evaluate(cell(sheet, "roi-direct")) == pytest.approx(0)


def test_the_roi_cell_is_a_real_formula_shown_as_a_percentage(sheets):
    path, spec = sheets["roi-sheet"]
    (sheet,) = spec["sheets"]
    ws = load_workbook(path)[sheet["name"]]
    address = cell(sheet, "roi").split("!")[1]
    assert ws[address].value.startswith("=IF(") and ws[address].number_format == "0.0%"


def test_changing_an_input_changes_the_roi(sheets):
    path, spec = sheets["roi-sheet"]
    (sheet,) = spec["sheets"]
    excel = ExcelCompiler(filename=str(path))
    assert excel.evaluate(cell(sheet, "roi")) == pytest.approx(1.9)
    excel.set_value(cell(sheet, "cost-kol"), 0)  # the module's own check: without KOL spend
    assert excel.evaluate(cell(sheet, "roi")) == pytest.approx(2.625)


def test_every_stated_result_of_every_sheet_is_what_its_formula_gives(sheets):
    checked = 0
    for path, spec in sheets.values():
        excel = ExcelCompiler(filename=str(path))
        for sheet in spec["sheets"]:
            for number, row in enumerate(sheet["rows"], start=1):
                if row["expect"] is not None:
                    value = excel.evaluate(f"'{sheet['name']}'!{sheet['value_column']}{number}")
                    assert value == pytest.approx(row["expect"]), (path.name, number)
                    checked += 1
    assert checked >= 10


def test_the_raci_sheet_offers_only_raci_letters(sheets):
    path, _ = sheets["raci-sheet"]
    ws = load_workbook(BytesIO(path.read_bytes()))["RACI"]
    (rule,) = ws.data_validations.dataValidation
    assert rule.formula1 == '"R,A,C,I,A/R"' and "B4:G20" in str(rule.sqref)
