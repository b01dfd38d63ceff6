"""Exports: exactly the filtered rows, Excel-friendly CSV, formula-safe CSV and XLSX, logged."""

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import load_workbook

from hr.exports import FORMULA_TRIGGERS, cell_text
from hr.models import ExportLog

NOTES = Path(__file__).resolve().parents[3] / "shared" / "security" / "csv-injection-notes.md"
HAND_PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1", "\0=1+1", "–1+1", "=cmd|' /C calc'!A0",
                 "＝1+1"]
SAFE = ["1-2", "-1.3", "a@b.org", "42", "普通文字"]


def payloads() -> list[str]:
    found = list(HAND_PAYLOADS)
    if NOTES.exists():
        blocks = re.findall(r"```text\n(.*?)```", NOTES.read_text(encoding="utf-8"), re.S)
        found += [line.strip() for block in blocks for line in block.splitlines() if line.strip()]
    return found


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and "\r\n" in body
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_has_exactly_the_filtered_rows(hr_client, org, hr_user):
    response = hr_client.get("/hr/export/?kind=summary_csv&department=运营部")
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0][:3] == ["姓名", "邮箱", "工号"]
    assert sorted(r[1] for r in rows[1:]) == ["ops0@example.com", "ops1@example.com", "ops2@example.com"]
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.filters, log.row_count) == (hr_user, "summary_csv", {"department": "运营部"}, 3)


def test_matrix_csv_and_xlsx(hr_client, org):
    rows = read_csv(hr_client.get(f"/hr/export/?kind=matrix_csv&course={org['course'].pk}"))
    assert rows[0] == ["姓名", "邮箱", "部门", "课程状态", "模块1", "模块2", "模块3"]
    by_email = {r[1]: r for r in rows[1:]}
    assert by_email["ops0@example.com"][3:] == ["已完成", "已完成", "已完成", "已完成"]
    assert by_email["ops1@example.com"][4:] == ["学习中", "未开始", "未开始"]
    response = hr_client.get(f"/hr/export/?kind=matrix_xlsx&course={org['course'].pk}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))][4] == "模块1"
    assert sheet.max_row == 6


def test_bad_export_requests_are_400(hr_client, org):
    assert hr_client.get("/hr/export/?kind=pdf").status_code == 400
    assert hr_client.get("/hr/export/?kind=matrix_csv").status_code == 400


@pytest.mark.parametrize("payload", payloads())
def test_no_csv_cell_can_start_a_formula(payload):
    text = cell_text(payload)
    assert "\0" not in text
    assert text.startswith("'") or not text.startswith(FORMULA_TRIGGERS)
    if payload.startswith(("=", "+", "-", "@", "\t", "\r", "\0", "–")):
        assert text.startswith("'")


@pytest.mark.parametrize("value", SAFE)
def test_safe_values_stay_readable(value):
    assert cell_text(value) == value


def test_payloads_in_names_are_neutralised_in_csv_and_xlsx(hr_client, org):
    evil = org["sales"][0]
    evil.display_name, evil.department = "=HYPERLINK(\"http://x\")", "@SUM(1+1)\x07"
    evil.save()
    rows = read_csv(hr_client.get("/hr/export/?kind=summary_csv"))
    row = next(r for r in rows if r[1] == evil.email)
    assert row[0] == "'=HYPERLINK(\"http://x\")" and row[3] == "'@SUM(1+1)"
    content = hr_client.get("/hr/export/?kind=summary_xlsx").content
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "\x07" not in sheet_xml
    sheet = load_workbook(io.BytesIO(content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "=HYPERLINK(\"http://x\")" in values and "@SUM(1+1)" in values


def test_large_exports_run_in_the_background_and_email_a_link(hr_client, org, hr_user, tmp_path, settings,
                                                             django_capture_on_commit_callbacks):
    settings.EXPORT_DIR = tmp_path
    settings.EXPORT_ASYNC_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = hr_client.get("/hr/export/?kind=summary_csv", follow=True)
    assert "我们会在文件生成后把下载链接发到你的邮箱" in response.content.decode()
    (message,) = mail.outbox
    assert message.to == [hr_user.email]
    link = re.search(r"http\S+/hr/exports/\S+/", message.body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    download = hr_client.get(path)
    body = b"".join(download.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff姓名") and body.count("\r\n") == 6
    assert ExportLog.objects.get().row_count == 5
    assert hr_client.get(path.replace("/hr/exports/", "/hr/exports/x")).status_code == 404


def test_xlsx_dates_and_numbers_are_real_cells_with_a_format(hr_client, org):
    response = hr_client.get("/hr/export/?kind=summary_xlsx&department=运营部")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    rows = {row[1].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    done = rows["ops0@example.com"]
    due, completed = done["截止日期"], done["完成日期"]
    assert due.is_date and due.number_format == "yyyy-mm-dd"
    assert due.value.date() == org["assignment"].due_date
    assert completed.is_date and completed.value.date() == timezone.localdate()
    minutes, score = done["学习时长（分钟）"], done["平均最佳得分"]
    assert (minutes.data_type, minutes.value, minutes.number_format) == ("n", 30, "0")
    assert (score.data_type, score.value) == ("n", 90)
    assert rows["ops2@example.com"]["完成日期"].value is None  # not completed: an empty cell, not ""
    assert done["姓名"].data_type == "s"
