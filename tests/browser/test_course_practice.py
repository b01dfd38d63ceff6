"""The glossary, templates, a data exercise, a part review and the capstone in a real Chromium:
screenshots at desktop and phone width (tests/artifacts/practice-*.png), axe-core, and the exercise
graded by the server."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE
from tests.browser.test_accessibility import blocking_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PAGES = {
    "glossary": "/courses/ops-manager/glossary/",
    "resources": "/courses/ops-manager/resources/",
    "roi-sheet": "/courses/ops-manager/resources/roi-sheet/",
    "sop-template": "/courses/ops-manager/resources/sop-template/",
    "review": "/courses/ops-manager/review-data-driven/",
    "capstone": "/courses/ops-manager/capstone-case/",
    "exercise": "/courses/ops-manager/data-driven-decisions/",
}
RFM = "#exercise-rfm-five-customers"
RFM_ANSWERS = {"score-a": "555", "score-b": "433", "score-c": "244", "score-d": "111", "score-e": "425"}


@pytest.fixture
def learner(page, live_server, real_course, sign_in):
    user = UserFactory(email="practice@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    sign_in(page, "practice@example.com")
    return page


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_practice_pages_look_right_and_pass_axe(learner, live_server, shoot, name, width):
    if width == "phone":
        learner.set_viewport_size(PHONE)
    learner.goto(f"{live_server.url}{PAGES[name]}")
    learner.wait_for_selector("html.js")
    assert learner.locator("h1").count() == 1
    overflow = learner.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width} width"
    if name == "exercise":
        learner.locator(RFM).scroll_into_view_if_needed()
        learner.locator(RFM).screenshot(path=str(_artifact(f"practice-{name}-{width}")))
    else:
        shoot(learner, f"practice-{name}-{width}")
        learner.screenshot(path=str(_artifact(f"practice-{name}-{width}-top")))  # the first screen, full size
    assert blocking_violations(learner) == []
    assert learner.js_errors == []


def _artifact(name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"


def test_the_rfm_exercise_is_graded_by_the_server_and_remembered(learner, live_server):
    learner.goto(f"{live_server.url}{PAGES['exercise']}")
    form = learner.locator(RFM)
    submit = form.get_by_role("button", name="提交答案")
    expect(submit).to_be_enabled()
    for key, value in RFM_ANSWERS.items():
        form.locator(f"[data-blank={key}] input").fill(value)
    form.locator("[data-blank=type-c]").get_by_label("重要保持客户").check()
    form.locator("[data-blank=type-e]").get_by_label("一般发展客户").check()  # wrong on purpose
    submit.click()
    expect(form.locator(".exercise-status")).to_contain_text("答对 6 / 7 空")
    expect(form.locator("[data-blank=type-e] .exercise-feedback")).to_contain_text("还不对")
    form.locator(".exercise-blank.is-wrong").first.screenshot(path=str(_artifact("practice-exercise-wrong")))

    form.locator("[data-blank=type-e]").get_by_label("重要发展客户").check()
    submit.click()
    expect(form.locator(".exercise-status")).to_contain_text("全部正确")
    expect(form.locator(".exercise-explanation")).to_have_count(7)
    form.screenshot(path=str(_artifact("practice-exercise-solved")))

    learner.reload()
    expect(learner.locator(f"{RFM} [data-blank=score-c] input")).to_have_value("244")
    expect(learner.locator(f"{RFM} .exercise-status")).to_contain_text("全部正确")
    assert learner.js_errors == []


def test_an_empty_blank_is_caught_before_sending(learner, live_server):
    learner.goto(f"{live_server.url}{PAGES['exercise']}")
    form = learner.locator(RFM)
    form.get_by_role("button", name="提交答案").click()
    expect(form.locator(".exercise-status")).to_contain_text("还有 7 个空没有填")


def test_a_glossary_link_in_module_text_leads_to_its_entry(learner, live_server):
    learner.goto(f"{live_server.url}/courses/ops-manager/business-models/")
    learner.locator('.prose a[href$="/glossary/#arpu"]').first.click()
    learner.wait_for_url("**/glossary/#arpu")
    expect(learner.locator("#arpu")).to_contain_text("每用户平均收入")
    expect(learner.locator("#arpu").get_by_role("link", name="在这一节学习：商业模式与盈利思路")).to_be_visible()


def test_a_template_card_in_a_module_downloads_the_filled_roi_workbook(learner, live_server):
    learner.goto(f"{live_server.url}/courses/ops-manager/roi/")
    card = learner.locator(".resource-card").first
    expect(card).to_contain_text("ROI 测算表（超级品牌日案例）")
    card.screenshot(path=str(_artifact("practice-resource-card")))
    with learner.expect_download() as download:
        card.get_by_role("link", name="下载 .xlsx").click()
    assert download.value.suggested_filename == "roi-sheet.xlsx"
