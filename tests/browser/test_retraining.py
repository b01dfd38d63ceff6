"""A material change in real browsers: the trainer says why, HR assigns the module again, the
learner sees what changed; every page passes the accessibility check."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.utils import timezone

from courses.models import Module
from progress.models import ModuleProgress, Retraining
from tests.browser.test_accessibility import blocking_violations
from tests.coursebuilder import write_course
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db, tmp_path):
    call_command("import_content", str(write_course(tmp_path / "content").parent))
    found = {}
    for key, roles in (("trainer", ["learner", "trainer"]), ("hr", ["learner", "hr"]), ("learner", ["learner"])):
        person = UserFactory(email=f"{key}-e2e@example.com", roles=roles)
        EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
        found[key] = person
    earlier = timezone.now() - timedelta(days=30)
    ModuleProgress.objects.create(user=found["learner"], module=Module.objects.get(slug="m-1-2"),
                                  first_viewed_at=earlier, last_viewed_at=earlier, read_at=earlier,
                                  passed_at=earlier, completed_at=earlier, best_score=100)
    return found


def test_material_change_to_retraining(page, live_server, people, sign_in, shoot):
    base = live_server.url
    sign_in(page, people["trainer"].email)
    page.goto(f"{base}/trainer/courses/test-course/m-1-2/edit/")
    text = page.locator("textarea[name=text]")
    text.fill(text.input_value().replace("模块 m-1-2 的正文。", "模块 m-1-2 的正文，现在要求双人复核。"))
    page.locator("button[value=publish]").click()
    page.wait_for_load_state()
    assert page.get_by_text("发布前请选择这次修改是实质性修改还是编辑性修改").is_visible()
    page.get_by_role("radio", name="实质性修改：已获证的人需要重新学习").check()
    page.get_by_label("原因（实质性修改必填）").fill("新增双人复核要求")
    page.locator("button[value=publish]").click()
    page.wait_for_load_state()
    assert blocking_violations(page) == []

    page.context.clear_cookies()
    sign_in(page, people["hr"].email)
    page.goto(f"{base}/hr/retraining/")
    assert page.get_by_text("新增双人复核要求").is_visible()
    assert blocking_violations(page) == []
    shoot(page, "hr-retraining")
    page.get_by_role("button", name="重新指派本模块").click()
    assert page.get_by_text("已向 1 人重新指派《模块2》。").is_visible()
    assert Retraining.objects.get().user == people["learner"]

    page.context.clear_cookies()
    sign_in(page, people["learner"].email)
    page.goto(f"{base}/courses/test-course/m-1-2/")
    assert page.get_by_role("heading", name="你学习之后的变化").is_visible()
    assert page.locator("tr.diff-add", has_text="双人复核").count() == 1
    assert blocking_violations(page) == []
    shoot(page, "learner-retraining-diff")
