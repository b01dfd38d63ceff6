"""培训台账: the XLSX opens with the columns Chinese HR uses, real dates and numbers, exactly the
filtered people, through the export log (owner-only download for background exports)."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from hr.models import ExportLog
from progress.models import Certificate, OfflineCredit
from tests.factories import UserFactory
from tests.hr.credit_setup import complete_module, import_credit_course

HEADER = ["培训名称", "日期", "课时", "姓名", "工号", "部门", "岗位", "成绩", "是否合格"]


@pytest.fixture
def ledger_org(db, tmp_path, client, hr_user):
    import_credit_course(tmp_path / "content")
    year = timezone.localdate().year
    done = UserFactory(email="done@example.com", display_name="张三", department="运营部", employee_no="E001",
                       job_title="运营专员")
    half = UserFactory(email="half@example.com", display_name="李四", department="运营部", employee_no="E002",
                       job_title="运营主管")
    other = UserFactory(email="other@example.com", display_name="王五", department="销售部", employee_no="E003")
    client.force_login(done)
    for number in (1, 2, 3):
        complete_module(client, done, number, active_seconds=600)
    client.force_login(half)
    complete_module(client, half, 1, active_seconds=600)
    complete_module(client, half, 2, active_seconds=10)  # pending: not in 课时
    client.force_login(other)
    complete_module(client, other, 3, active_seconds=600)
    OfflineCredit.objects.create(user=half, title="消防演练", held_on=date(year, 1, 10), hours=Decimal("3.5"),
                                 category="安全生产", reason="签到表", created_by=hr_user)
    OfflineCredit.objects.create(user=half, title="=HYPERLINK(\"x\")", held_on=date(year - 1, 5, 1),
                                 hours=Decimal("1"), category="安全生产", reason="签到表", created_by=hr_user)
    client.force_login(hr_user)
    return {"done": done, "half": half, "other": other, "year": year}


def sheet_rows(response) -> list[list]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()], sheet


def test_ledger_has_the_columns_and_the_right_numbers(ledger_org, client, hr_user):
    year = ledger_org["year"]
    rows, sheet = sheet_rows(client.get(f"/hr/credit/ledger/?year={year}&department=运营部"))
    assert rows[0] == HEADER
    by_key = {(r[3], r[0]): r for r in rows[1:]}
    assert set(by_key) == {("张三", "测试课程"), ("李四", "测试课程"), ("李四", "消防演练")}
    done = by_key[("张三", "测试课程")]
    assert done[2:] == [5.5, "张三", "E001", "运营部", "运营专员", 100, "是"]
    assert isinstance(done[1], datetime) and done[1].date() == timezone.localdate()
    assert by_key[("李四", "测试课程")][2] == 1.5 and by_key[("李四", "测试课程")][8] == "否"
    offline = by_key[("李四", "消防演练")]
    assert offline[1].date() == date(year, 1, 10) and offline[2] == 3.5 and offline[7:] == [None, None]
    assert sheet["B2"].number_format == "yyyy-mm-dd" and sheet["C2"].number_format == "0.00"
    assert sheet["C2"].data_type == "n" and sheet["B2"].is_date
    assert Certificate.objects.filter(user=ledger_org["done"]).exists()
    log = ExportLog.objects.get()
    assert (log.user, log.kind, log.row_count) == (hr_user, "ledger_xlsx", 3)
    assert log.filters == {"year": year, "department": "运营部", "group": "learner"}


def test_other_years_and_departments_are_left_out_and_text_stays_text(ledger_org, client):
    rows, sheet = sheet_rows(client.get(f"/hr/credit/ledger/?year={ledger_org['year'] - 1}"))
    assert [r[0] for r in rows[1:]] == ["=HYPERLINK(\"x\")"]
    assert sheet["A2"].data_type == "s"  # a title that looks like a formula is never one
    rows, _sheet = sheet_rows(client.get(f"/hr/credit/ledger/?year={ledger_org['year']}&department=销售部"))
    assert [(r[0], r[3], r[2]) for r in rows[1:]] == [("测试课程", "王五", 2.0)]


@pytest.mark.parametrize("query", ["year=abc", "department=不存在", "group=x"])
def test_invalid_filters_export_nothing_and_log_nothing(ledger_org, client, query):
    response = client.get(f"/hr/credit/ledger/?{query}")
    assert response.status_code == 400 and not ExportLog.objects.exists()


def test_a_big_ledger_runs_in_the_background_and_only_its_owner_downloads_it(ledger_org, client, hr_user,
                                                                             settings, tmp_path):
    from hr import services
    from hr.exports import export_token

    settings.EXPORT_ASYNC_ROWS, settings.EXPORT_DIR = 1, tmp_path / "exports"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(f"/hr/credit/ledger/?year={ledger_org['year']}")
    assert response.status_code == 302
    log = ExportLog.objects.get()
    if log.finished_at is None:
        services.export_write(export_id=log.pk)
        log.refresh_from_db()
    assert log.file.endswith(".xlsx") and log.row_count == 4
    url = f"/hr/exports/{export_token(log)}/"
    rows = load_workbook(io.BytesIO(b"".join(client.get(url).streaming_content))).active
    assert [c.value for c in next(rows.iter_rows(max_row=1))] == HEADER
    other_hr = UserFactory(email="hr2@example.com", roles=["learner", "hr"])
    client.force_login(other_hr)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_the_ledger_is_hr_only(ledger_org, client, role, learner, trainer):
    client.force_login({"learner": learner, "trainer": trainer}[role])
    assert client.get("/hr/credit/ledger/").status_code == 403 and not ExportLog.objects.exists()
