"""HR in a real browser: record a classroom session, read the 学时 report, hand out an evidence pack,
and an auditor without an account checks the copy and a tampered one."""

from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from hr.models import EvidencePack
from tests.browser.test_accessibility import blocking_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def hr_and_learner(transactional_db, real_course):
    hr = UserFactory(email="hr-hours@example.com", roles=["learner", "hr"])
    EmailAddress.objects.create(user=hr, email=hr.email, verified=True, primary=True)
    learner = UserFactory(email="xueyuan@example.com", display_name="学员甲", department="客服部")
    return hr, learner


def test_offline_session_report_and_evidence_pack(page, browser, live_server, hr_and_learner, sign_in, shoot,
                                                  tmp_path):
    hr, learner = hr_and_learner
    sign_in(page, hr.email)
    page.goto(f"{live_server.url}/hr/learners/{learner.pk}/")
    page.get_by_text("添加线下培训").click()
    page.locator("#id_offline-title").fill("消防演练")
    page.locator("#id_offline-held_on").fill(timezone.localdate().isoformat())
    page.locator("#id_offline-hours").fill("2.5")
    page.locator("#id_offline-category").fill("安全生产")
    page.locator("#id_offline-reason").fill("线下课堂，签到表存档")
    page.get_by_role("button", name="记录").click()
    assert page.get_by_text("已记录线下培训。").is_visible()

    page.get_by_role("link", name="学时", exact=True).first.click()
    row = page.get_by_role("row").filter(has_text="学员甲")
    assert "2.50" in row.inner_text()
    assert blocking_violations(page) == []
    shoot(page, "hr-credit-hours")

    page.goto(f"{live_server.url}/hr/learners/{learner.pk}/")
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").click()
    original = Path(download.value.path()).read_bytes()
    code = EvidencePack.objects.get(learner=learner).code
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(original[:-10] + bytes([original[-10] ^ 1]) + original[-9:])
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(original)

    auditor = browser.new_context(locale="zh-CN").new_page()  # no account, no session
    auditor.goto(f"{live_server.url}/evidence/verify/{code}/")
    auditor.get_by_label("您收到的文件").set_input_files(str(copy))
    auditor.get_by_role("button", name="核对").click()
    assert auditor.get_by_text("核验通过：此文件与以该编号签发的证据包完全一致。").is_visible()
    auditor.get_by_label("您收到的文件").set_input_files(str(tampered))
    auditor.get_by_role("button", name="核对").click()
    assert auditor.get_by_role("alert").filter(has_text="未通过核验").is_visible()
    assert blocking_violations(auditor) == []
    shoot(auditor, "evidence-verify-tampered")
