"""HR in a real browser: build a cohort, assign the course, find the overdue, export, read back."""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from openpyxl import load_workbook

from progress.models import Enrollment
from tests.browser.test_accessibility import blocking_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, real_course):
    hr = UserFactory(email="hr-e2e@example.com", roles=["learner", "hr"])
    EmailAddress.objects.create(user=hr, email=hr.email, verified=True, primary=True)
    for n in range(3):
        UserFactory(email=f"kefu{n}@example.com", display_name=f"客服{n}", department="客服部")
    UserFactory(email="other@example.com", department="财务部")
    return hr


def test_hr_assigns_filters_overdue_and_exports(page, live_server, people, sign_in, shoot):
    sign_in(page, people.email)
    page.get_by_role("link", name="HR 报表").click()
    page.get_by_role("link", name="学员组与课程指派").click()
    page.get_by_role("link", name="新建学员组").click()
    page.get_by_label("学员组名称").fill("客服新人")
    page.get_by_label("整个部门").check()
    page.get_by_label("客服部").check()
    page.get_by_role("button", name="创建学员组").click()
    assert page.get_by_text("学员组已创建，共 3 名成员。").is_visible()

    page.locator("#id_course").select_option(label="运营经理培训")
    page.locator("#id_due_date").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="指派", exact=True).click()
    assert page.get_by_text("课程已指派。").is_visible()
    shoot(page, "hr-cohort")

    # Two weeks pass for two of them: their due date is now behind them.
    yesterday = timezone.localdate() - timedelta(days=1)
    Enrollment.objects.filter(user__email__in=["kefu0@example.com", "kefu1@example.com"]).update(due_date=yesterday)

    page.get_by_role("link", name="完成情况报表").click()
    page.locator("#id_status").select_option("overdue")
    page.get_by_role("button", name="应用筛选").click()
    assert "status=overdue" in page.url
    assert page.get_by_role("heading", name="2 条报名记录").is_visible()
    shoot(page, "hr-report-overdue")
    assert blocking_violations(page) == []

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(r[1] for r in rows[1:]) == ["kefu0@example.com", "kefu1@example.com"]
    assert {r[6] for r in rows[1:]} == {"已逾期"}

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 XLSX").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    emails = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert emails == ["kefu0@example.com", "kefu1@example.com"]
    assert page.js_errors == []
